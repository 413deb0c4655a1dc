package escpos

import (
	"strings"

	"github.com/tillwatch/tillwatch/drivers"
)

// Render prints a receipt the way a person reads it: its lines, then how
// it ended ("--- cut ---" or "--- NOT CUT (idle) ---") and a drawer kick.
func Render(r *drivers.Receipt) string {
	var b strings.Builder
	if r.GraphicsOnly {
		b.WriteString("[graphics only: no text]\n")
	}
	for _, l := range r.Lines {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	if r.Cut {
		b.WriteString("--- cut ---\n")
	} else {
		b.WriteString("--- NOT CUT (" + r.Ended + ") ---\n")
	}
	if r.DrawerKick {
		b.WriteString("--- drawer kick ---\n")
	}
	return b.String()
}
