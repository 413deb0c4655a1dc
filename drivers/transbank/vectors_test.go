package transbank

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// vector is one line of testdata/vectors.jsonl.
type vector struct {
	ID       string         `json:"id"`
	Model    string         `json:"model"`
	Dir      string         `json:"direction"`
	Payload  string         `json:"payload_ascii"`
	FrameHex string         `json:"frame_hex"`
	Expect   map[string]any `json:"expect"`
}

func loadVectors(tb testing.TB) []vector {
	tb.Helper()
	f, err := os.Open("testdata/vectors.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var vs []vector
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v vector
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			tb.Fatal(err)
		}
		vs = append(vs, v)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return vs
}

func (v vector) frame(tb testing.TB) []byte {
	tb.Helper()
	b, err := hex.DecodeString(v.FrameHex)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// got returns the Message field an expect key names, in the JSON form the
// vectors use.
func got(m *Message, key string, want any) (any, bool) {
	switch key {
	case "function":
		return m.Function, true
	case "response_code":
		return float64(m.ResponseCode), true
	case "approved":
		return m.Approved, true
	case "auth_code":
		return m.AuthCode, true
	case "amount":
		return float64(m.Amount), true
	case "last4":
		return m.Last4, true
	case "operation":
		if _, isNum := want.(float64); isNum {
			n, _ := strconv.Atoi(m.Operation)
			return float64(n), true
		}
		return m.Operation, true
	case "card_type":
		return m.CardType, true
	case "brand":
		return m.Brand, true
	case "account":
		return m.Account, true
	case "date":
		return m.DateTime.Format("02012006"), true
	case "time":
		return m.DateTime.Format("150405"), true
	case "datetime":
		return m.DateTime.Format("2006-01-02T15:04:05"), true
	case "installments":
		return float64(m.Installments), true
	case "installment_amount":
		return float64(m.InstallmentAmount), true
	case "voucher_lines":
		return float64(len(m.Voucher)), true
	case "end_marker":
		return m.EndMarker, true
	case "intermediate":
		return m.Intermediate, true
	case "ticket":
		return m.Ticket, true
	case "terminal_id":
		return m.TerminalID, true
	case "count":
		return float64(m.Count), true
	case "total":
		return float64(m.Total), true
	}
	return nil, false
}

// TestVectors checks every vector: its frame splits to its payload with a
// good LRC (both LRC forms for the unattended model), and the payload
// decodes to its expect.
func TestVectors(t *testing.T) {
	vs := loadVectors(t)
	if len(vs) < 25 {
		t.Fatalf("only %d vectors", len(vs))
	}
	for _, v := range vs {
		t.Run(v.ID, func(t *testing.T) {
			frames := [][]byte{v.frame(t), Frame([]byte(v.Payload))}
			if v.Model == ModelAutoservicio {
				frames = append(frames, FrameWithSTX([]byte(v.Payload)))
			}
			for i, fr := range frames {
				adv, p, err := SplitFrame(fr, true)
				if err != nil || adv != len(fr) || string(p) != v.Payload {
					t.Fatalf("frame %d: SplitFrame = %d, %q, %v", i, adv, p, err)
				}
			}
			if want, ok := v.Expect["lrc"]; ok {
				fr := frames[0]
				if got := fmt.Sprintf("%02x", fr[len(fr)-1]); got != want {
					t.Errorf("lrc %s, want %s", got, want)
				}
				return
			}
			m, err := Parse([]byte(v.Payload), v.Model)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			auto, err := Parse([]byte(v.Payload), ModelAuto)
			if err != nil || fmt.Sprint(*auto) != fmt.Sprint(*m) {
				t.Errorf("auto layout differs:\n%+v\n%+v (%v)", *auto, *m, err)
			}
			for key, want := range v.Expect {
				g, ok := got(m, key, want)
				if !ok {
					t.Errorf("expect key %q not checked", key)
					continue
				}
				if g != want {
					t.Errorf("%s = %#v, want %#v", key, g, want)
				}
			}
		})
	}
}

// TestVectorEvents feeds every vector frame to a decoder, byte by byte with
// ACKs between, and checks which events come out.
func TestVectorEvents(t *testing.T) {
	for _, v := range loadVectors(t) {
		d := New(Options{Model: v.Model})
		fr := v.frame(t)
		if v.Model == ModelAutoservicio {
			fr = FrameWithSTX([]byte(v.Payload))
		}
		var evs []drivers.Event
		for i := range fr {
			evs = append(evs, d.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromDevice, Data: fr[i : i+1]})...)
		}
		evs = append(evs, d.Feed(drivers.Chunk{Time: t0, Dir: drivers.FromHost, Data: []byte{ACK}})...)
		evs = append(evs, d.Flush(t0)...)
		st := d.Stats()
		if st.Frames != 1 || st.DecodeErrors != 0 || st.LastError != nil || st.ACKs != 1 {
			t.Errorf("%s: stats %+v", v.ID, st)
		}
		fn := v.Expect["function"]
		wantEvents := fn == FnSaleResp || fn == FnMultiSaleResp || fn == FnVoidResp
		if wantEvents != (len(evs) == 1) || len(evs) > 1 {
			t.Errorf("%s: %d events", v.ID, len(evs))
		}
		if !wantEvents {
			continue
		}
		p := evs[0].(*drivers.Payment)
		m, _ := Parse([]byte(v.Payload), v.Model)
		if p.ResultCode != m.ResponseCode || (p.Result == drivers.Approved) != m.Approved || p.AuthCode != m.AuthCode || p.Currency != "CLP" {
			t.Errorf("%s: payment %+v", v.ID, *p)
		}
		if fn != FnVoidResp && m.Approved && (p.Amount != m.Amount || p.Type != drivers.PaySale || p.ReceiptNo == "" || len(p.Card) != 16) {
			t.Errorf("%s: sale %+v", v.ID, *p)
		}
	}
}

var t0 = time.Date(2026, 4, 7, 8, 50, 0, 0, time.UTC)

// TestLRCExample checks the documentation's worked example byte for byte.
func TestLRCExample(t *testing.T) {
	want := []byte{0x02, 0x30, 0x32, 0x30, 0x30, 0x7C, 0x31, 0x32, 0x33, 0x7C, 0x03, 0x31}
	if got := Frame([]byte("0200|123|")); !bytes.Equal(got, want) {
		t.Errorf("Frame = % X", got)
	}
}
