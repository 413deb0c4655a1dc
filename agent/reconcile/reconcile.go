package reconcile

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/slip"
)

// Journal is the part of journal.Journal that Reconcile reads.
type Journal interface {
	Range(from, to time.Time, fn func(id string, ev drivers.Event) error) error
}

var _ Journal = (*journal.Journal)(nil)

// ErrNoJournal is returned by OpenJournal for a directory that holds no
// journal.
var ErrNoJournal = errors.New("no journal")

// OpenJournal opens the journal in an agent's data directory. The caller
// closes the returned database. A running agent holds Badger's lock on
// the directory: the error then says to stop it.
func OpenJournal(dir string) (*journal.Journal, *buffer.DB, error) {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return nil, nil, fmt.Errorf("reconcile: %s: %w (is it the agent's data_dir?)", dir, ErrNoJournal)
	}
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if errors.Is(err, buffer.ErrLocked) {
		return nil, nil, fmt.Errorf("reconcile: the journal in %s is locked by a running agent: stop the agent (Badger allows one process per data directory) and run reconcile again: %w", dir, err)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reconcile: %w", err)
	}
	return journal.New(db), db, nil
}

// Result is what a reconciliation found.
type Result struct {
	Rows     int            // statement payments read
	Known    int            // rows the journal already had as terminal payments
	Receipts int            // journal receipts compared
	Alerts   []detect.Alert // in decision order
}

// Reconcile compares statement payments (from ReadStatement) with the
// journal around their times and returns the alerts the detector decides
// about them: alerts with a statement payment as evidence, and
// receipt_without_payment for receipts inside the statement's time span.
func Reconcile(j Journal, rows []*drivers.Payment, cfg detect.Config) (*Result, error) {
	res := &Result{Rows: len(rows)}
	if len(rows) == 0 {
		return res, nil
	}
	cfg.Roles = maps.Clone(cfg.Roles)
	if cfg.Roles == nil {
		cfg.Roles = map[string]string{}
	}
	cfg.Roles[Device] = detect.RoleTerminal
	eng := detect.New(cfg)
	first, last := span(rows)
	var evs []drivers.Event
	var known []*drivers.Payment
	err := j.Range(first.Add(-eng.Horizon()), last.Add(eng.Horizon()), func(_ string, ev drivers.Event) error {
		switch v := ev.(type) {
		case *drivers.Receipt:
			if slip.IsSlip(v) || v.Ended == "slip" {
				return nil // a card slip is no register receipt
			}
			res.Receipts++
		case *drivers.Payment:
			known = append(known, v)
		case *drivers.PrinterStatus, *drivers.Link:
		default:
			return nil
		}
		evs = append(evs, ev)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}
	fed := map[string]bool{}
	for _, r := range rows {
		if slices.ContainsFunc(known, func(k *drivers.Payment) bool { return samePayment(k, r) }) {
			res.Known++
			continue
		}
		fed[key(r.Type, r.Amount, r.Time, r.AuthCode, r.Trace, r.Reference)] = true
		evs = append(evs, r)
	}
	slices.SortStableFunc(evs, func(a, b drivers.Event) int { return a.When().Compare(b.When()) })
	var alerts []detect.Alert
	for _, ev := range evs {
		alerts = append(alerts, eng.Observe(ev)...)
	}
	alerts = append(alerts, eng.Flush()...)
	for _, a := range alerts {
		if p := a.Payment; p != nil && fed[key(drivers.PaymentType(p.Type), p.Amount, p.Time, p.AuthCode, p.Trace, p.Reference)] {
			res.Alerts = append(res.Alerts, a)
			continue
		}
		if a.Kind == detect.KindReceiptWithoutPayment && a.Receipt != nil && !a.Receipt.Time.Before(first) && !a.Receipt.Time.After(last) {
			res.Alerts = append(res.Alerts, a)
		}
	}
	return res, nil
}

// span is the first and last time of rows.
func span(rows []*drivers.Payment) (time.Time, time.Time) {
	first, last := rows[0].Time, rows[0].Time
	for _, r := range rows[1:] {
		if r.Time.Before(first) {
			first = r.Time
		}
		if r.Time.After(last) {
			last = r.Time
		}
	}
	return first, last
}

// samePayment reports whether a journal payment is the statement row r:
// same type and amount, and an equal auth code, reference or trace.
func samePayment(k, r *drivers.Payment) bool {
	if k.Result != drivers.Approved || k.Type != r.Type || k.Amount != r.Amount {
		return false
	}
	eq := func(a, b string) bool {
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		return a != "" && a == b
	}
	return eq(k.AuthCode, r.AuthCode) || eq(k.Reference, r.Reference) || eq(k.Trace, r.Trace)
}

// key identifies a statement payment in an alert's evidence.
func key(t drivers.PaymentType, amount int64, at time.Time, auth, trace, ref string) string {
	return fmt.Sprintf("%s|%d|%d|%s|%s|%s", t, amount, at.UnixNano(), auth, trace, ref)
}
