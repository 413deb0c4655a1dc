package glyphs

import (
	"testing"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

func TestZZUnsure(t *testing.T) {
	dicts, rs := learned(t)
	for _, r := range rs {
		if r.File != "wqy-20-576-escstar-en-test41" && r.File != "uming-20-576-escstar-en-test73" && r.File != "wqy-24-384-gsv0-en-test49" {
			continue
		}
		d := dicts[r.Font]
		res := d.Recognize(r.Image)
		for i, l := range raster.Lines(r.Image) {
			t.Logf("%s %q conf %.2f", r.File, res.Lines[i].Text, res.Lines[i].Confidence)
			for k := 1; k <= 2; k++ {
				for j := 0; j+k <= len(l.Pieces); j++ {
					box := union(l.Pieces[j : j+k])
					g, conf := d.match(r.Image, box, l)
					if g != nil && g.Unsure != "" {
						t.Logf("   %q conf %.2f %dx%d: %s (widths %v)", g.Text, conf, g.W, g.H, g.Unsure, d.widths)
					}
				}
			}
		}
	}
}
