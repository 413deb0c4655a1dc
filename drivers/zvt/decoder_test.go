package zvt

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// step is one transmission of a conversation.
type step struct {
	dir  drivers.Direction
	data []byte
}

var t0 = time.Date(2026, 11, 22, 10, 15, 3, 0, time.UTC)

// host and dev build steps.
func host(b ...[]byte) step { return step{drivers.FromHost, bytes.Join(b, nil)} }
func dev(b ...[]byte) step  { return step{drivers.FromDevice, bytes.Join(b, nil)} }

var (
	ackByte = []byte{ACK}
	nakByte = []byte{NAK}
)

// serialSale is a serial sale of 25.00 EUR approved for 20.40 EUR, every
// frame answered by an ACK byte and every terminal message by 80 00 00.
func serialSale() []step {
	status := StatusInfo(StatusFields{
		Result: 0, Amount: 2040, Currency: 978, Trace: "000470", Receipt: "0470",
		PAN: "559883EEEEEE8074", TerminalID: "28004869", AuthCode: "611804", CardName: "Debit Mastercard",
	})
	return []step{
		host(Frame(AuthRequest(2500, 978))), dev(ackByte), dev(Frame(Ack())), host(ackByte),
		dev(Frame(Intermediate(0x17))), host(ackByte), host(Frame(Ack())), dev(ackByte),
		dev(Frame(status)), host(ackByte), host(Frame(Ack())), dev(ackByte),
		dev(Frame(Completion())), host(ackByte), host(Frame(Ack())), dev(ackByte),
	}
}

// run feeds steps whole and returns the events.
func run(d *Decoder, steps []step) []drivers.Event {
	var evs []drivers.Event
	for i, s := range steps {
		evs = append(evs, d.Feed(drivers.Chunk{Time: t0.Add(time.Duration(i) * time.Millisecond), Dir: s.dir, Data: s.data})...)
	}
	return evs
}

// runChunked feeds each step in pieces of at most max bytes (1 = byte by
// byte; random sizes when r is set). Every piece of a step has that step's
// time, so events carry the same times as with run.
func runChunked(d *Decoder, steps []step, max int, r *rand.Rand) []drivers.Event {
	var evs []drivers.Event
	for i, s := range steps {
		for b := s.data; len(b) > 0; {
			n := max
			if r != nil {
				n = 1 + r.IntN(max)
			}
			n = min(n, len(b))
			evs = append(evs, d.Feed(drivers.Chunk{Time: t0.Add(time.Duration(i) * time.Millisecond), Dir: s.dir, Data: b[:n]})...)
			b = b[n:]
		}
	}
	return evs
}

// payments returns the payments among evs.
func payments(evs []drivers.Event) []*drivers.Payment {
	var ps []*drivers.Payment
	for _, e := range evs {
		if p, ok := e.(*drivers.Payment); ok {
			ps = append(ps, p)
		}
	}
	return ps
}

// onePayment asserts evs is exactly one Payment and returns it.
func onePayment(t *testing.T, evs []drivers.Event) *drivers.Payment {
	t.Helper()
	ps := payments(evs)
	if len(evs) != 1 || len(ps) != 1 {
		t.Fatalf("got %d events (%d payments), want exactly 1 payment: %+v", len(evs), len(ps), evs)
	}
	return ps[0]
}

func TestSerialSale(t *testing.T) {
	want := drivers.Payment{
		Head: drivers.Head{Time: t0.Add(8 * time.Millisecond)}, Type: drivers.PaySale, Result: drivers.Approved,
		Amount: 2040, Requested: 2500, Currency: "EUR", AuthCode: "611804", Trace: "000470", ReceiptNo: "0470",
		TerminalID: "28004869", Card: "559883******8074", CardName: "Debit Mastercard",
	}
	for _, framing := range []string{FramingSerial, FramingAuto} {
		feeds := map[string]func(*Decoder) []drivers.Event{
			"whole":      func(d *Decoder) []drivers.Event { return run(d, serialSale()) },
			"byte":       func(d *Decoder) []drivers.Event { return runChunked(d, serialSale(), 1, nil) },
			"random":     func(d *Decoder) []drivers.Event { return runChunked(d, serialSale(), 7, rand.New(rand.NewPCG(1, 2))) },
			"random-big": func(d *Decoder) []drivers.Event { return runChunked(d, serialSale(), 40, rand.New(rand.NewPCG(3, 4))) },
		}
		for name, feed := range feeds {
			t.Run(framing+"/"+name, func(t *testing.T) {
				d := New(Options{Framing: framing})
				p := onePayment(t, feed(d))
				if *p != want {
					t.Errorf("payment\n got %+v\nwant %+v", *p, want)
				}
				st := d.Stats()
				if st.Framing != FramingSerial || st.Frames != 8 || st.ACKs != 8 || st.NAKs != 0 || st.Retransmits != 0 ||
					st.CRCErrors+st.FramingErrors+st.DecodeErrors+st.NoiseBytes != 0 || st.LastError != nil {
					t.Errorf("stats %+v", st)
				}
			})
		}
	}
}

func TestSerialRetransmission(t *testing.T) {
	status := Frame(StatusInfo(StatusFields{Result: 0, Amount: 990, Currency: 978, Trace: "000001"}))
	corrupt := bytes.Clone(status)
	corrupt[len(corrupt)-1] ^= 0xFF // CRC high byte
	tests := []struct {
		name  string
		steps []step
		want  Stats
	}{
		{"nak", []step{
			host(Frame(AuthRequest(990, 978))), dev(ackByte),
			dev(status), host(nakByte), dev(status), host(ackByte), host(Frame(Ack())), dev(ackByte),
		}, Stats{Frames: 4, ACKs: 3, NAKs: 1, Retransmits: 1}},
		{"no-ack-seen", []step{
			host(Frame(AuthRequest(990, 978))),
			dev(status), dev(status), host(Frame(Ack())),
		}, Stats{Frames: 4, Retransmits: 1}},
		{"crc-error", []step{
			host(Frame(AuthRequest(990, 978))), dev(ackByte),
			dev(corrupt), host(nakByte), dev(status), host(ackByte),
		}, Stats{Frames: 2, ACKs: 2, NAKs: 1, CRCErrors: 1}},
		{"acked-then-new", []step{
			host(Frame(AuthRequest(990, 978))), dev(ackByte),
			dev(status), host(ackByte), dev(Frame(Completion())), host(ackByte),
			host(Frame(AuthRequest(990, 978))), dev(ackByte),
			dev(status), host(ackByte),
		}, Stats{Frames: 5, ACKs: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New(Options{Framing: FramingSerial, Currency: "EUR"})
			ps := payments(run(d, tt.steps))
			wantN := 1
			if tt.name == "acked-then-new" {
				wantN = 2 // the same bytes after an ACK and a new command are a new payment
			}
			if len(ps) != wantN {
				t.Fatalf("got %d payments, want %d: %+v", len(ps), wantN, ps)
			}
			for _, p := range ps {
				if p.Result != drivers.Approved || p.Amount != 990 || p.Requested != 990 {
					t.Errorf("payment %+v", *p)
				}
			}
			st := d.Stats()
			got := Stats{Frames: st.Frames, ACKs: st.ACKs, NAKs: st.NAKs, Retransmits: st.Retransmits, CRCErrors: st.CRCErrors}
			if got != tt.want {
				t.Errorf("stats %+v, want %+v", got, tt.want)
			}
			if tt.want.CRCErrors > 0 && !errors.Is(st.LastError, ErrCRC) {
				t.Errorf("last error %v, want ErrCRC", st.LastError)
			}
		})
	}
}

// everestSession is the Feig reservation and its reversal over TCP, as
// captured (EVerest/zvt blobs).
func everestSession(t *testing.T) []step {
	vs := loadVectors(t)
	ids := []string{
		"everest-1680728162.033575000_ecr_pt.blob", // 06 22 reservation 25.00
		"everest-1680728162.647465000_pt_ecr.blob", // 04 FF
		"everest-1680728165.675509000_pt_ecr.blob", // 04 0F approved
		"everest-1680728165.827009000_pt_ecr.blob", // 06 0F
		"everest-1680728213.562478000_ecr_pt.blob", // 06 25 reversal of receipt 0231
		"everest-1680728215.585561000_pt_ecr.blob", // 06 D3 receipt
		"everest-1680728215.659492000_pt_ecr.blob", // 04 0F approved 0.00
		"everest-1680728219.054216000_pt_ecr.blob", // 06 0F
	}
	var steps []step
	for _, id := range ids {
		v := vectorByID(t, vs, id)
		steps = append(steps, step{v.dir(), v.bytes(t)})
		if v.dir() == drivers.FromDevice {
			steps = append(steps, host(Ack()))
		} else {
			steps = append(steps, dev(Ack()))
		}
	}
	return steps
}

func TestTCPSession(t *testing.T) {
	for _, framing := range []string{FramingTCP, FramingAuto} {
		for _, max := range []int{1 << 20, 1, 5, 100} {
			d := New(Options{Framing: framing})
			var r *rand.Rand
			if max < 1<<20 {
				r = rand.New(rand.NewPCG(uint64(max), 9))
			}
			ps := payments(runChunked(d, everestSession(t), max, r))
			if len(ps) != 2 {
				t.Fatalf("%s/%d: got %d payments, want 2: %+v", framing, max, len(ps), ps)
			}
			pre, rev := ps[0], ps[1]
			if pre.Type != drivers.PayPreAuth || pre.Result != drivers.Approved || pre.Amount != 2500 || pre.Requested != 2500 ||
				pre.Currency != "EUR" || pre.Card != "559883******8074" || pre.ReceiptNo != "0231" || pre.AuthCode != "750071" || pre.TerminalID != "52523535" {
				t.Errorf("%s/%d: reservation %+v", framing, max, *pre)
			}
			if rev.Type != drivers.PayPreAuthRv || rev.Result != drivers.Approved || rev.Amount != 0 || rev.OriginalReceipt != "0231" || rev.ReceiptNo != "0232" {
				t.Errorf("%s/%d: reversal %+v", framing, max, *rev)
			}
			if st := d.Stats(); st.Framing != FramingTCP || st.Frames != 16 || st.DecodeErrors+st.FramingErrors != 0 {
				t.Errorf("%s/%d: stats %+v", framing, max, st)
			}
		}
	}
}

func TestAbort(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		want  []drivers.Payment
	}{
		{"abort-without-result", []step{host(AuthRequest(1200, 978)), dev(Ack()), dev(Abort(0x6C)), host(Ack())},
			[]drivers.Payment{{Type: drivers.PaySale, Result: drivers.Aborted, ResultCode: 0x6C, Requested: 1200, Currency: "EUR"}}},
		{"declined-then-abort", []step{host(AuthRequest(1200, 978)), dev(StatusInfo(StatusFields{Result: 5, NoAmount: true, Text: "Abgelehnt"})), dev(Abort(5))},
			[]drivers.Payment{{Type: drivers.PaySale, Result: drivers.Declined, ResultCode: 5, Requested: 1200, Currency: "EUR", Text: "Abgelehnt"}}},
		{"abort-after-register-abort", []step{host(RefundRequest(300)), dev(Ack()), host(encodeAPDU(0x06, 0xB0, nil)), dev(Abort(0x6C))},
			[]drivers.Payment{{Type: drivers.PayRefund, Result: drivers.Aborted, ResultCode: 0x6C, Requested: 300, Currency: "CHF"}}},
		{"terminal-refuses-command", []step{host(AuthRequest(500, 978)), dev(Negative(0x83))},
			[]drivers.Payment{{Type: drivers.PaySale, Result: drivers.Aborted, ResultCode: 0x83, Requested: 500, Currency: "EUR"}}},
		{"completion-clears", []step{host(AuthRequest(500, 978)), dev(Completion()), dev(Abort(0x6C))}, nil},
		{"register-refuses-result", []step{
			host(AuthRequest(3300, 978)), dev(StatusInfo(StatusFields{Result: 0, Amount: 3300, Trace: "000100", Receipt: "0100"})),
			host(Negative(0x66)), dev(Abort(0x05)),
		}, []drivers.Payment{
			{Type: drivers.PaySale, Result: drivers.Approved, Amount: 3300, Requested: 3300, Currency: "EUR", Trace: "000100", ReceiptNo: "0100"},
			{Type: drivers.PayVoid, Result: drivers.Approved, ResultCode: 5, Amount: 3300, Currency: "EUR", OriginalTrace: "000100", OriginalReceipt: "0100",
				Text: "reversed by the terminal after the register refused the result (84 66)"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := "EUR"
			if tt.name == "abort-after-register-abort" {
				cur = "CHF"
			}
			d := New(Options{Framing: FramingTCP, Currency: cur})
			ps := payments(run(d, tt.steps))
			if len(ps) != len(tt.want) {
				t.Fatalf("got %d payments %+v, want %d", len(ps), ps, len(tt.want))
			}
			for i, p := range ps {
				p.Time = time.Time{}
				if *p != tt.want[i] {
					t.Errorf("payment %d\n got %+v\nwant %+v", i, *p, tt.want[i])
				}
			}
		})
	}
}

func TestReversal(t *testing.T) {
	d := New(Options{Framing: FramingTCP})
	p := onePayment(t, run(d, []step{
		host(ReversalRequest("0470")), dev(Ack()),
		dev(StatusInfo(StatusFields{Result: 0, Amount: 2040, Currency: 978, Trace: "000471", OriginalTrace: "000470", Receipt: "0471"})),
		host(Ack()), dev(Completion()),
	}))
	if p.Type != drivers.PayVoid || p.Result != drivers.Approved || p.Amount != 2040 || p.Requested != 0 ||
		p.OriginalReceipt != "0470" || p.OriginalTrace != "000470" || p.Trace != "000471" {
		t.Errorf("reversal %+v", *p)
	}
}

func TestEndOfDay(t *testing.T) {
	totals := &Totals{From: "0233", To: "0240", Cards: []CardTotal{{Count: 3, Amount: 1500}, {}, {Count: 2, Amount: 958}}}
	d := New(Options{Framing: FramingSerial, Currency: "EUR"})
	evs := run(d, []step{
		host(Frame(EndOfDayRequest())), dev(ackByte),
		dev(Frame(StatusInfo(StatusFields{Result: 0, Amount: 2458, Trace: "000982", TerminalID: "52523535", Totals: totals}))), host(ackByte),
		dev(Frame(Completion())), host(ackByte),
	})
	if len(evs) != 1 {
		t.Fatalf("got %d events %+v, want 1 settlement", len(evs), evs)
	}
	s, ok := evs[0].(*drivers.Settlement)
	if !ok {
		t.Fatalf("got %T, want *drivers.Settlement", evs[0])
	}
	want := drivers.Settlement{Head: drivers.Head{Time: t0.Add(2 * time.Millisecond)}, Total: 2458, Count: 5, Currency: "EUR",
		Trace: "000982", TerminalID: "52523535", From: "0233", To: "0240"}
	if *s != want {
		t.Errorf("settlement\n got %+v\nwant %+v", *s, want)
	}

	// A failed end-of-day gives no settlement and no payment.
	d = New(Options{Framing: FramingTCP})
	if evs := run(d, []step{host(EndOfDayRequest()), dev(StatusInfo(StatusFields{Result: 0x64, NoAmount: true})), dev(Abort(0x64))}); len(evs) != 0 {
		t.Errorf("failed end-of-day gave %+v", evs)
	}
}

// TestNonPaymentResult: a 04 0F answering read-card is not a payment.
func TestNonPaymentResult(t *testing.T) {
	vs := loadVectors(t)
	rc := vectorByID(t, vs, "everest-1680722649.972316000_ecr_pt.blob")
	res := vectorByID(t, vs, "everest-1680728161.963129000_pt_ecr.blob")
	d := New(Options{})
	if evs := run(d, []step{{rc.dir(), rc.bytes(t)}, {res.dir(), res.bytes(t)}}); len(evs) != 0 {
		t.Errorf("read card result gave events %+v", evs)
	}
}

// TestResync: noise, broken frames and oversized garbage never stop the
// decoder for good, and its buffers stay bounded.
func TestResync(t *testing.T) {
	sale := serialSale()
	noise := bytes.Repeat([]byte{0x55, 0x10, 0x00}, 100_000) // 300 kB without a DLE STX
	cut := Frame(StatusInfo(StatusFields{Result: 0, Amount: 1}))
	cut = cut[:len(cut)/2]
	steps := append([]step{dev(noise), dev(cut)}, sale...)
	d := New(Options{Framing: FramingSerial})
	evs := run(d, steps)
	if p := onePayment(t, evs); p.Amount != 2040 {
		t.Errorf("payment after noise %+v", *p)
	}
	st := d.Stats()
	if st.NoiseBytes < len(noise) || st.FramingErrors != 1 {
		t.Errorf("stats %+v", st)
	}
	for i := range d.in {
		if cap(d.in[i].buf) > 4*feedSlice {
			t.Errorf("buffer %d grew to %d", i, cap(d.in[i].buf))
		}
	}

	// TCP: unknown class bytes are skipped, flush drops a partial APDU.
	d = New(Options{Framing: FramingTCP})
	evs = run(d, []step{dev([]byte{0x00, 0x99, 0x04, 0x0F, 0x20, 0x27})})
	evs = append(evs, d.Flush(t0)...)
	evs = append(evs, run(d, []step{host(AuthRequest(100, 978)), dev(StatusInfo(StatusFields{Result: 0, Amount: 100}))})...)
	if p := onePayment(t, evs); p.Amount != 100 {
		t.Errorf("payment after resync %+v", *p)
	}
	if st := d.Stats(); st.FramingErrors != 1 || st.NoiseBytes != 2 || st.Incomplete != 1 {
		t.Errorf("tcp stats %+v", st)
	}
}

func TestAutoFramingSerialAfterNoise(t *testing.T) {
	// The tap joined mid-frame: the first bytes look like an APDU, then
	// serial frames follow.
	steps := append([]step{dev([]byte{0x04, 0x0F, 0x01, 0x27, 0x10, 0x03, 0x11, 0x22, ACK})}, serialSale()...)
	d := New(Options{})
	p := onePayment(t, run(d, steps))
	if p.Amount != 2040 || d.Stats().Framing != FramingSerial {
		t.Errorf("payment %+v, stats %+v", *p, d.Stats())
	}
}

func TestCRCCheckValue(t *testing.T) {
	// TERMINALS.md: 10 02 06 0F 0B F0 F0 F7 32 2E 31 34 2E 31 35 00 10 03 B1 11
	apdu := []byte{0x06, 0x0F, 0x0B, 0xF0, 0xF0, 0xF7, 0x32, 0x2E, 0x31, 0x34, 0x2E, 0x31, 0x35, 0x00}
	want := []byte{0x10, 0x02, 0x06, 0x0F, 0x0B, 0xF0, 0xF0, 0xF7, 0x32, 0x2E, 0x31, 0x34, 0x2E, 0x31, 0x35, 0x00, 0x10, 0x03, 0xB1, 0x11}
	if got := CRC(apdu); got != 0x11B1 {
		t.Errorf("CRC = %04X, want 11B1", got)
	}
	if got := Frame(apdu); !bytes.Equal(got, want) {
		t.Errorf("Frame = % X, want % X", got, want)
	}
	// CRC-16/KERMIT catalogue check value over "123456789" (no ETX).
	if got := crcUpdate(0, []byte("123456789")); got != 0x2189 {
		t.Errorf("KERMIT check = %04X, want 2189", got)
	}
}

func TestFrameRoundTrip(t *testing.T) {
	for _, v := range loadVectors(t) {
		apdu := v.bytes(t)
		f := Frame(apdu)
		adv, got, err := SplitFrame(append(append([]byte{ACK, NAK}, f...), ACK), false)
		if err != nil || adv != 2 || got != nil {
			t.Fatalf("%s: leading ack/nak: %d %v %v", v.ID, adv, got, err)
		}
		adv, got, err = SplitFrame(append(f, ACK), false)
		if err != nil || adv != len(f) || !bytes.Equal(got, apdu) {
			t.Fatalf("%s: round trip: adv %d/%d err %v", v.ID, adv, len(f), err)
		}
		if adv, got, err := SplitFrame(f[:len(f)-1], false); adv != 0 || got != nil || err != nil {
			t.Fatalf("%s: partial frame: %d %v %v", v.ID, adv, got, err)
		}
		if _, _, err := SplitFrame(f[:len(f)-1], true); !errors.Is(err, ErrShort) {
			t.Fatalf("%s: partial frame at EOF: %v", v.ID, err)
		}
	}
	tests := []struct {
		name    string
		in      []byte
		adv     int
		wantErr error
	}{
		{"bad stuffing", []byte{DLE, STX, 0x80, DLE, 0x41, 0x00}, 5, ErrFraming},
		{"cut by new frame", append([]byte{DLE, STX, 0x80, 0x00}, Frame(Ack())...), 4, ErrFraming},
		{"crc", []byte{DLE, STX, 0x80, 0x00, 0x00, DLE, ETX, 0x00, 0x00}, 9, ErrCRC},
		{"noise then trailing DLE", []byte{0x01, 0x02, DLE}, 2, nil},
	}
	for _, tt := range tests {
		adv, frame, err := SplitFrame(tt.in, false)
		if adv != tt.adv || frame != nil || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("%s: got %d %v %v, want %d %v", tt.name, adv, frame, err, tt.adv, tt.wantErr)
		}
	}
	// Too long: a frame body beyond MaxAPDU.
	long := append([]byte{DLE, STX}, bytes.Repeat([]byte{0x20}, MaxAPDU+2)...)
	if adv, _, err := SplitFrame(long, false); adv != 2 || !errors.Is(err, ErrTooLong) {
		t.Errorf("too long: %d %v", adv, err)
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		opts Options
		ok   bool
	}{
		{Options{}, true},
		{Options{Framing: "serial", Currency: "EUR"}, true},
		{Options{Framing: "tcp"}, true},
		{Options{Framing: "rs232"}, false},
		{Options{Currency: "eur"}, false},
		{Options{Currency: "978"}, false},
	}
	for _, tt := range tests {
		if err := tt.opts.Validate(); (err == nil) != tt.ok {
			t.Errorf("%+v: Validate() = %v, want ok=%v", tt.opts, err, tt.ok)
		}
	}
}
