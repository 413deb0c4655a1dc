package capture

import (
	"bytes"
	"encoding/base64"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// fastRecord parses a data record of exactly the shape Writer emits
// ({"t":"...","dev":"...","from":"host|device","b64":"..."} with no escapes
// and ASCII names) without encoding/json, which spends most of its time
// validating the base64 string byte by byte. ok is false for anything
// else, and the caller then uses parseRecord: both give the same result
// (FuzzReader checks it). a, when not nil, shares the device name and the
// data's memory between records (see arena).
func fastRecord(line []byte, a *arena) (rec Record, ok bool) {
	rest, ok := bytes.CutPrefix(line, []byte(`{"t":"`))
	if !ok {
		return Record{}, false
	}
	// A time in the writer's layout is a plain string: its quote is all
	// there is to find (writerTime checks every byte before it).
	const tsLen = len("2006-01-02T15:04:05.000000Z")
	var ts []byte
	t, timed := time.Time{}, false
	if len(rest) > tsLen && rest[tsLen] == '"' {
		var days *dayCache
		if a != nil {
			days = &a.days
		}
		if t, timed = writerTimeDay(rest[:tsLen], days); timed {
			ts, rest = rest[:tsLen], rest[tsLen+1:]
		}
	}
	if !timed {
		if ts, rest, ok = plainString(rest); !ok {
			return Record{}, false
		}
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"dev":"`)); !ok {
		return Record{}, false
	}
	dev, rest, ok := plainString(rest)
	if !ok || len(dev) == 0 {
		return Record{}, false
	}
	switch {
	case bytes.HasPrefix(rest, []byte(`,"from":"host","b64":"`)):
		rec.Dir, rest = drivers.FromHost, rest[len(`,"from":"host","b64":"`):]
	case bytes.HasPrefix(rest, []byte(`,"from":"device","b64":"`)):
		rec.Dir, rest = drivers.FromDevice, rest[len(`,"from":"device","b64":"`):]
	default:
		return Record{}, false
	}
	// The data's string is found by its closing quote alone: a byte that
	// would make it more than a plain string (a backslash, a control or
	// non-ASCII byte) is no base64 either, and Decode below fails on it,
	// except CR and LF, which Decode skips.
	q := bytes.IndexByte(rest, '"')
	if q < 0 || bytes.IndexByte(rest[:q], '\r') >= 0 || bytes.IndexByte(rest[:q], '\n') >= 0 {
		return Record{}, false
	}
	b64, rest := rest[:q], rest[q+1:]
	if !closesObject(rest) {
		return Record{}, false
	}
	if !timed {
		var err error
		if t, err = time.Parse(time.RFC3339Nano, string(ts)); err != nil {
			return Record{}, false
		}
	}
	data := a.alloc(base64.StdEncoding.DecodedLen(len(b64)))
	n, err := base64.StdEncoding.Decode(data, b64)
	if err != nil {
		return Record{}, false
	}
	rec.Time, rec.Dev, rec.Data = t.UTC(), a.dev(dev), data[:n:n]
	return rec, true
}

// arenaSlab is the size of the blocks an arena hands records' data from.
const arenaSlab = 64 << 10

// arena saves a reader two allocations per record, most of a replay's
// garbage (a busy lane's records average 13 bytes of data): records share
// the device name's string while it repeats, and their data are carved
// from 64 KiB blocks, each capped at its own length so an append copies
// instead of writing into the next record's bytes. A record kept alive
// keeps its block alive. The nil arena allocates as usual.
type arena struct {
	last string
	slab []byte
	// scratch makes alloc hand out the same memory at every call, for a
	// caller that copies each record before reading the next (Batch).
	scratch bool
	// days is the date of the previous record's time.
	days dayCache
}

// dayCache is the last date writerTimeDay converted, as written and as
// days since 1970 (consecutive records are nearly always of one day).
type dayCache struct {
	date [10]byte
	days int64
	ok   bool
}

// dev returns b as a string, the previous one when equal.
func (a *arena) dev(b []byte) string {
	if a == nil {
		return string(b)
	}
	if a.last != string(b) { // no allocation: the compiler compares in place
		a.last = string(b)
	}
	return a.last
}

// alloc returns n bytes of fresh memory (in scratch mode, the memory of
// the previous call).
func (a *arena) alloc(n int) []byte {
	if a == nil {
		return make([]byte, n)
	}
	if a.scratch {
		if cap(a.slab) < n || a.slab == nil {
			a.slab = make([]byte, max(n, arenaSlab))
		}
		return a.slab[:n:n]
	}
	if n > arenaSlab/8 {
		return make([]byte, n)
	}
	if len(a.slab) < n || a.slab == nil { // nil: an empty chunk's data is not nil
		a.slab = make([]byte, arenaSlab)
	}
	b := a.slab[:n:n]
	a.slab = a.slab[n:]
	return b
}

// plainString splits b at the closing quote of a JSON string that needs no
// unescaping: printable ASCII without backslash. ok is false otherwise.
func plainString(b []byte) (s, rest []byte, ok bool) {
	for i, c := range b {
		switch {
		case c == '"':
			return b[:i], b[i+1:], true
		case c == '\\' || c < 0x20 || c >= 0x7f:
			return nil, nil, false
		}
	}
	return nil, nil, false
}

// writerTime parses a time in exactly the layout Writer uses
// (2026-11-22T10:15:03.123456Z), a fifth of what time.Parse takes for it.
// ok is false for anything else, valid or not: time.Parse decides those.
func writerTime(b []byte) (t time.Time, ok bool) { return writerTimeDay(b, nil) }

// writerTimeDay is writerTime taking the date's day number from c (when
// not nil) if it is c's date, and leaving the date in c.
func writerTimeDay(b []byte, c *dayCache) (t time.Time, ok bool) {
	if len(b) != len("2006-01-02T15:04:05.000000Z") || b[4] != '-' || b[7] != '-' || b[10] != 'T' ||
		b[13] != ':' || b[16] != ':' || b[19] != '.' || b[26] != 'Z' {
		return time.Time{}, false
	}
	num := func(b []byte) int {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	h, mi, s, us := num(b[11:13]), num(b[14:16]), num(b[17:19]), num(b[20:26])
	if h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || us < 0 {
		return time.Time{}, false
	}
	var days int64
	if c != nil && c.ok && string(b[:10]) == string(c.date[:]) {
		days = c.days
	} else {
		y, mo, d := num(b[0:4]), num(b[5:7]), num(b[8:10])
		if y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) {
			return time.Time{}, false
		}
		// time.Date(y, mo, d, h, mi, s, us*1000, time.UTC) without its
		// normalising: the fields are in range.
		days = daysFromCivil(y, mo, d)
		if c != nil {
			copy(c.date[:], b[:10])
			c.days, c.ok = days, true
		}
	}
	return time.Unix(days*86400+int64(h*3600+mi*60+s), int64(us)*1000).UTC(), true
}

// daysFromCivil is the number of days from 1970-01-01 to y-mo-d in the
// proleptic Gregorian calendar (H. Hinnant's days_from_civil).
func daysFromCivil(y, mo, d int) int64 {
	if mo <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era-- // floor division
	}
	yoe := y - era*400
	mp := (mo + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// daysIn is the number of days of month mo (1-12) of year y.
func daysIn(mo, y int) int {
	if mo == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 29
	}
	return int([...]uint8{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[mo-1])
}

// closesObject reports whether b is "}" followed by nothing but spaces
// and tabs (bytes.TrimRight with a cutset builds its set on every call,
// and this runs for every record).
func closesObject(b []byte) bool {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return len(b) == 1 && b[0] == '}'
}
