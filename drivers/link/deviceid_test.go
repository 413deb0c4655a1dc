package link

import (
	"reflect"
	"strings"
	"testing"
)

// TestParseDeviceID: IEEE 1284 device IDs as receipt printers report them.
func TestParseDeviceID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want DeviceID
		cmds []string
	}{
		{"MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;CLS:PRINTER;DES:TM-T20II;", DeviceID{"MFG": "EPSON", "CMD": "ESC/POS", "MDL": "TM-T20II", "CLS": "PRINTER", "DES": "TM-T20II"}, []string{"ESC/POS"}},
		{"MANUFACTURER:STAR;COMMAND SET:STAR,ESC/POS ;MODEL:TSP143IIIU", DeviceID{"MFG": "STAR", "CMD": "STAR,ESC/POS", "MDL": "TSP143IIIU"}, []string{"STAR", "ESC/POS"}},
		{"mfg: Xprinter ;junk;:empty;MDL:XP-58", DeviceID{"MFG": "Xprinter", "MDL": "XP-58"}, nil},
		{"", DeviceID{}, nil},
	} {
		got := ParseDeviceID(tc.in)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseDeviceID(%q) = %v, want %v", tc.in, got, tc.want)
		}
		if c := got.Commands(); !reflect.DeepEqual(c, tc.cmds) {
			t.Errorf("%q: commands %v, want %v", tc.in, c, tc.cmds)
		}
	}
}

// TestDeviceIDString: usblp's answer is a big-endian length (counting
// itself) and the ID; a length that does not fit is ignored.
func TestDeviceIDString(t *testing.T) {
	id := "MFG:EPSON;MDL:TM-T88V;"
	buf := make([]byte, 64)
	buf[1] = byte(len(id) + 2)
	copy(buf[2:], id)
	if got := deviceIDString(buf); got != id {
		t.Errorf("got %q, want %q", got, id)
	}
	buf[0] = 0xff
	if got := deviceIDString(buf); got != id {
		t.Errorf("oversized length: got %q, want %q", got, id)
	}
	if got := deviceIDString([]byte{0}); got != "" {
		t.Errorf("short answer: %q", got)
	}
}

func FuzzParseDeviceID(f *testing.F) {
	f.Add("MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;")
	f.Add("MANUFACTURER:STAR;COMMAND SET:STAR")
	f.Add(";;:;")
	f.Fuzz(func(t *testing.T, s string) {
		id := ParseDeviceID(s)
		for k := range id {
			if k == "" || k != strings.ToUpper(k) || strings.TrimSpace(k) != k {
				t.Fatalf("key %q from %q", k, s)
			}
		}
		_ = id.Commands()
		_ = deviceIDString([]byte(s))
	})
}
