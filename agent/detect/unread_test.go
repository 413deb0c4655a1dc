package detect

import (
	"slices"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestUnreadReceipt: on a raster lane, a receipt whose amounts could not
// be read still proves the receipt printed: its sale raises no
// payment_without_receipt; a second sale with no receipt of its own still
// does (one unread receipt counts once), and a sale with no receipt at all
// on the lane does too.
func TestUnreadReceipt(t *testing.T) {
	unread := func(at int) *drivers.Receipt {
		r := rcpt(time.Duration(at)*sec, "")
		r.Total, r.Due, r.Tenders = nil, nil, nil
		r.Recognised = &drivers.Recognition{Engine: "glyphs lane.glyphs", Lines: 9, Confidence: 0.6, AmountsUnsure: true}
		return r
	}
	unsureMatched := func(at int, card int64) *drivers.Receipt {
		r := rcpt(time.Duration(at)*sec, "0001", drivers.Tender{Kind: drivers.TenderCard, Label: "CARD", Amount: card})
		r.Recognised = &drivers.Recognition{Engine: "glyphs lane.glyphs", Lines: 9, Confidence: 0.3, AmountsUnsure: true}
		return r
	}
	tests := []struct {
		name  string
		steps []step
		want  []string
	}{
		{"unread receipt after the sale", []step{obs(sale(0, 1230, "000001")), obs(unread(3)), adv(300 * sec)}, nil},
		{"one unread receipt, two sales", []step{obs(sale(0, 1230, "000001")), obs(unread(3)), obs(sale(10*sec, 990, "000002")), adv(300 * sec)},
			[]string{"payment_without_receipt/raised"}},
		{"no receipt", []step{obs(sale(0, 1230, "000001")), adv(300 * sec)}, []string{"payment_without_receipt/raised"}},
		// A receipt marked unsure (a logo read as an unknown glyph) whose
		// card tender was read anyway matches its own sale by amount; it
		// is not left over to cover a second sale that printed nothing.
		{"unsure receipt matched by amount, second sale without one", []step{
			obs(sale(0, 1230, "000001")), obs(unsureMatched(3, 1230)), obs(sale(10*sec, 990, "000002")), adv(300 * sec)},
			[]string{"payment_without_receipt/raised"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := kinds(run(New(DefaultConfig()), tc.steps))
			if !slices.Equal(got, tc.want) {
				t.Fatalf("alerts %v, want %v", got, tc.want)
			}
		})
	}
}
