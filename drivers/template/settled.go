package template

import "github.com/tillwatch/tillwatch/drivers"

var _ drivers.Settler = (*Decoder)(nil)

// Settled implements drivers.Settler: no partial record in either
// direction and no requested amount waiting for its payment.
func (d *Decoder) Settled() bool {
	return len(d.in[0]) == 0 && len(d.in[1]) == 0 && d.requested == 0
}
