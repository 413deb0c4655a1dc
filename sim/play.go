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
}

// Play writes every Write at its time from now until done or ctx ends.
func (p *Player) Play(ctx context.Context, writes []Write) error {
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for _, w := range writes {
		if err := sleepUntil(ctx, timer, start.Add(w.At)); err != nil {
			return err
		}
		if w.Note != "" && p.Note != nil {
			p.Note(w.At, w.Note)
		}
		if w.Link != "" {
			continue // a link event has no bytes to play
		}
		if err := p.write(ctx, timer, w); err != nil {
			return err
		}
	}
	return nil
}

func (p *Player) write(ctx context.Context, timer *time.Timer, w Write) error {
	out := p.Out(w.Wire)
	for off := 0; off < len(w.Data); off += fifo {
		end := min(off+fifo, len(w.Data))
		if _, err := out.Write(w.Data[off:end]); err != nil {
			return fmt.Errorf("sim: write %s: %w", w.Wire, err)
		}
		if p.Baud > 0 && end < len(w.Data) {
			d := time.Duration(end-off) * 10 * time.Second / time.Duration(p.Baud)
			if err := sleepUntil(ctx, timer, time.Now().Add(d)); err != nil {
				return err
			}
		}
	}
	return nil
}

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
