package remote

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzHandle: any payload on any command topic yields at most one reply,
// on a topic under the lane's prefix, never retained, whose payload is a
// Reply within MaxReply; the seeds are the requests of TestHandle.
func FuzzHandle(f *testing.F) {
	for _, s := range []struct{ cmd, payload string }{
		{"ping", `{"id":"r1"}`},
		{"ping", `{"id":"r2","reply_to":"tillwatch/v1/s1/l1/ops/r2"}`},
		{"status", `{"id":"r3"}`},
		{"journal_search", `{"id":"r4","args":{"amount":"68.00","date":"2026-11-22","last4":"4771"}}`},
		{"journal_search", `{"id":"r5","args":{"receipt":"0012","types":["receipt"]}}`},
		{"journal_search", `{"id":"r6","args":{"from":"2026-11-22T00:00:00Z","to":"2026-11-23T00:00:00Z","limit":50}}`},
		{"ping", `{"id":"r16", "args": {`},
		{"reboot", `{"id":"r15"}`},
	} {
		f.Add(s.cmd, []byte(s.payload))
	}
	h := newHandler(f, openJournal(f), CmdPing, CmdStatus, CmdJournalSearch)
	f.Fuzz(func(t *testing.T, cmd string, payload []byte) {
		msgs := h.Handle(context.Background(), prefix+"/cmd/"+cmd, payload)
		if len(msgs) > 1 {
			t.Fatalf("%d replies", len(msgs))
		}
		for _, m := range msgs {
			if !strings.HasPrefix(m.Topic, prefix+"/") || m.Retain {
				t.Fatalf("reply on %q retain=%v", m.Topic, m.Retain)
			}
			if err := m.Validate(); err != nil {
				t.Fatalf("invalid reply: %v", err)
			}
			var r Reply
			if err := json.Unmarshal(m.Payload, &r); err != nil || len(m.Payload) > MaxReply {
				t.Fatalf("reply %q: %v", m.Payload, err)
			}
			if r.ID == "" {
				t.Fatalf("reply without an id: %s", m.Payload)
			}
		}
	})
}
