package agent

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/links"
	"github.com/tillwatch/tillwatch/agent/rawlog"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/sim"
)

// TestHeldPaymentCommitsWithItsDeletes feeds a card sale's ZVT
// conversation read by read into the core's step. The terminal's result
// decides the payment while the register's acknowledgement is still to
// come, so the payment is held (rawHold) and:
//   - meanwhile it is not journaled, but the raw input behind it is on
//     disk, so an agent started on the database as a kill -9 leaves it
//     (a copy) journals the payment, once;
//   - once the burst ends the payment and the deletes of the settled
//     terminal's input go in one synced commit: afterwards the journal
//     holds the payment and the raw store nothing.
//
// It fails if the deletes get a commit of their own, if the held events
// were journaled before the burst ended, or if their input was not
// written before they were held.
func TestHeldPaymentCommitsWithItsDeletes(t *testing.T) {
	cfg := zvtLane(t, t.TempDir())
	now := sim.DefaultStart
	a, err := New(cfg, Options{Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ws, err := sim.Compile([]sim.Action{{At: 0, Sale: &sim.CardSale{Requested: 4500, Currency: 156, Trace: "000901",
		ReceiptNo: "9001", AuthCode: "A000901", PAN: "622588EEEEEE0001", Terminal: "52523535"}}})
	if err != nil {
		t.Fatal(err)
	}
	recs := sim.Records(ws, sim.DefaultStart, nil)
	heldAt := -1
	var commits int64
	for i, r := range recs {
		now = r.Time
		in := links.Input{Dev: r.Dev, Chunk: drivers.Chunk{Time: r.Time, Dir: r.Dir, Data: r.Data}}
		if err := a.step(inputs([]links.Input{in}), now, false); err != nil {
			t.Fatal(err)
		}
		if heldAt < 0 && len(a.held.evs) > 0 {
			heldAt, commits = i, a.db.Commits()
			if n := payments(t, a); n != 0 {
				t.Fatalf("read %d: the held payment is journaled already (%d)", i, n)
			}
			if n := rawRecords(t, a); n == 0 {
				t.Fatalf("read %d: the payment is held but none of its raw input is written", i)
			}
			if n := payments(t, killedCopy(t, a, cfg)); n != 1 {
				t.Errorf("killed while the payment was held: %d payments journaled after recovery, want 1", n)
			}
		}
	}
	if heldAt < 0 {
		t.Fatal("no payment was held: the conversation decided nothing mid-burst")
	}
	if heldAt == len(recs)-1 {
		t.Fatal("the payment was decided by the last read: nothing settles after it, the test shows nothing")
	}
	if !a.lane.Settled(sim.TerminalName) {
		t.Fatal("the terminal's decoder did not settle at the end of the conversation")
	}
	if len(a.held.evs) == 0 || payments(t, a) != 0 {
		t.Fatal("the payment was journaled before its burst ended")
	}
	now = now.Add(rawQuiet)
	if err := a.step(nil, now, true); err != nil {
		t.Fatal(err)
	}
	if n := payments(t, a); n != 1 {
		t.Errorf("%d payments journaled at the end of the burst, want 1", n)
	}
	if n := rawRecords(t, a); n != 0 {
		t.Errorf("%d raw records left after the terminal settled", n)
	}
	if d := a.db.Commits() - commits; d != 1 {
		t.Errorf("%d commits from the held payment to its journaling, want 1 (events and deletes together)", d)
	}
}

// zvtLane is a lane with one ZVT terminal whose data lives in dir.
func zvtLane(t *testing.T, dir string) *configs.Config {
	t.Helper()
	cfg := configs.Default()
	cfg.DataDir, cfg.Capture, cfg.HTTP.Address = dir, "", ""
	cfg.Devices = []configs.Device{{Name: sim.TerminalName, Role: configs.RoleTerminal, Protocol: "zvt", Framing: "serial", Currency: "CNY"}}
	return cfg
}

// killedCopy opens an agent on a copy of a's database taken while a runs,
// as a kill -9 leaves it (the copy reads what the kernel holds), and
// recovers its input as Run does first.
func killedCopy(t *testing.T, a *Agent, cfg *configs.Config) *Agent {
	t.Helper()
	src, dst := cfg.DataDir, t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "LOCK" {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(filepath.Join(dst, rel))
		if err != nil {
			return err
		}
		defer out.Close()
		_, err = io.Copy(out, in)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	c := *cfg
	c.DataDir = dst
	b, err := New(&c, Options{Now: a.opts.Now, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if err := b.recoverInput(); err != nil {
		t.Fatal(err)
	}
	return b
}

// payments counts the payments in a's journal.
func payments(t *testing.T, a *Agent) int {
	t.Helper()
	n := 0
	err := a.journal.Range(sim.DefaultStart.Add(-time.Hour), time.Time{}, func(_ string, ev drivers.Event) error {
		if _, ok := ev.(*drivers.Payment); ok {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// rawRecords counts the records in a's raw input store.
func rawRecords(t *testing.T, a *Agent) int {
	t.Helper()
	n := 0
	if err := a.db.Store(rawlog.StoreName).Scan(nil, nil, func(_, _ []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}
