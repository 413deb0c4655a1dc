package escpos

import (
	"slices"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// FuzzDecode feeds arbitrary bytes: no panic, and the same events whole,
// byte by byte and split at a point chosen by the input. The bytes are also
// fed as printer replies.
func FuzzDecode(f *testing.F) {
	for _, b := range corpus(f) {
		f.Add(b, uint16(7))
	}
	f.Add([]byte("\x1c&\xba\x1b!\x00\xcf\n\x1dV\x00"), uint16(3))
	f.Add([]byte("\x1b&\x03\x20\x21\x08\x10\x04\x00"), uint16(1))
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		if len(data) > 1<<16 {
			return
		}
		for _, opts := range []Options{{DeviceObserved: true}, {ChineseDefault: true, StarLineMode: true}} {
			whole, _ := decodeBytes(opts, data)
			want := marshalAll(t, whole)
			cut := int(split) % (len(data) + 1)
			two, _ := decodeChunks(opts, [][]byte{data[:cut], data[cut:]})
			if got := marshalAll(t, two); !slices.Equal(got, want) {
				t.Fatalf("split at %d differs from whole", cut)
			}
			if len(data) <= 4096 {
				single, _ := decodeChunks(opts, byteByByte(data))
				if got := marshalAll(t, single); !slices.Equal(got, want) {
					t.Fatal("byte by byte differs from whole")
				}
			}
			d := New(opts)
			d.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromDevice, Data: data})
			d.Flush(t0.Add(time.Hour))
		}
	})
}
