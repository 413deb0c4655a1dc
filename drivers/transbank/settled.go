package transbank

import "github.com/tillwatch/tillwatch/drivers"

var _ drivers.Settler = (*Decoder)(nil)

// Settled implements drivers.Settler: no partial frame in either
// direction and no sale, void or totals request waiting for its answer.
// The ring of recent sales a later void may name is long-lived state and
// does not count.
func (d *Decoder) Settled() bool {
	return len(d.in[0].buf) == 0 && len(d.in[1].buf) == 0 &&
		!d.sess.hasRequest && d.sess.voidOp == "" && d.sess.totals == nil
}
