package detect

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// decodeOps turns fuzz bytes into a time-ordered lane story: each 4 bytes
// are an event kind, a time step, an amount and flags.
func decodeOps(data []byte) []drivers.Event {
	var evs []drivers.Event
	at := time.Duration(0)
	for i := 0; i+4 <= len(data) && len(evs) < 400; i += 4 {
		kind, step, amt, fl := data[i], data[i+1], int64(data[i+2])*100+int64(data[i+3]), data[i+3]
		at += time.Duration(step) * sec / 4
		tr := string(rune('0'+fl%10)) + string(rune('0'+step%10))
		switch kind % 6 {
		case 0:
			p := sale(at, amt, tr)
			if fl&1 != 0 {
				p.Result = drivers.Declined
			}
			if fl&2 != 0 {
				p.Requested = amt + int64(fl)
			}
			evs = append(evs, p)
		case 1:
			evs = append(evs, with(sale(at, amt, "v"+tr), func(p *drivers.Payment) { p.Type, p.OriginalTrace = drivers.PayVoid, tr }))
		case 2, 3:
			r := rcpt(at, tr, card(amt))
			if fl&1 != 0 {
				r.Tenders = append(r.Tenders, card(int64(fl)*50))
			}
			if fl&2 != 0 {
				r.Tenders[0].Kind = drivers.TenderCash
			}
			if fl&4 != 0 {
				uncut(r, "idle")
			}
			evs = append(evs, r)
		case 4:
			evs = append(evs, status(at, func(s *drivers.PrinterStatus) {
				s.PaperEnd, s.PaperNearEnd, s.CoverOpen = fl&1 != 0, fl&2 != 0, fl&4 != 0
				if fl&8 != 0 {
					s.Partial, s.Via = true, []string{"dle_eot_1", "dle_eot_2", "dle_eot_3", "dle_eot_4"}[fl>>4&3]
				}
			}))
		default:
			evs = append(evs, &drivers.Link{Head: drivers.Head{Time: t0.Add(at), Device: "terminal"}})
		}
	}
	return evs
}

// FuzzEngine feeds arbitrary lane stories: the engine must not panic,
// must be deterministic, must report each alert id once, and must never
// decide before the alert happened.
func FuzzEngine(f *testing.F) {
	f.Add([]byte{0, 0, 20, 40, 2, 8, 20, 40})                         // clean sale
	f.Add([]byte{0, 0, 1, 20, 2, 8, 12, 0})                           // under-charge
	f.Add([]byte{0, 0, 60, 0, 0, 80, 60, 0, 2, 20, 120, 0})           // split
	f.Add([]byte{4, 0, 0, 0, 0, 4, 35, 50, 4, 4, 0, 1, 2, 4, 35, 50}) // paper end
	f.Add([]byte{0, 0, 20, 40, 1, 80, 20, 40})                        // void
	f.Add([]byte{2, 0, 51, 54, 0, 255, 20, 0, 0, 32, 51, 54})         // receipt first
	f.Fuzz(func(t *testing.T, data []byte) {
		evs := decodeOps(data)
		a := playTicks(New(Config{Settings: Settings{MatchWindow: 30 * sec, ReceiptWait: 20 * sec}}), evs, 5*sec)
		b := playTicks(New(Config{Settings: Settings{MatchWindow: 30 * sec, ReceiptWait: 20 * sec}}), evs, 5*sec)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatal("not deterministic")
		}
		seen := map[string]bool{}
		for _, al := range a {
			if seen[al.ID] {
				t.Fatalf("id %s twice: %s", al.ID, al.Summary)
			}
			seen[al.ID] = true
			if al.Detected.Before(al.Time) {
				t.Fatalf("decided before it happened: %+v", al)
			}
		}
	})
}
