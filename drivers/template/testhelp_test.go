package template

import (
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

var t0 = time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)

// step is one chunk of a conversation.
type step struct {
	dir  drivers.Direction
	data []byte
}

func mustLoad(tb testing.TB, name string) *Template {
	tb.Helper()
	t, err := Load(name)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// run feeds steps, each cut into pieces of n bytes (0 = whole), one second
// apart, then flushes.
func run(d *Decoder, steps []step, n int) []drivers.Event {
	var evs []drivers.Event
	t := t0
	for _, s := range steps {
		t = t.Add(time.Second)
		for b := s.data; len(b) > 0; {
			k := len(b)
			if n > 0 {
				k = min(n, k)
			}
			evs = append(evs, d.Feed(drivers.Chunk{Time: t, Dir: s.dir, Data: b[:k]})...)
			b = b[k:]
		}
	}
	return append(evs, d.Flush(t.Add(time.Hour))...)
}

// tlv encodes one BER-TLV object with a short or 0x81 length.
func tlv(tag uint32, v []byte) []byte {
	var out []byte
	for sh := 24; sh >= 0; sh -= 8 {
		if b := byte(tag >> sh); b != 0 || len(out) > 0 {
			out = append(out, b)
		}
	}
	if len(v) > 127 {
		out = append(out, 0x81)
	}
	return append(append(out, byte(len(v))), v...)
}

// bcd packs a digit string (odd lengths padded with F).
func bcd(s string) []byte {
	if len(s)%2 == 1 {
		s += "F"
	}
	out := make([]byte, len(s)/2)
	for i := range out {
		hi, lo := s[2*i], s[2*i+1]
		out[i] = nib(hi)<<4 | nib(lo)
	}
	return out
}

func nib(c byte) byte {
	if c >= 'A' {
		return c - 'A' + 10
	}
	return c - '0'
}

// misposSession is a synthetic MIS-POS exchange: a sale of 128.50
// requested and approved, a sale of 35.00 declined (51), ACKs between.
func misposSession(tb testing.TB, card string) []step {
	t := mustLoad(tb, "mispos")
	ack := []byte{ACK}
	req := func(amount string) []byte { return t.Frame(tlv(0x9F02, bcd(amount))) }
	resp := func(amount, trace, auth, ref, code string) []byte {
		var b []byte
		b = append(b, tlv(0x9F02, bcd(amount))...)
		b = append(b, tlv(0x9F0B, []byte(card))...)
		b = append(b, tlv(0x9F0E, []byte(trace))...)
		b = append(b, tlv(0x9F0F, []byte(auth))...)
		b = append(b, tlv(0x9F10, []byte(ref))...)
		b = append(b, tlv(0x9F14, []byte(code))...)
		return t.Frame(b)
	}
	return []step{
		{drivers.FromHost, req("000000012850")}, {drivers.FromDevice, ack},
		{drivers.FromDevice, resp("000000012850", "000123", "A1B2C3", "332211998877", "00")}, {drivers.FromHost, ack},
		{drivers.FromHost, req("000000003500")}, {drivers.FromDevice, ack},
		{drivers.FromDevice, resp("000000003500", "000124", "", "332211998878", "51")}, {drivers.FromHost, ack},
	}
}
