package main

import (
	"encoding/base64"
	"encoding/binary"
	"unicode/utf16"
)

// encodedCommand is a script in the form powershell.exe -EncodedCommand
// takes: UTF-16LE, base64. It needs no quoting and no standard input.
func encodedCommand(script string) string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return base64.StdEncoding.EncodeToString(b)
}
