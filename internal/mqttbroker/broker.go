package mqttbroker

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

// Broker is a running embedded MQTT broker with one TCP listener.
type Broker struct {
	srv  *mqtt.Server
	addr string

	subID     int
	closeOnce sync.Once
	closeErr  error
}

// Start runs a broker listening on addr ("127.0.0.1:0" picks a free port)
// and returns once the listener accepts connections. Every client may
// connect and use every topic. log may be nil (discard).
func Start(addr string, log *slog.Logger) (*Broker, error) {
	srv := mqtt.New(&mqtt.Options{
		Logger:       quiet(log),
		InlineClient: true, // Subscribe: tests observe from inside the broker
	})
	if err := srv.AddHook(new(auth.AllowHook), nil); err != nil {
		return nil, fmt.Errorf("mqttbroker: add auth hook: %w", err)
	}
	tcp := listeners.NewTCP(listeners.Config{ID: "tcp", Address: addr})
	if err := srv.AddListener(tcp); err != nil {
		return nil, fmt.Errorf("mqttbroker: listen on %s: %w", addr, err)
	}
	if err := srv.Serve(); err != nil {
		cerr := srv.Close()
		return nil, fmt.Errorf("mqttbroker: serve on %s: %w (close: %v)", addr, err, cerr)
	}
	return &Broker{srv: srv, addr: tcp.Address()}, nil
}

// Subscribe registers a subscription inside the broker itself: fn gets
// every message published on filter from now on, with no client connection
// that could lose a race with a publisher after a restart.
func (b *Broker) Subscribe(filter string, fn func(topic string, payload []byte)) error {
	b.subID++
	err := b.srv.Subscribe(filter, b.subID, func(_ *mqtt.Client, _ packets.Subscription, pk packets.Packet) {
		fn(pk.TopicName, append([]byte(nil), pk.Payload...))
	})
	if err != nil {
		return fmt.Errorf("mqttbroker: subscribe %s: %w", filter, err)
	}
	return nil
}

// Addr is the listening address, "127.0.0.1:PORT".
func (b *Broker) Addr() string { return b.addr }

// URL is the address as a paho broker URL, "tcp://127.0.0.1:PORT".
func (b *Broker) URL() string { return "tcp://" + b.addr }

// Close disconnects every client, stops listening and drops all retained
// messages and sessions, as a broker crash would. Calling Close again
// returns the first result.
func (b *Broker) Close() error {
	b.closeOnce.Do(func() {
		if err := b.srv.Close(); err != nil {
			b.closeErr = fmt.Errorf("mqttbroker: close %s: %w", b.addr, err)
		}
	})
	return b.closeErr
}

// quiet returns a logger for mochi: only errors reach log, unless log has
// debug enabled.
func quiet(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	h := log.Handler()
	if h.Enabled(context.Background(), slog.LevelDebug) {
		return log.With("component", "mochi")
	}
	return slog.New(floor{h: h, min: slog.LevelError}).With("component", "mochi")
}

// floor is a slog.Handler that drops records below min.
type floor struct {
	h   slog.Handler
	min slog.Level
}

func (f floor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.h.Enabled(ctx, l)
}

func (f floor) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < f.min {
		return nil
	}
	return f.h.Handle(ctx, r)
}

func (f floor) WithAttrs(as []slog.Attr) slog.Handler { return floor{h: f.h.WithAttrs(as), min: f.min} }

func (f floor) WithGroup(name string) slog.Handler { return floor{h: f.h.WithGroup(name), min: f.min} }
