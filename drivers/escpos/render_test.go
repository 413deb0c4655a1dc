package escpos

import (
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestRenderAlignWithinArea justifies lines (ESC a) within the print area
// GS L and GS W set, as Epson prints them, on a 48-column (576-dot) paper;
// without GS L / GS W over the whole paper, as before.
func TestRenderAlignWithinArea(t *testing.T) {
	for _, tc := range []struct {
		name, stream string
		want         []string
	}{
		{"whole paper", "\x1ba\x01TOTAL\n\x1ba\x02TOTAL\nTOTALS\n",
			[]string{"                     TOTAL", "                                           TOTAL", "                                          TOTALS"}},
		// margin 96 dots (8 columns), area 288 (24 columns): centred at
		// 96 + (288 - 60) / 2 = 210 dots, 17.5 columns (a part cell left out)
		{"area", "\x1dL\x60\x00\x1dW\x20\x01\x1ba\x00TOTAL\n\x1ba\x01TOTAL\n\x1ba\x02TOTAL\n",
			[]string{"        TOTAL", "                 TOTAL", "                           TOTAL"}},
		// margin only: the area is the rest of the paper (40 columns)
		{"margin", "\x1dL\x60\x00\x1ba\x01TOTAL\n\x1ba\x02TOTAL\n",
			[]string{"                         TOTAL", "                                           TOTAL"}},
		// GS L in the middle of a line is ignored: the line keeps the paper
		{"mid line", "\x1ba\x02AB\x1dL\x60\x00CD\n",
			[]string{"                                            ABCD"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, dec := decodeBytes(Options{PaperDots: 576, Detail: true}, []byte("\x1b@"+tc.stream+"\x1dV\x00"))
			var got []string
			for _, det := range dec.TakeDetails() {
				for _, l := range strings.Split(RenderDetail(det, 48), "\n") {
					if strings.Contains(l, "TOTAL") || strings.Contains(l, "AB") {
						got = append(got, l)
					}
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestRenderMarksUnsureOCR: a recognised line is marked "ocr| " when read
// with confidence and "ocr? " when not (a recogniser's guess at a logo),
// so a reader of decode's text output tells them apart.
func TestRenderMarksUnsureOCR(t *testing.T) {
	det := Detail{
		Receipt: &drivers.Receipt{Recognised: &drivers.Recognition{Engine: "tesseract", Lines: 2, Confidence: 0.27}},
		Items: []Item{
			{Kind: KindLine, Line: &drivers.Line{Text: "in", Source: "ocr", Confidence: 0.27}},
			{Kind: KindLine, Line: &drivers.Line{Text: "TOTAL 12.50", Source: "ocr", Confidence: 0.97}},
			{Kind: KindLine, Line: &drivers.Line{Text: "THANK YOU", Confidence: 1}},
		},
	}
	out := RenderDetail(det, 0)
	for _, want := range []string{"\nocr? in\n", "\nocr| TOTAL 12.50\n", "\nTHANK YOU\n", "(ocr| marks them, ocr? those read with low confidence)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
