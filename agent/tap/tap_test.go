package tap

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/testutil"
)

// upper is a stand-in redactor: it upper-cases, so tests see it ran.
type upper struct{}

func (upper) Redact(_ string, _ drivers.Direction, b []byte) []byte { return bytes.ToUpper(b) }

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// TestHub: records reach the subscribers of their device, redacted; a
// subscriber that falls behind is cut off and told so, and the others go
// on; publishing with no subscriber (or a nil Hub) does nothing.
func TestHub(t *testing.T) {
	var nilHub *Hub
	nilHub.Chunk("printer", drivers.Chunk{Data: []byte("x")})
	nilHub.Link("printer", &drivers.Link{})
	h := New(context.Background(), func() capture.Redactor { return upper{} })
	h.Chunk("printer", drivers.Chunk{Time: t0, Data: []byte("nobody listens")})
	all, printer, slow := h.Subscribe(nil), h.Subscribe([]string{"printer"}), h.Subscribe([]string{"terminal"})
	h.Chunk("printer", drivers.Chunk{Time: t0, Dir: drivers.FromHost, Data: []byte("total 12.50")})
	h.Link("terminal", &drivers.Link{Head: drivers.Head{Time: t0}, Reason: "unplugged"})
	if r := <-all.C; string(r.Data) != "TOTAL 12.50" || r.Dev != "printer" {
		t.Fatalf("all: %+v", r)
	}
	if r := <-all.C; r.Link != capture.LinkDown || r.Reason != "unplugged" {
		t.Fatalf("all: %+v", r)
	}
	if r := <-printer.C; string(r.Data) != "TOTAL 12.50" || len(printer.C) != 0 {
		t.Fatalf("printer: %+v, %d more", r, len(printer.C))
	}
	for range Buffer + 1 {
		h.Link("terminal", &drivers.Link{Head: drivers.Head{Time: t0}, Up: true})
	}
	n := 0
	for range slow.C {
		n++
	}
	if !slow.Behind() || n != Buffer {
		t.Fatalf("slow subscriber: behind=%v after %d records", slow.Behind(), n)
	}
	if h.Count() != 1 || !all.Behind() || printer.Behind() {
		t.Fatalf("%d subscribers left, want the printer's only (all behind=%v)", h.Count(), all.Behind())
	}
	h.Cancel(all)
	h.Cancel(printer)
	h.Cancel(printer) // twice is fine
	if h.Count() != 0 {
		t.Fatal("subscribers left after Cancel")
	}
}

// TestHandler: the stream is a capture file (header for the chosen
// devices, then records), and it ends with the agent, saying so in the
// trailer.
func TestHandler(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	h := New(ctx, func() capture.Redactor { return upper{} })
	srv := httptest.NewServer(h.Handler(func(devs []string) (*capture.Header, error) {
		return &capture.Header{Site: "s1", Lane: "l1", Devices: map[string]capture.DeviceInfo{strings.Join(devs, ","): {Role: "printer"}}}, nil
	}))
	defer srv.Close()
	res, err := http.Get(srv.URL + Path + "?device=printer")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	rd := capture.NewReader(res.Body)
	hd, err := rd.Header()
	if err != nil || hd == nil || hd.Devices["printer"].Role != "printer" {
		t.Fatalf("header %+v %v", hd, err)
	}
	// The handler subscribes right after the header.
	testutil.WaitFor(t, "the tap handler to subscribe", 10*time.Second, func() bool { return h.Count() > 0 })
	h.Chunk("printer", drivers.Chunk{Time: t0, Data: []byte("cash 5.00")})
	rec, err := rd.Next()
	if err != nil || string(rec.Data) != "CASH 5.00" {
		t.Fatalf("record %+v %v", rec, err)
	}
	stop()
	if _, err := rd.Next(); err != io.EOF {
		t.Fatalf("after the agent stopped: %v", err)
	}
	if got := res.Trailer.Get(TrailerEnd); got != EndStopped {
		t.Fatalf("trailer %q", got)
	}
}
