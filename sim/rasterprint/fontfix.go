package rasterprint

import (
	"encoding/binary"
	"errors"
)

// extractFace copies face index of a TrueType collection (or a plain
// font, index 0) into a standalone font whose tables start on four-byte
// boundaries. golang.org/x/image/font/sfnt rejects fonts whose tables do
// not (golang/go#46384), and Debian's WenQuanYi Zen Hei and AR PL UMing
// collections are such fonts; the table bytes themselves are unchanged.
func extractFace(data []byte, index int) ([]byte, error) {
	if len(data) < 12 {
		return nil, errors.New("font too short")
	}
	base := 0
	if string(data[:4]) == "ttcf" {
		n := int(binary.BigEndian.Uint32(data[8:]))
		if index < 0 || index >= n || len(data) < 12+4*n {
			return nil, errors.New("no such face in the collection")
		}
		base = int(binary.BigEndian.Uint32(data[12+4*index:]))
	}
	if base+12 > len(data) {
		return nil, errors.New("bad font offset")
	}
	numTables := int(binary.BigEndian.Uint16(data[base+4:]))
	dir := base + 12
	if dir+16*numTables > len(data) {
		return nil, errors.New("bad table directory")
	}
	out := make([]byte, 12+16*numTables, len(data))
	copy(out, data[base:base+12])
	for i := 0; i < numTables; i++ {
		rec := data[dir+16*i : dir+16*i+16]
		off, n := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if off < 0 || n < 0 || off+n > len(data) {
			return nil, errors.New("table outside the font")
		}
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		r := out[12+16*i : 12+16*i+16]
		copy(r, rec)
		binary.BigEndian.PutUint32(r[8:], uint32(len(out)))
		out = append(out, data[off:off+n]...)
	}
	return out, nil
}
