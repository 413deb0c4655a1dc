package remote

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/agent/topic"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/golden"
)

// prefix is the test lane's topics' base; lane its topics.
const prefix = "tillwatch/v1/s1/l1"

var lane = topic.New("", "s1", "l1")

// now is the test clock.
var now = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)

// openJournal fills a journal in a temp Badger with testdata/events.jsonl.
func openJournal(t testing.TB) *journal.Journal {
	t.Helper()
	db, err := buffer.Open(filepath.Join(t.TempDir(), "db"), buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	j := journal.New(db)
	f, err := os.Open(filepath.Join("testdata", "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		ev, err := drivers.Unmarshal(sc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := j.Append(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return j
}

func newHandler(t testing.TB, j Searcher, allow ...string) *Handler {
	t.Helper()
	h, err := New(Config{
		Topics: lane, Allow: allow, Version: "test", Now: func() time.Time { return now },
		Location: time.UTC, Journal: j, Rate: 1000, Burst: 1000,
		Status: func() any { return map[string]any{"site": "s1", "lane": "l1", "outbox_depth": 0} },
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestHandle: every command, argument error and malformed request, by its
// reply (topic and payload), against testdata/replies.golden.
func TestHandle(t *testing.T) {
	h := newHandler(t, openJournal(t), CmdPing, CmdStatus, CmdJournalSearch)
	onlyPing := newHandler(t, nil, CmdPing)
	tests := []struct {
		name, cmd, payload string
		h                  *Handler
	}{
		{"ping", "ping", `{"id":"r1"}`, h},
		{"ping reply_to", "ping", `{"id":"r2","reply_to":"tillwatch/v1/s1/l1/ops/r2"}`, h},
		{"status", "status", `{"id":"r3"}`, h},
		{"search amount date last4", "journal_search", `{"id":"r4","args":{"amount":"68.00","date":"2026-11-22","last4":"4771"}}`, h},
		{"search receipt masks printed PAN", "journal_search", `{"id":"r5","args":{"receipt":"0012","types":["receipt"]}}`, h},
		{"search amount any day limit", "journal_search", `{"id":"r6","args":{"amount":"68.00","limit":2,"types":["payment"]}}`, h},
		{"search girocard masked", "journal_search", `{"id":"r7","args":{"auth":"123456"}}`, h},
		{"search damage", "journal_search", `{"id":"r21","args":{"date":"2026-11-22","types":["damage"]}}`, h},
		{"search bad type", "journal_search", `{"id":"r22","args":{"types":["alert"]}}`, h},
		{"search nothing", "journal_search", `{"id":"r8","args":{"auth":"000000"}}`, h},
		{"search bad amount", "journal_search", `{"id":"r9","args":{"amount":"lots"}}`, h},
		{"search bad date", "journal_search", `{"id":"r10","args":{"date":"22.11.2026"}}`, h},
		{"search bad last4", "journal_search", `{"id":"r11","args":{"last4":"4111111111111111"}}`, h},
		{"search limit too high", "journal_search", `{"id":"r12","args":{"limit":500}}`, h},
		{"search unknown arg", "journal_search", `{"id":"r13","args":{"pan":"4111111111111111"}}`, h},
		{"not allowed", "status", `{"id":"r14"}`, onlyPing},
		{"unknown command", "reboot", `{"id":"r15"}`, h},
		{"malformed with id", "ping", `{"id":"r16", "args": {`, h},
		{"no id", "ping", `{"args":{}}`, h},
		{"not json at all", "ping", `ping`, h},
		{"reply_to outside the lane", "ping", `{"id":"r17","reply_to":"tillwatch/v1/s1/l2/x"}`, h},
		{"reply_to a command topic", "ping", `{"id":"r18","reply_to":"tillwatch/v1/s1/l1/cmd/ping"}`, h},
		{"reply_to wildcard", "ping", `{"id":"r19","reply_to":"tillwatch/v1/s1/l1/#"}`, h},
		{"too large", "ping", `{"id":"r20","args":"` + strings.Repeat("x", MaxRequest) + `"}`, h},
	}
	var out strings.Builder
	for _, tt := range tests {
		msgs := tt.h.Handle(context.Background(), prefix+"/cmd/"+tt.cmd, []byte(tt.payload))
		fmt.Fprintf(&out, "== %s\n", tt.name)
		for _, m := range msgs {
			fmt.Fprintf(&out, "%s retain=%v\n%s\n", m.Topic, m.Retain, m.Payload)
			masked := bytes.Clone(m.Payload)
			if drivers.MaskTextPANs(masked); !bytes.Equal(masked, m.Payload) {
				t.Errorf("%s: reply carries a full card number: %s", tt.name, m.Payload)
			}
		}
		if len(msgs) == 0 {
			out.WriteString("(no reply)\n")
		}
	}
	golden.CheckString(t, "testdata/replies.golden", out.String())
}

// TestRateLimit: beyond the burst, requests are dropped without a reply
// until tokens come back with the clock.
func TestRateLimit(t *testing.T) {
	clock := now
	h, err := New(Config{Topics: lane, Allow: []string{CmdPing}, Now: func() time.Time { return clock }, Rate: 10, Burst: 10})
	if err != nil {
		t.Fatal(err)
	}
	ping := func() bool {
		return len(h.Handle(context.Background(), prefix+"/cmd/ping", []byte(`{"id":"x"}`))) == 1
	}
	answered := 0
	for range 100 {
		if ping() {
			answered++
		}
	}
	if answered != 10 {
		t.Fatalf("%d of 100 answered at once, want the burst of 10", answered)
	}
	clock = clock.Add(200 * time.Millisecond) // 2 tokens at 10/s
	answered = 0
	for range 10 {
		if ping() {
			answered++
		}
	}
	if answered != 2 {
		t.Fatalf("%d answered 200ms later, want 2", answered)
	}
}

func TestNewConfig(t *testing.T) {
	for _, c := range []Config{
		{},
		{Topics: topic.New("", "+", "l1")},
		{Topics: topic.New("", "s1", "l1/")},
		{Topics: topic.New("tillwatch/v1/", "s1", "l1")},
		{Topics: topic.New("", "s1", "")},
		{Topics: lane, Allow: []string{"reboot"}},
	} {
		if _, err := New(c); err == nil {
			t.Errorf("config %+v accepted", c)
		}
	}
}

// TestSafe: receipt text keeps non-card numbers, masks Luhn-valid runs.
func TestSafe(t *testing.T) {
	r := &drivers.Receipt{Lines: []drivers.Line{{Text: "PAN 4111-1111-1111-1111 EAN 4006381333931 TEL 02112345678"}}}
	got := safe(r).(*drivers.Receipt).Lines[0].Text
	if want := "PAN 4111-11**-****-1111 EAN 4006381333931 TEL 02112345678"; got != want {
		t.Errorf("safe: %q, want %q", got, want)
	}
	if r.Lines[0].Text == got {
		t.Error("safe changed the journal's event in place")
	}
}
