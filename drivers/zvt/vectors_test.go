package zvt

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// vector is one line of testdata/vectors.jsonl.
type vector struct {
	ID           string         `json:"id"`
	Direction    string         `json:"direction"`
	Layer        string         `json:"layer"`
	Hex          string         `json:"hex"`
	HexFragments []string       `json:"hex_fragments"`
	Expect       map[string]any `json:"expect"`
}

// bytes returns the vector's bytes, fragments joined.
func (v vector) bytes(t testing.TB) []byte {
	s := v.Hex
	if len(v.HexFragments) > 0 {
		s = strings.Join(v.HexFragments, "")
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("%s: bad hex: %v", v.ID, err)
	}
	return b
}

// fragments returns the vector's fragments (one when it has none).
func (v vector) fragments(t testing.TB) [][]byte {
	if len(v.HexFragments) == 0 {
		return [][]byte{v.bytes(t)}
	}
	var out [][]byte
	for _, h := range v.HexFragments {
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatalf("%s: bad hex: %v", v.ID, err)
		}
		out = append(out, b)
	}
	return out
}

// dir is the vector's direction as a drivers.Direction.
func (v vector) dir() drivers.Direction {
	if strings.HasPrefix(v.Direction, "ECR") {
		return drivers.FromHost
	}
	return drivers.FromDevice
}

// loadVectors reads testdata/vectors.jsonl.
func loadVectors(t testing.TB) []vector {
	f, err := os.Open(filepath.Join("testdata", "vectors.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var vs []vector
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v vector
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("vectors.jsonl line %d: %v", len(vs)+1, err)
		}
		vs = append(vs, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return vs
}

// vectorByID finds a vector.
func vectorByID(t testing.TB, vs []vector, id string) vector {
	for _, v := range vs {
		if v.ID == id {
			return v
		}
	}
	t.Fatalf("no vector %q", id)
	return vector{}
}

// describe decodes an APDU into the vocabulary of the vectors' expect keys.
func describe(a *APDU) (map[string]any, error) {
	m := map[string]any{
		"command": fmt.Sprintf("%02X %02X", a.Class, a.Instr),
		"length":  len(a.Data),
	}
	opt := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	switch cmd := a.Command(); {
	case cmd == CmdStatusInfo:
		s, err := DecodeStatus(a)
		if err != nil {
			return nil, err
		}
		m["result"] = s.Result
		m["approved"] = s.Result == 0
		m["amount_minor"] = nil
		if s.Amount != nil {
			m["amount_minor"] = *s.Amount
		}
		m["currency"] = nil
		if s.Currency != 0 {
			m["currency"] = s.Currency
		}
		m["pan_masked"] = nil
		if s.Card != "" {
			m["pan_masked"] = strings.ReplaceAll(s.Card, "*", "E")
		}
		if s.CardType >= 0 {
			m["card_type"] = s.CardType
		}
		opt("auth_code", s.AuthCode)
		opt("trace", s.Trace)
		opt("receipt", s.ReceiptNo)
		opt("turnover", s.Turnover)
		opt("date_mmdd", s.Date)
		opt("time", s.Time)
		opt("expiry_yymm", s.Expiry)
		opt("card_name", s.CardName)
		opt("tid", s.TerminalID)
		opt("vu", s.VU)
		opt("original_trace", s.OriginalTrace)
		opt("additional_text", s.Text)
		opt("aid", s.AID)
		if s.Totals != nil {
			m["receipt_from"], m["receipt_to"], m["count"] = s.Totals.From, s.Totals.To, s.Totals.Count
		}
	case cmd == CmdIntermediate:
		n, err := DecodeIntermediate(a)
		if err != nil {
			return nil, err
		}
		m["intermediate_status"] = n
	case cmd == CmdAbort:
		ab, err := DecodeAbort(a)
		if err != nil {
			return nil, err
		}
		m["result"] = ab.Result
		opt("receipt", ab.Receipt)
	case cmd == CmdCompletion:
		c, err := DecodeCompletion(a)
		if err != nil {
			return nil, err
		}
		opt("tid", c.TerminalID)
		opt("device_name", c.DeviceName)
	case cmd == CmdPrintText:
		p, err := DecodePrintText(a)
		if err != nil {
			return nil, err
		}
		m["receipt_type"] = p.ReceiptType
		m["lines"] = p.Lines
	case requestType(cmd) != "":
		r, err := DecodeRequest(a)
		if err != nil {
			return nil, err
		}
		if r.Amount != nil {
			m["amount_minor"] = *r.Amount
		}
		if r.Currency != 0 {
			m["currency"] = r.Currency
		}
		opt("receipt", r.Receipt)
	}
	return m, nil
}

// same compares an expect value (from JSON) with a decoded one.
func same(want, got any) bool { return fmt.Sprint(want) == fmt.Sprint(got) }

// TestVectors checks every key of every vector's expect.
func TestVectors(t *testing.T) {
	vs := loadVectors(t)
	if len(vs) != 47 {
		t.Fatalf("got %d vectors, want 47", len(vs))
	}
	for _, v := range vs {
		t.Run(v.ID, func(t *testing.T) {
			b := v.bytes(t)
			checked := map[string]bool{}
			if want, ok := v.Expect["malformed"]; ok {
				checkMalformed(t, b, want.(string))
				checked["malformed"] = true
				b = encodeAPDU(b[0], b[1], b[3:]) // decode what is present
			}
			a, n, err := ParseAPDU(b)
			if err != nil {
				t.Fatalf("ParseAPDU: %v", err)
			}
			if n != len(b) {
				t.Fatalf("ParseAPDU consumed %d of %d bytes", n, len(b))
			}
			got, err := describe(a)
			if err != nil {
				t.Fatalf("decode %v: %v", a, err)
			}
			if want, ok := v.Expect["fragments"]; ok {
				checkFragments(t, v, int(want.(float64)))
				checked["fragments"] = true
			}
			if want, ok := v.Expect["kind"]; ok {
				checkKind(t, vs, v, want.(string))
				checked["kind"] = true
			}
			for k, want := range v.Expect {
				if checked[k] {
					continue
				}
				g, ok := got[k]
				if !ok {
					t.Errorf("%s: not decoded (want %v)", k, want)
					continue
				}
				if !same(want, g) {
					t.Errorf("%s = %v, want %v", k, g, want)
				}
			}
		})
	}
}

// checkMalformed: a length mismatch is an error naming both lengths, and
// neither framing makes a payment of it.
func checkMalformed(t *testing.T, b []byte, want string) {
	t.Helper()
	_, _, err := ParseAPDU(b)
	if !errors.Is(err, ErrShort) || !strings.Contains(err.Error(), want) {
		t.Fatalf("ParseAPDU error = %v, want ErrShort containing %q", err, want)
	}
	now := time.Unix(0, 0)
	tcp := New(Options{Framing: FramingTCP})
	evs := tcp.Feed(drivers.Chunk{Time: now, Dir: drivers.FromDevice, Data: b})
	evs = append(evs, tcp.Flush(now)...)
	if len(evs) != 0 {
		t.Errorf("tcp: got events %v from a malformed APDU", evs)
	}
	if st := tcp.Stats(); st.Incomplete != 1 || st.LastError == nil || !strings.Contains(st.LastError.Error(), want) {
		t.Errorf("tcp stats = %+v, want 1 incomplete naming %q", st, want)
	}
	ser := New(Options{Framing: FramingSerial})
	if evs := ser.Feed(drivers.Chunk{Time: now, Dir: drivers.FromDevice, Data: Frame(b)}); len(evs) != 0 {
		t.Errorf("serial: got events %v from a malformed APDU", evs)
	}
	if st := ser.Stats(); st.DecodeErrors != 1 || !errors.Is(st.LastError, ErrShort) || !strings.Contains(st.LastError.Error(), want) {
		t.Errorf("serial stats = %+v, want a decode error naming %q", st, want)
	}
}

// checkFragments: the APDU completes with its last fragment, not before.
func checkFragments(t *testing.T, v vector, want int) {
	t.Helper()
	frags := v.fragments(t)
	if len(frags) != want {
		t.Fatalf("vector has %d fragments, expect says %d", len(frags), want)
	}
	d := New(Options{Framing: FramingTCP})
	for i, f := range frags {
		d.Feed(drivers.Chunk{Time: time.Unix(int64(i), 0), Dir: v.dir(), Data: f})
		wantFrames := 0
		if i == len(frags)-1 {
			wantFrames = 1
		}
		if st := d.Stats(); st.Frames != wantFrames || st.DecodeErrors != 0 {
			t.Fatalf("after fragment %d: stats %+v, want %d frames", i+1, st, wantFrames)
		}
	}
}

// kindPrimers are the register commands that precede a result of each kind
// in the same capture (EVerest's Feig session), or "" where the result must
// be recognised on its own (BMP 37 for a reversal, BMP 60 for end-of-day).
var kindPrimers = map[string]struct {
	primer string
	typ    string
}{
	"reversal":                   {"", string(drivers.PayVoid)},
	"pre-authorisation":          {"everest-1680728162.033575000_ecr_pt.blob", string(drivers.PayPreAuth)},
	"pre-authorisation reversal": {"everest-1680728213.562478000_ecr_pt.blob", string(drivers.PayPreAuthRv)},
	"end-of-day":                 {"", "settlement"},
}

// checkKind runs the result through a decoder after its command and checks
// the kind of event it becomes.
func checkKind(t *testing.T, vs []vector, v vector, kind string) {
	t.Helper()
	k, ok := kindPrimers[kind]
	if !ok {
		t.Fatalf("no primer for kind %q", kind)
	}
	d := New(Options{Framing: FramingTCP})
	if k.primer != "" {
		p := vectorByID(t, vs, k.primer)
		if evs := d.Feed(drivers.Chunk{Dir: p.dir(), Data: p.bytes(t)}); len(evs) != 0 {
			t.Fatalf("primer gave events %v", evs)
		}
	}
	evs := d.Feed(drivers.Chunk{Dir: v.dir(), Data: v.bytes(t)})
	if len(evs) != 1 {
		t.Fatalf("kind %s: got %d events (%v), want 1", kind, len(evs), evs)
	}
	got := evs[0].EventType()
	if p, ok := evs[0].(*drivers.Payment); ok {
		got = string(p.Type)
	}
	if got != k.typ {
		t.Errorf("kind %s became %s, want %s", kind, got, k.typ)
	}
}

// TestEverestBlobs ties each capture file to its vector, byte for byte.
func TestEverestBlobs(t *testing.T) {
	vs := loadVectors(t)
	files, err := filepath.Glob(filepath.Join("testdata", "everest", "*.blob"))
	if err != nil || len(files) != 23 {
		t.Fatalf("got %d blobs (%v), want 23", len(files), err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v := vectorByID(t, vs, "everest-"+filepath.Base(f))
		if want := v.bytes(t); string(b) != string(want) {
			t.Errorf("%s differs from its vector", f)
		}
	}
}
