package sim

import (
	"context"
	"fmt"
	"io"
	"time"
)

// fifo is how many bytes a UART hands over at once; the simulator writes in
// pieces of this size so decoders see realistically fragmented frames.
const fifo = 16

// Player writes compiled shifts onto wires in real time.
type Player struct {
	// Out returns the writer of a wire.
	Out func(Wire) io.Writer
	// Baud paces each wire (10 bits per byte); 0 writes as fast as possible.
	Baud int
	// Note, if set, is called with each action's note when it starts.
	Note func(at time.Duration, note string)

	// now and wait replace the clock and the timer (tests); nil means
	// time.Now and a real timer.
	now  func() time.Time
	wait func(ctx context.Context, t time.Time) error
}

// Play writes every Write at its time from now until done or ctx ends.
func (p *Player) Play(ctx context.Context, writes []Write) error {
	now, wait := p.now, p.wait
	if now == nil {
		now = time.Now
	}
	if wait == nil {
		timer := time.NewTimer(time.Hour)
		defer timer.Stop()
		wait = func(ctx context.Context, t time.Time) error { return sleepUntil(ctx, timer, t) }
	}
	start := now()
	for _, w := range writes {
		if err := wait(ctx, start.Add(w.At)); err != nil {
			return err
		}
		if w.Note != "" && p.Note != nil {
			p.Note(w.At, w.Note)
		}
		if w.Link != "" {
			continue // a link event has no bytes to play
		}
		if err := p.write(ctx, now, wait, w); err != nil {
			return err
		}
	}
	return nil
}

// write puts one Write on its wire, FIFO-sized pieces paced at p.Baud.
// Each piece is due at its place on the line counted from when the write
// began, not from when the previous piece was written: on a loaded
// machine a timer fires late, and pacing piece by piece would add every
// delay up (a 600-byte receipt once took 3.8 s instead of 0.6 s and ran
// into the next scripted event, the printer's paper end).
func (p *Player) write(ctx context.Context, now func() time.Time, wait func(context.Context, time.Time) error, w Write) error {
	out := p.Out(w.Wire)
	began := now()
	for off := 0; off < len(w.Data); off += fifo {
		end := min(off+fifo, len(w.Data))
		if _, err := out.Write(w.Data[off:end]); err != nil {
			return fmt.Errorf("sim: write %s: %w", w.Wire, err)
		}
		if p.Baud > 0 && end < len(w.Data) {
			if err := wait(ctx, began.Add(time.Duration(end)*10*time.Second/time.Duration(p.Baud))); err != nil {
				return err
			}
		}
	}
	return nil
}

// sleepUntil waits on timer until t or until ctx ends.
func sleepUntil(ctx context.Context, timer *time.Timer, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer.Reset(d)
	select {
	case <-ctx.Done():
		if !timer.Stop() {
			<-timer.C
		}
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// Duration is when the last write of a compiled shift starts.
func Duration(writes []Write) time.Duration {
	if len(writes) == 0 {
		return 0
	}
	return writes[len(writes)-1].At
}
