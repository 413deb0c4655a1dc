package sniff

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/agent/links"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
)

// Traffic is what the links of a draft config read, per device name.
type Traffic struct {
	// Chunks are the reads, both directions, in order.
	Chunks map[string][]drivers.Chunk
	// Down is why a device's link was down when listening ended ("" when
	// it was up).
	Down map[string]string
}

// Host is the bytes a device's link read from the register.
func (t Traffic) Host(dev string) []byte {
	var b []byte
	for _, c := range t.Chunks[dev] {
		if c.Dir == drivers.FromHost {
			b = append(b, c.Data...)
		}
	}
	return b
}

// Listen runs the links of devs as the agent would (bridges forward, so
// the lane keeps printing) until ctx is done or enough, asked after every
// read, says it has seen enough. It returns when every link has stopped.
func Listen(ctx context.Context, devs []configs.Device, log *slog.Logger, enough func(Traffic) bool) Traffic {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &sink{t: Traffic{Chunks: map[string][]drivers.Chunk{}, Down: map[string]string{}}, poke: make(chan struct{}, 1)}
	var wg sync.WaitGroup
	for _, d := range devs {
		r := links.For(d, time.Now, log)
		wg.Go(func() {
			if err := r.Run(ctx, s); err != nil {
				s.Link(d.Name, &drivers.Link{Reason: err.Error()})
			}
		})
	}
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return s.snapshot()
		case <-s.poke:
			if enough(s.snapshot()) {
				cancel()
			}
		}
	}
}

// sink collects what the links deliver.
type sink struct {
	mu   sync.Mutex
	t    Traffic
	poke chan struct{}
}

func (s *sink) Chunk(dev string, c drivers.Chunk) {
	s.mu.Lock()
	s.t.Chunks[dev] = append(s.t.Chunks[dev], c)
	s.mu.Unlock()
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

func (s *sink) Link(dev string, ev *drivers.Link) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ev.Up {
		delete(s.t.Down, dev)
	} else {
		s.t.Down[dev] = ev.Reason
	}
}

// snapshot copies the traffic so far.
func (s *sink) snapshot() Traffic {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := Traffic{Chunks: map[string][]drivers.Chunk{}, Down: map[string]string{}}
	for k, v := range s.t.Chunks {
		t.Chunks[k] = append([]drivers.Chunk(nil), v...)
	}
	for k, v := range s.t.Down {
		t.Down[k] = v
	}
	return t
}
