package videofeed

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/testutil"
)

// The markers of a Hikvision "Universal" POS setup as a store would type
// them in the recorder: a start line, CR LF after each line, an end line.
const (
	startMark = "<<TXN>>\r\n"
	endMark   = "<<END>>\r\n"
)

var at = time.Date(2026, 11, 22, 3, 26, 25, 0, time.UTC)

func receipt() *drivers.Receipt {
	return &drivers.Receipt{Head: drivers.Head{Time: at, Device: "printer"}, Lines: []drivers.Line{
		{Text: "天天超市 收银员：007 李静"}, {Text: "流水号：0042"}, {Text: "合计：35.50"},
		{Text: "银行卡 6222021234567890128"}, {Text: "  "},
	}}
}

func alert() detect.Alert {
	return detect.Alert{ID: "a1", Kind: detect.KindPaymentWithoutReceipt, Severity: detect.Critical, State: detect.Raised,
		Lane: "lane-3", Currency: "CNY", Payment: &detect.PaymentEvidence{Amount: 3550, Currency: "CNY"}}
}

// recorder parses what a recorder gets: transactions between the markers,
// lines cut at CR LF.
func parse(t *testing.T, raw []byte, dec func([]byte) string) [][]string {
	t.Helper()
	text := dec(raw)
	var txns [][]string
	for _, part := range strings.Split(text, startMark)[1:] {
		body, ok := strings.CutSuffix(part, endMark)
		if !ok {
			t.Fatalf("transaction without its end marker: %q", part)
		}
		txns = append(txns, strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n"))
	}
	return txns
}

func utf8Dec(b []byte) string { return string(b) }

func feed(t *testing.T, mode, addr, encoding string) *Feed {
	t.Helper()
	f, err := New(Config{Name: "nvr", Mode: mode, Address: addr, Start: startMark, End: endMark,
		Encoding: encoding, Lang: words.EN, Receipts: true, Alerts: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func run(t *testing.T, f *Feed) context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); f.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return cancel
}

// dialRecorder connects to a tcp-server feed as a recorder does, once its
// listener (which comes up asynchronously) accepts.
func dialRecorder(t *testing.T, addr string) net.Conn {
	t.Helper()
	var err error
	for range 200 {
		var c net.Conn
		if c, err = net.Dial("tcp", addr); err == nil {
			return c
		}
		<-time.After(10 * time.Millisecond)
	}
	t.Fatal(err)
	return nil
}

// readUntil reads from c until want end markers arrived.
func readUntil(t *testing.T, c net.Conn, markers int) []byte {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	var buf bytes.Buffer
	rd := bufio.NewReader(c)
	for bytes.Count(buf.Bytes(), []byte(endMark)) < markers {
		line, err := rd.ReadBytes('\n')
		buf.Write(line)
		if err != nil {
			t.Fatalf("after %q: %v", buf.String(), err)
		}
	}
	return buf.Bytes()
}

// TestTCPClient: the feed connects to the recorder's port and sends the
// receipt (blank lines left out, the card masked) and the alert line, each
// between the markers.
func TestTCPClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f := feed(t, "tcp-client", ln.Addr().String(), "utf-8")
	f.Events([]drivers.Event{receipt()})
	f.Alert(alert())
	run(t, f)
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	txns := parse(t, readUntil(t, c, 2), utf8Dec)
	if len(txns) != 2 || len(txns[0]) != 4 {
		t.Fatalf("transactions %q", txns)
	}
	if txns[0][0] != "天天超市 收银员：007 李静" || txns[0][3] != "银行卡 622202*********0128" {
		t.Errorf("receipt lines %q", txns[0])
	}
	if want := "!! CARD PAID, NO RECEIPT CNY 35.50 @lane-3"; txns[1][0] != want {
		t.Errorf("alert line %q, want %q", txns[1][0], want)
	}
}

// TestTCPServer: a recorder that connects to us gets what was queued
// before it came.
func TestTCPServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	f := feed(t, "tcp-server", addr, "gbk")
	f.Alert(alert())
	run(t, f)
	c := dialRecorder(t, addr)
	defer c.Close()
	txns := parse(t, readUntil(t, c, 1), utf8Dec)
	if len(txns) != 1 || !strings.HasPrefix(txns[0][0], "!! CARD PAID") {
		t.Fatalf("got %q", txns)
	}
}

// TestUDPGBK: a Chinese recorder set to GBK gets GBK datagrams.
func TestUDPGBK(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	f := feed(t, "udp", pc.LocalAddr().String(), "gbk")
	f.Events([]drivers.Event{receipt()})
	run(t, f)
	_ = pc.SetReadDeadline(time.Now().Add(20 * time.Second))
	buf := make([]byte, 2048)
	n, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	gbk := func(b []byte) string {
		s, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
		if err != nil {
			t.Fatalf("not GBK: %v", err)
		}
		return string(s)
	}
	txns := parse(t, buf[:n], gbk)
	if len(txns) != 1 || txns[0][0] != "天天超市 收银员：007 李静" {
		t.Fatalf("got %q", txns)
	}
	if bytes.Contains(buf[:n], []byte("李静")) {
		t.Error("the datagram is UTF-8, not GBK")
	}
}

// TestUDPLatin1: a recorder that shows only Latin-1 gets pinyin, every
// byte a Latin-1 character, and the Chinese alert title in pinyin too.
func TestUDPLatin1(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	f, err := New(Config{Name: "nvr", Mode: "udp", Address: pc.LocalAddr().String(), Start: startMark, End: endMark,
		Encoding: "latin1", Lang: words.ZH, Receipts: true, Alerts: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Events([]drivers.Event{receipt()})
	f.Alert(alert())
	run(t, f)
	_ = pc.SetReadDeadline(time.Now().Add(20 * time.Second))
	var all []byte
	buf := make([]byte, 2048)
	for bytes.Count(all, []byte(endMark)) < 2 {
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, buf[:n]...)
	}
	txns := parse(t, all, func(b []byte) string { return string(b) }) // ASCII here
	if got := txns[0][0]; got != "Tian Tian Chao Shi Shou Yin Yuan:007 Li Jing" {
		t.Errorf("receipt line in pinyin %q", got)
	}
	if got := txns[1][0]; got != "!! Shua Ka Cheng Gong Wei Chu Piao CNY 35.50 @lane-3" {
		t.Errorf("alert line %q", got)
	}
}

// TestTCPClientStopsWhileRecorderStalls: a recorder that accepts and then
// stops reading (hung, its window full) must not keep the feed from
// stopping: Run returns once its context is done, even in the middle of a
// write the recorder will never take.
func TestTCPClientStopsWhileRecorderStalls(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f := feed(t, "tcp-client", ln.Addr().String(), "utf-8")
	// 40 MB: more than the loopback socket buffers of both ends hold.
	big := &drivers.Receipt{Head: drivers.Head{Time: at, Device: "printer"}, Lines: []drivers.Line{{Text: strings.Repeat("x", 200<<10)}}}
	for range 200 {
		f.Events([]drivers.Event{big})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); f.Run(ctx) }()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close() // never read: the recorder hangs
	testutil.WaitFor(t, "the feed writing its queue", 20*time.Second, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.q) == 0
	})
	cancel()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Run still blocked in a write to a recorder that stopped reading, 20s after its context ended")
	}
}

// TestPortTakenDoesNotStopTheLane: a tcp-server feed whose port is taken
// at start (another program, the last agent not gone yet) does not end Run
// with an error, which would stop the lane's agent; it says why, keeps
// trying and serves the recorder once the port is free.
func TestPortTakenDoesNotStopTheLane(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := taken.Addr().String()
	var logs testutil.Buffer
	f, err := New(Config{Name: "nvr", Mode: "tcp-server", Address: addr, Start: startMark, End: endMark,
		Encoding: "utf-8", Lang: words.EN, Alerts: true}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	f.Alert(alert())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- f.Run(ctx) }()
	testutil.WaitFor(t, "the feed to say its port is taken", 20*time.Second, func() bool {
		return strings.Contains(logs.String(), "feed not running")
	})
	select {
	case err := <-errc:
		t.Fatalf("Run ended while the port was taken: %v", err)
	default:
	}
	taken.Close()
	var conn net.Conn
	testutil.WaitFor(t, "the feed to listen once the port is free", 20*time.Second, func() bool {
		conn, err = net.Dial("tcp", addr)
		return err == nil
	})
	defer conn.Close()
	txns := parse(t, readUntil(t, conn, 1), utf8Dec)
	if len(txns) != 1 || !strings.HasPrefix(txns[0][0], "!! CARD PAID") {
		t.Fatalf("got %q", txns)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// TestTCPServerStopClosesRecorders: when the feed stops, every recorder
// connected to it is disconnected (it reads EOF) and the port no longer
// accepts: the accept loop ended with the feed, it was not left behind.
func TestTCPServerStopClosesRecorders(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	f := feed(t, "tcp-server", addr, "utf-8")
	f.Alert(alert())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); f.Run(ctx) }()
	defer func() { cancel(); <-done }()
	c := dialRecorder(t, addr)
	defer c.Close()
	readUntil(t, c, 1)
	cancel()
	<-done
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	if n, err := c.Read(make([]byte, 64)); err == nil {
		t.Fatalf("recorder still connected after the feed stopped (read %d bytes)", n)
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("recorder still connected after the feed stopped (read timed out)")
	}
	if c2, err := net.Dial("tcp", addr); err == nil {
		c2.Close()
		t.Fatal("the feed's port still accepts after it stopped")
	}
}
