package main

// The lane's time_zone is an IANA name; Windows has no zone database of
// its own, so the binary carries one (about 450 KB).
import _ "time/tzdata"
