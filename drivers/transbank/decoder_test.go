package transbank

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// step is one chunk of a conversation.
type step struct {
	dir  drivers.Direction
	data []byte
}

func host(b []byte) step  { return step{drivers.FromHost, b} }
func dev(b []byte) step   { return step{drivers.FromDevice, b} }
func hostF(p string) step { return host(Frame([]byte(p))) }
func devF(p string) step  { return dev(Frame([]byte(p))) }

var ack, nak = []byte{ACK}, []byte{NAK}

// run feeds steps (each cut into pieces of size n, 0 = whole) one second
// apart and flushes at the end.
func run(d *Decoder, steps []step, n int) []drivers.Event {
	var evs []drivers.Event
	t := t0
	for _, s := range steps {
		t = t.Add(time.Second)
		b := s.data
		for len(b) > 0 {
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

// saleAndVoid is a sale of 8000 with intermediate messages, then a void
// of it (the 1210 carries operation 143 zero-padded differently).
func saleAndVoid() []step {
	return []step{
		hostF("0200|8000|ABC123||1|1|"), dev(ack),
		devF("0900|80"), host(ack), devF("0900|82"), host(ack),
		devF("0210|00|597029414300|IT750050|ABC123|708410|8000|00|0|3331|000143|DB|000000|  ********331      |DB|07042026|085034||||"), host(ack),
		hostF("1200|143|"), dev(ack),
		devF("1210|00|597029414300|IT750050|162529|143||"), host(ack),
	}
}

func TestSaleAndVoid(t *testing.T) {
	for _, n := range []int{0, 1, 3, 7} {
		d := New(Options{})
		evs := run(d, saleAndVoid(), n)
		if len(evs) != 2 {
			t.Fatalf("chunk %d: %d events", n, len(evs))
		}
		s, v := evs[0].(*drivers.Payment), evs[1].(*drivers.Payment)
		wantS := drivers.Payment{Head: drivers.Head{Time: t0.Add(7 * time.Second)}, Type: drivers.PaySale, Result: drivers.Approved,
			Amount: 8000, Requested: 8000, Currency: "CLP", AuthCode: "708410", ReceiptNo: "143", Reference: "ABC123",
			TerminalID: "IT750050", Card: "************3331", CardName: "DB"}
		if !reflect.DeepEqual(*s, wantS) {
			t.Errorf("chunk %d: sale\n got %+v\nwant %+v", n, *s, wantS)
		}
		if v.Type != drivers.PayVoid || v.Result != drivers.Approved || v.OriginalReceipt != "143" || v.Amount != 8000 ||
			v.Card != s.Card || v.Reference != "ABC123" || v.AuthCode != "162529" {
			t.Errorf("chunk %d: void %+v", n, *v)
		}
		st := d.Stats()
		if st.Frames != 6 || st.ACKs != 6 || st.Intermediate != 2 || st.Events != 2 || st.LastError != nil {
			t.Errorf("chunk %d: stats %+v", n, st)
		}
	}
}

func TestVoidUsesRequestOperation(t *testing.T) {
	evs := run(New(Options{}), []step{hostF("1200|000142|"), devF("1210|05|597029414300|IT750050|||")}, 0)
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	v := evs[0].(*drivers.Payment)
	if v.OriginalReceipt != "142" || v.Result != drivers.Declined || v.ResultCode != 5 || v.Amount != 0 {
		t.Errorf("void %+v", *v)
	}
}

func TestPartialAndDeclined(t *testing.T) {
	evs := run(New(Options{}), []step{
		hostF("0200|10000|T1||1|0|"), devF("0210|00|597029414300|IT750050|T1|111111|6000|00|0|1234|000001|CR|000000||VI|07042026|085034||||"),
		hostF("0270|90000|ABC123||1|0|597029414303|"), devF("0271|07|||ABC123||90000|||||||||||||||597029414303|"),
		devF("0210|01|597029414300|IT750050|T3||5000|00|0|1234|000002|CR|000000||VI|07042026|085035||||"),
	}, 0)
	if len(evs) != 3 {
		t.Fatalf("%d events", len(evs))
	}
	p := evs[0].(*drivers.Payment)
	if p.Amount != 6000 || p.Requested != 10000 || p.Result != drivers.Approved {
		t.Errorf("partial %+v", *p)
	}
	p = evs[1].(*drivers.Payment)
	if p.Amount != 0 || p.Requested != 90000 || p.Result != drivers.Aborted || p.ResultCode != 7 {
		t.Errorf("cancelled %+v", *p)
	}
	p = evs[2].(*drivers.Payment)
	if p.Amount != 0 || p.Requested != 5000 || p.Result != drivers.Declined {
		t.Errorf("declined %+v", *p)
	}
}

func TestSettlement(t *testing.T) {
	evs := run(New(Options{}), []step{
		hostF("0500|"), devF("0510|00|597029414300|IT750050||"), // no totals before: no event
		hostF("0700|"), devF("0710|00|002|15000||"),
		hostF("0500|"), devF("0510|00|597029414300|IT750050||"),
	}, 0)
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	s := evs[0].(*drivers.Settlement)
	if s.Total != 15000 || s.Count != 2 || s.Currency != "CLP" || s.TerminalID != "IT750050" {
		t.Errorf("settlement %+v", *s)
	}
}

func TestLinkErrors(t *testing.T) {
	sale := Frame([]byte("0210|00|597029414300|IT750050|X|1|100|00|0|1234|000009|CR|000000||VI|07042026|085034||||"))
	bad := append([]byte(nil), sale...)
	bad[len(bad)-1] ^= 0x55
	d := New(Options{})
	evs := run(d, []step{
		dev([]byte("\x00\xffnoise")),
		dev(bad), host(nak), dev(sale), // LRC error, then the repeat is the first good one
		dev(sale), // retransmitted before an ACK: dropped
		host(ack),
		dev(sale[:10]), dev(sale), // a frame cut by a new STX
		host(ack),
		devF("0210|00|x|y|z|a|12b|"), // amount is not a number
		devF("9999|00"),              // unknown function
		dev(sale[:20]),               // left incomplete at the end
	}, 0)
	if len(evs) != 2 {
		t.Fatalf("%d events: %+v", len(evs), evs)
	}
	st := d.Stats()
	want := Stats{Frames: 5, Events: 2, ACKs: 2, NAKs: 1, Retransmits: 1, LRCErrors: 1, FramingErrors: 1, DecodeErrors: 2, Incomplete: 1, NoiseBytes: 7}
	st.LastError = nil
	if st != want {
		t.Errorf("stats\n got %+v\nwant %+v", st, want)
	}
	if err := d.Stats().LastError; !errors.Is(err, ErrShort) {
		t.Errorf("last error %v", err)
	}
}

func TestErrorsCarryNoContent(t *testing.T) {
	for _, p := range []string{"0210|00|x|y|z|a|4111111111111111x|", "41111111111111111|", "0710|00|4111111111111111111|"} {
		_, err := Parse([]byte(p), "")
		if err == nil {
			t.Fatalf("%q: no error", p)
		}
		if s := fmt.Sprintf("%v %+v", err, err); containsAny(s, "4111111111", "x|") {
			t.Errorf("%q: error shows content: %s", p, s)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := (Options{Model: "kiosk"}).Validate(); err == nil {
		t.Error("bad model accepted")
	}
	if err := (Options{Model: ModelAutoservicio}).Validate(); err != nil {
		t.Error(err)
	}
}
