package escpos

import (
	"slices"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/raster"
)

// FuzzDecode feeds arbitrary bytes: no panic, and the same events whole,
// byte by byte and split at a point chosen by the input. The bytes are also
// fed as printer replies.
func FuzzDecode(f *testing.F) {
	for _, b := range corpus(f) { // slices keep mutation and minimization fast
		f.Add(b[:min(len(b), 2048)], uint16(7))
		f.Add(b[max(0, len(b)-512):], uint16(len(b)))
	}
	f.Add([]byte("\x1c&\xba\x1b!\x00\xcf\n\x1dV\x00"), uint16(3))
	f.Add([]byte("\x1b&\x03\x20\x21\x08\x10\x04\x00"), uint16(1))
	f.Add([]byte("\x1bL\x1bW\x10\x00\x00\x00\x3c\x00\x00\x02\x1d$\x64\x00BOTTOM\x1d$\x00\x00TOP\x1b$\x2c\x01R\x1d\\\xe2\xff\x1b\\\x10\x00X\n"+
		"\x1dv0\x00\x01\x00\x02\x00\xa0\x50\x1bJ\x10\x1b\x0c\x1d$\x1e\x00\xba\xcf\x1d$\x1e\x00\x1b$\x0c\x00\xbc\xc6\x0c\x1dV\x00"), uint16(40)) // page mode positions
	optionSets := []Options{{DeviceObserved: true, Detail: true}, {ChineseDefault: true, StarLineMode: true},
		{Printer: mustPrinter("csn-a2"), Detail: true}, {Printer: mustPrinter("epson-japan")}}
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		if len(data) > 1<<14 {
			return
		}
		opts := optionSets[int(split)%len(optionSets)]
		whole, _ := decodeBytes(opts, data)
		want := marshalAll(t, whole)
		cut := int(split) % (len(data) + 1)
		two, _ := decodeChunks(opts, [][]byte{data[:cut], data[cut:]})
		if got := marshalAll(t, two); !slices.Equal(got, want) {
			t.Fatalf("split at %d differs from whole", cut)
		}
		if len(data) <= 512 {
			single, _ := decodeChunks(opts, byteByByte(data))
			if got := marshalAll(t, single); !slices.Equal(got, want) {
				t.Fatal("byte by byte differs from whole")
			}
		}
		d := New(opts)
		d.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromDevice, Data: data})
		d.Flush(t0.Add(time.Hour))
	})
}

// FuzzStatus interleaves host requests and printer replies as the input
// says: no panic, bounded queues, and every NoReply event is timed after
// its request.
func FuzzStatus(f *testing.F) {
	f.Add([]byte("\x10\x04\x01"), []byte("\x16"), uint8(0))
	f.Add([]byte("\x1da\xff\x10\x04\x04\x1dr\x01"), []byte("\x10\x00\x00\x00\x12\x00\x14\x00\x0c\x00"), uint8(2))
	f.Add([]byte("\x1dI\x01\x1dI\x42"), []byte("\x5fTM-T88\x00\x11\x13\x20"), uint8(5))
	for _, b := range corpus(f) {
		f.Add(b[:min(len(b), 64)], b[len(b)-min(len(b), 64):], uint8(len(b)))
	}
	f.Fuzz(func(t *testing.T, host, dev []byte, step uint8) {
		d := New(Options{DeviceObserved: step&1 == 1})
		now := t0
		for i := 0; i < max(len(host), len(dev)); i += 4 {
			now = now.Add(time.Duration(step) * 100 * time.Millisecond)
			if i < len(host) {
				d.Feed(drivers.Chunk{Time: now, Dir: drivers.FromHost, Data: host[i:min(i+4, len(host))]})
			}
			if i < len(dev) {
				d.Feed(drivers.Chunk{Time: now, Dir: drivers.FromDevice, Data: dev[i:min(i+4, len(dev))]})
			}
			if len(d.st.eot) > maxPending || len(d.st.buf) > maxPending {
				t.Fatal("pending status requests over bound")
			}
		}
		for _, e := range append(d.Flush(now.Add(time.Minute)), d.FlushAll()...) {
			if s, ok := e.(*drivers.PrinterStatus); ok && s.NoReply && s.Time.Before(t0) {
				t.Fatalf("NoReply before any request: %v", s.Time)
			}
		}
	})
}

// FuzzRaster feeds image commands: no panic, images within bounds, and
// the same assembled images (the fake recogniser hashes their dots)
// whole and split at a point the input chooses.
func FuzzRaster(f *testing.F) {
	f.Add([]byte("\x1b3\x18\x1b*\x21\x02\x00\x80\x00\x01\xff\xff\xff\n\x1b*\x00\x01\x00\x80\n\x1dV\x00"), uint16(9))
	f.Add([]byte("\x1dv0\x03\x02\x00\x02\x00\xa0\x50\x0f\xf0A\n\x1dv0\x00\xff\xff\xff\xff\x01"), uint16(3))
	f.Add([]byte("\x1d(L\x0b\x000p0\x01\x02\x31\x02\x00\x01\x00\xc0\x1d(L\x02\x0002\x1bL\x1bW\x04\x00\x01\x00\x40\x00\x40\x00\x1b$\x02\x00\x1d$\x03\x00\x1dv0\x00\x01\x00\x01\x00\x80\x0c"), uint16(20))
	f.Add([]byte("\x1d8L\x0b\x00\x00\x000p0\x02\x02\x31\x01\x00\x01\x00\x80\x1d(L\x02\x0002\x1cp\x01\x00\x1bJ\x05\x1dL\x08\x00"), uint16(1))
	f.Add([]byte("\x1d(L\x10\x000q0\x01\x02\x31\x03\x00\x0a\x00\x80\x00\x00\x40\xc0\x00\x1d(L\x02\x0002\x1d8L\x0b\x00\x00\x000q0\x02\x02\x31\xff\xff\xff\xff\xff"), uint16(7))
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		if len(data) > 1<<14 {
			return
		}
		whole := &fakeRecognizer{}
		evs, _ := decodeBytes(Options{Recognizer: whole, Detail: true}, data)
		want := marshalAll(t, evs)
		for _, b := range whole.seen {
			if b.W > raster.MaxWidth || b.H > raster.MaxHeight {
				t.Fatalf("image %dx%d over bounds", b.W, b.H)
			}
		}
		cut := int(split) % (len(data) + 1)
		two, _ := decodeChunks(Options{Recognizer: &fakeRecognizer{}, Detail: true}, [][]byte{data[:cut], data[cut:]})
		if got := marshalAll(t, two); !slices.Equal(got, want) {
			t.Fatalf("split at %d differs from whole", cut)
		}
	})
}
