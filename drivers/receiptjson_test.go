package drivers

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// fuzzReceipt builds a receipt whose every field comes from the fuzzer's
// inputs: the flags' bits choose the booleans, the nil pointers and
// slices, the line styles.
func fuzzReceipt(text string, flags uint64, n int64, sec int64, nsec int64, zone int) *Receipt {
	bit := func(i int) bool { return flags&(1<<i) != 0 }
	t := time.Unix(sec, nsec).In(time.FixedZone("Z", zone))
	r := &Receipt{
		Head:  Head{Time: t},
		Start: t.Add(time.Duration(n)),
		Cut:   bit(0), DrawerKick: bit(1), GraphicsOnly: bit(2), Unconfirmed: bit(3), Unanswered: bit(4), Reprint: bit(5),
		Ended: text, Unknown: int(n),
	}
	if bit(6) {
		r.Device, r.Profile, r.Number, r.Currency, r.Cashier = text, text+"p", text+"<n>", "CNY", text
	}
	if bit(7) {
		r.Total = &n
	}
	if bit(8) {
		v := -n
		r.Due, r.Change = &v, &v
	}
	if bit(9) {
		r.Tenders = []Tender{{Kind: TenderKind(text), Label: text, Amount: n}, {Kind: TenderCard}}
	}
	if bit(10) {
		r.Lines = []Line{}
	}
	if bit(11) {
		r.Lines = append(r.Lines, Line{Text: text, Bold: bit(12), DoubleHeight: bit(13), DoubleWidth: bit(14), Underline: bit(15), Inverse: bit(16)}, Line{Align: text, Source: text})
	}
	if bit(17) {
		r.Lines = append(r.Lines, Line{Text: text, Confidence: 0.5})
	}
	if bit(18) {
		r.Recognised = &Recognition{Engine: text}
	}
	return r
}

func FuzzReceiptJSON(f *testing.F) {
	for i, s := range envelopeTexts {
		f.Add(s, uint64(0x1ffff)>>i, int64(1250*i-300), int64(1795000000+i), int64(123456789*i), 3600*i-7200)
		f.Add(s, uint64(1)<<(17+i%2)|0xfff, int64(i), int64(-62135596800-i), int64(0), 0)
	}
	f.Add("x", uint64(0xffff), int64(1), int64(253402300800), int64(0), 0) // year 10000
	f.Fuzz(func(t *testing.T, text string, flags uint64, n, sec, nsec int64, zone int) {
		r := fuzzReceipt(text, flags, n, sec, nsec, zone%(100*3600))
		want, werr := json.Marshal(r)
		got, ok := appendReceiptJSON(nil, r)
		if !ok {
			return // left to encoding/json
		}
		if werr != nil || !bytes.Equal(got, want) {
			t.Fatalf("appendReceiptJSON = %s\nencoding/json     = %s, %v", got, want, werr)
		}
		checkEnvelope(t, r)
	})
}

func FuzzPaymentJSON(f *testing.F) {
	for i, s := range envelopeTexts {
		f.Add(s, uint32(0xffff)>>i, int64(1250*i-300), int64(1795000000+i), int64(123456789*i), 3600*i-7200)
	}
	f.Add("x", uint32(0xffff), int64(1), int64(253402300800), int64(0), 0) // year 10000
	f.Fuzz(func(t *testing.T, text string, flags uint32, n, sec, nsec int64, zone int) {
		s := func(i int) string {
			if flags&(1<<i) != 0 {
				return text
			}
			return ""
		}
		p := &Payment{
			Head: Head{Time: time.Unix(sec, nsec).In(time.FixedZone("Z", zone%(100*3600))), Device: s(0)},
			Type: PaymentType(s(1)), Result: Result(s(2)), ResultCode: int(n), Amount: n, Requested: -n * int64(flags>>15&1),
			Currency: s(3), AuthCode: s(4), Trace: s(5), ReceiptNo: s(6), Reference: s(7), TerminalID: s(8),
			Card: s(9), CardName: s(10), OriginalTrace: s(11), OriginalReceipt: s(12), Text: s(13),
		}
		want, werr := json.Marshal(p)
		got, ok := appendPaymentJSON(nil, p)
		if !ok {
			return
		}
		if werr != nil || !bytes.Equal(got, want) {
			t.Fatalf("appendPaymentJSON = %s\nencoding/json     = %s, %v", got, want, werr)
		}
		checkEnvelope(t, p)
	})
}
