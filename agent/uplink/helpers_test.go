package uplink

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
)

const (
	alertTopic  = "tillwatch/v1/s1/l1/alert/amount_mismatch"
	statusTopic = "tillwatch/v1/s1/l1/status"
	deadTopic   = "tillwatch/v1/s1/l1/deadletter"
	waitLong    = 20 * time.Second
)

// testLog logs to stderr when -v, else nowhere.
func testLog(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("test", t.Name())
	}
	return nil
}

// testLogOrDiscard is testLog that never returns nil.
func testLogOrDiscard(t testing.TB) *slog.Logger {
	if l := testLog(t); l != nil {
		return l
	}
	return slog.New(slog.DiscardHandler)
}

// openQueue opens a real Badger-backed outbox in a temporary directory.
func openQueue(t testing.TB) *buffer.Queue {
	t.Helper()
	db, err := buffer.Open(t.TempDir(), buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db.Queue("outbox")
}

// startBroker starts the embedded broker on addr and stops it at cleanup.
func startBroker(t testing.TB, addr string) *mqttbroker.Broker {
	t.Helper()
	b, err := mqttbroker.Start(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() }) // a second Close is harmless
	return b
}

// testConfig is a Config for tests: quick backoff, status on.
func testConfig(broker string) Config {
	return Config{
		Broker:          broker,
		ClientID:        "lane-s1-l1",
		StatusTopic:     statusTopic,
		DeadLetterTopic: deadTopic,
		StatusExtra:     map[string]any{"site": "s1", "lane": "l1", "version": "test"},
		ConnectTimeout:  5 * time.Second,
		BackoffMin:      10 * time.Millisecond,
		BackoffMax:      100 * time.Millisecond,
	}
}

// running is an Uplink whose Run goroutine the test owns.
type running struct {
	*Uplink
	cancel context.CancelFunc
	done   chan error
}

// startUplink runs an Uplink until stop or the end of the test.
func startUplink(t testing.TB, cfg Config, ob Outbox) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Uplink: New(cfg, ob, testLog(t)), cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- r.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels Run and waits for it to return (once).
func (r *running) stop(t testing.TB) {
	t.Helper()
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok && err != nil {
			t.Errorf("Run: %v", err)
		}
		if ok {
			close(r.done)
		}
	case <-time.After(waitLong):
		t.Fatal("Run did not return after cancel")
	}
}

// enqueue puts message i (id "a-%03d") into q.
func enqueue(t testing.TB, q Outbox, i int) string {
	t.Helper()
	id := fmt.Sprintf("a-%03d", i)
	v := EncodeMessage(Message{Topic: alertTopic, Payload: fmt.Appendf(nil, `{"id":%q}`, id)})
	if ok, err := q.PutIfAbsent(id, v); err != nil || !ok {
		t.Fatalf("put %s: added=%v err=%v", id, ok, err)
	}
	return id
}

// queueLen counts pending entries.
func queueLen(t testing.TB, q Outbox) int {
	t.Helper()
	items, err := q.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

// received is one message a subscriber got.
type received struct {
	topic    string
	payload  string
	retained bool
}

// subscriber is a real paho client collecting what arrives on a filter.
type subscriber struct {
	c  paho.Client
	ch chan received
}

// subscribe connects a subscriber to url and subscribes to filter at QoS 1.
func subscribe(t testing.TB, url, id, filter string) *subscriber {
	t.Helper()
	s := &subscriber{ch: make(chan received, 4096)}
	o := paho.NewClientOptions().AddBroker(url).SetClientID(id).SetAutoReconnect(false).
		SetConnectTimeout(5 * time.Second).SetOrderMatters(true)
	s.c = paho.NewClient(o)
	if tok := s.c.Connect(); !tok.WaitTimeout(waitLong) || tok.Error() != nil {
		t.Fatalf("subscriber connect: %v", tok.Error())
	}
	t.Cleanup(func() { s.c.Disconnect(50) })
	tok := s.c.Subscribe(filter, 1, func(_ paho.Client, m paho.Message) {
		select {
		case s.ch <- received{m.Topic(), string(m.Payload()), m.Retained()}:
		default:
			t.Errorf("subscriber %s: buffer full", id)
		}
	})
	if !tok.WaitTimeout(waitLong) || tok.Error() != nil {
		t.Fatalf("subscribe %s: %v", filter, tok.Error())
	}
	return s
}

// next returns the next message or fails the test.
func (s *subscriber) next(t testing.TB) received {
	t.Helper()
	select {
	case m := <-s.ch:
		return m
	case <-time.After(waitLong):
		t.Fatal("no message arrived")
		return received{}
	}
}

// proxy is a TCP relay between an uplink and a broker that a test can
// close (refuse new connections), cut (kill live ones abruptly) or mute
// (drop what the broker sends on the live connections, so no PUBACK
// arrives; new connections are not muted).
type proxy struct {
	ln     net.Listener
	target string
	wg     sync.WaitGroup

	mu    sync.Mutex
	open  bool
	conns map[net.Conn]bool // live conns; true: a muted broker side
}

func newProxy(t testing.TB, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, open: true, conns: map[net.Conn]bool{}}
	p.wg.Go(p.accept)
	t.Cleanup(func() {
		_ = ln.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) URL() string { return "tcp://" + p.ln.Addr().String() }

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // listener closed at cleanup
		}
		p.mu.Lock()
		open := p.open
		p.mu.Unlock()
		if !open {
			_ = c.Close()
			continue
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[s] = false, false
		p.mu.Unlock()
		p.wg.Go(func() { p.pipe(s, c, false) })
		p.wg.Go(func() { p.pipe(c, s, true) })
	}
}

// pipe copies src to dst until either closes; fromBroker bytes are dropped
// while muted.
func (p *proxy) pipe(dst, src net.Conn, fromBroker bool) {
	defer func() {
		_ = dst.Close()
		_ = src.Close()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			drop := fromBroker && p.conns[src]
			p.mu.Unlock()
			if !drop {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
		}
		if err != nil {
			return // EOF, reset or closed by cut: the relay ends
		}
	}
}

// setOpen lets new connections through or refuses them.
func (p *proxy) setOpen(open bool) { p.mu.Lock(); p.open = open; p.mu.Unlock() }

// mute drops from now on what the broker sends on the live connections.
func (p *proxy) mute() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		p.conns[c] = true
	}
}

// cut closes every relayed connection without any MQTT goodbye.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		_ = c.Close()
		delete(p.conns, c)
	}
}
