package zvt

import (
	"fmt"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestAckReadBeforeItsFrame: three customers pay the same 12.00, so the
// register sends the same authorisation frame three times. On a two-line
// tap the terminal's ACK of the second one was read 0.1 ms before the
// frame itself (two readers; seen under load in chaos's latency bench).
// Each frame is a new message and each sale a sale: before, the second
// frame counted as never acknowledged and the third as its
// retransmission, dropped, so the third payment came out with type
// unknown and the detector took its receipt for one without payment.
func TestAckReadBeforeItsFrame(t *testing.T) {
	d := New(Options{Framing: FramingSerial, Currency: "CNY"})
	at := time.Date(2026, 12, 2, 6, 41, 0, 0, time.UTC)
	feed := func(host bool, b []byte, after time.Duration) []drivers.Event {
		at = at.Add(after)
		dir := drivers.FromDevice
		if host {
			dir = drivers.FromHost
		}
		return d.Feed(drivers.Chunk{Time: at, Dir: dir, Data: b})
	}
	ack := []byte{drivers.ACK}
	req := Frame(AuthRequest(1200, 156))
	var types []string
	for i := range 3 {
		status := Frame(StatusInfo(StatusFields{Amount: 1200, Currency: 156, Trace: fmt.Sprintf("%06d", 501+i), Receipt: fmt.Sprintf("%04d", 501+i)}))
		var evs []drivers.Event
		if i == 1 {
			evs = append(evs, feed(false, ack, 3*time.Second)...) // the ACK, read first
			evs = append(evs, feed(true, req, 100*time.Microsecond)...)
		} else {
			evs = append(evs, feed(true, req, 3*time.Second)...)
			evs = append(evs, feed(false, ack, 20*time.Millisecond)...)
		}
		evs = append(evs, feed(false, status, 1200*time.Millisecond)...)
		evs = append(evs, feed(true, ack, time.Millisecond)...)
		evs = append(evs, feed(false, Frame(Completion()), 50*time.Millisecond)...)
		evs = append(evs, feed(true, ack, time.Millisecond)...)
		for _, ev := range evs {
			if p, ok := ev.(*drivers.Payment); ok {
				types = append(types, string(p.Type))
			}
		}
	}
	if fmt.Sprint(types) != "[sale sale sale]" {
		t.Errorf("payments %v, want three sales", types)
	}
	if r := d.Stats().Retransmits; r != 0 {
		t.Errorf("%d frames taken for retransmissions", r)
	}
}
