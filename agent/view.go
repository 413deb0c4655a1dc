package agent

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/status"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
)

// How much recent history the status page keeps.
const (
	viewReceipts = 10
	viewPayments = 10
	viewAlerts   = 20
)

// view keeps the recent state the status page shows. The core goroutine
// writes it; HTTP handlers read snapshots of it. It is a read-only window
// on the pipeline: nothing in it feeds detection.
type view struct {
	mu        sync.Mutex
	started   time.Time
	heartbeat time.Time
	devices   []status.Device
	receipts  []status.Receipt
	payments  []status.Payment
	alerts    []status.Alert
	byKind    map[string]int
	// awaiting are approved sales with no receipt seen yet, until the
	// detector's receipt_wait has passed.
	awaiting    []awaited
	receiptWait time.Duration
	currency    map[string]string // device -> configured currency, for amounts that name none
}

type awaited struct {
	pay    status.Window
	amount int64
}

func newView(cfg *configs.Config, now time.Time) *view {
	v := &view{started: now, heartbeat: now, byKind: map[string]int{}, receiptWait: cfg.Detect.ReceiptWait, currency: map[string]string{}}
	for _, k := range []string{
		detect.KindPaymentWithoutReceipt, detect.KindAmountMismatch, detect.KindPartialApproval,
		detect.KindDuplicateCharge, detect.KindRefundWithoutSale, detect.KindReceiptWithoutPayment,
		detect.KindPrintFailed, detect.KindPrinterFault, detect.KindDeviceOffline, detect.KindSettlementMismatch,
	} {
		v.byKind[k] = 0 // every kind has a series from the start
	}
	for _, d := range cfg.Devices {
		v.devices = append(v.devices, status.Device{Name: d.Name, Role: d.Role, Protocol: d.Protocol, Port: portText(d.Link)})
		v.currency[d.Name] = d.Currency
	}
	return v
}

// beat records a round of the core loop.
func (v *view) beat(now time.Time) {
	v.mu.Lock()
	v.heartbeat = now
	v.awaiting = slices.DeleteFunc(v.awaiting, func(w awaited) bool { return now.After(w.pay.Deadline) })
	v.mu.Unlock()
}

// data records bytes read from a device.
func (v *view) data(dev string, c drivers.Chunk) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if d := v.device(dev); d != nil {
		d.Bytes += len(c.Data)
		if c.Time.After(d.LastData) {
			d.LastData = c.Time
		}
	}
}

func (v *view) device(name string) *status.Device {
	for i := range v.devices {
		if v.devices[i].Name == name {
			return &v.devices[i]
		}
	}
	return nil
}

// events records link changes, receipts and payments.
func (v *view) events(evs []drivers.Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, ev := range evs {
		switch e := ev.(type) {
		case *drivers.Link:
			if d := v.device(e.Device); d != nil {
				d.Up, d.Seen, d.Since, d.Reason = e.Up, true, e.Time, e.Reason
			}
		case *drivers.Receipt:
			v.receipt(e)
		case *drivers.Payment:
			v.payment(e)
		}
	}
}

func (v *view) receipt(e *drivers.Receipt) {
	cur := cmp.Or(e.Currency, v.currency[e.Device])
	r := status.Receipt{Time: e.Time, Device: e.Device, Number: e.Number, Cut: e.Cut, Ended: e.Ended, Lines: len(e.Lines), Currency: cur}
	if e.Total != nil {
		r.Total = detect.FormatMoney(*e.Total, cur)
	}
	var ts []string
	for _, t := range e.Tenders {
		ts = append(ts, fmt.Sprintf("%s %s", t.Kind, detect.FormatMoney(t.Amount, "")))
		// A receipt that names the amount closes the wait for that sale.
		v.awaiting = slices.DeleteFunc(v.awaiting, func(w awaited) bool { return w.amount == t.Amount })
	}
	r.Tenders = strings.Join(ts, ", ")
	v.receipts = prepend(v.receipts, r, viewReceipts)
}

func (v *view) payment(e *drivers.Payment) {
	p := status.Payment{Time: e.Time, Device: e.Device, Type: string(e.Type), Result: string(e.Result),
		Amount: detect.FormatMoney(e.Amount, cmp.Or(e.Currency, v.currency[e.Device])), Card: e.Card, Trace: e.Trace}
	v.payments = prepend(v.payments, p, viewPayments)
	if e.Type == drivers.PaySale && e.Result == drivers.Approved {
		what := "receipt for card sale " + p.Amount
		if e.Trace != "" {
			what += " (trace " + e.Trace + ")"
		}
		v.awaiting = append(v.awaiting, awaited{
			pay:    status.Window{What: what, Opened: e.Time, Deadline: e.Time.Add(v.receiptWait)},
			amount: e.Amount,
		})
	}
}

// alert records an alert stored in the outbox.
func (v *view) alert(al detect.Alert) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.byKind[al.Kind]++
	v.alerts = prepend(v.alerts, status.Alert{ID: al.ID, Kind: al.Kind, Severity: string(al.Severity), State: string(al.State),
		Time: al.Time, Detected: al.Detected, Summary: al.Summary}, viewAlerts)
}

// fill copies the view into s.
func (v *view) fill(s *status.Snapshot) {
	v.mu.Lock()
	defer v.mu.Unlock()
	s.Started, s.Heartbeat = v.started, v.heartbeat
	s.Devices = slices.Clone(v.devices)
	s.Receipts = slices.Clone(v.receipts)
	s.Payments = slices.Clone(v.payments)
	s.Alerts = slices.Clone(v.alerts)
	s.AlertsByKind = make(map[string]int, len(v.byKind))
	for k, n := range v.byKind {
		s.AlertsByKind[k] = n
	}
	for _, w := range v.awaiting {
		s.Windows = append(s.Windows, w.pay)
	}
	slices.SortStableFunc(s.Windows, func(a, b status.Window) int { return a.Deadline.Compare(b.Deadline) })
}

// prepend puts x first and keeps at most n.
func prepend[T any](list []T, x T, n int) []T {
	list = append([]T{x}, list...)
	if len(list) > n {
		list = list[:n]
	}
	return list
}

// portText says where a device's link is, for a person: the serial lines,
// "listen -> connect" for a TCP bridge, the register side and the device
// file for a USB printer.
func portText(l configs.Link) string {
	join := func(a, sep, b string) string {
		switch {
		case a == "":
			return b
		case b == "":
			return a
		}
		return a + sep + b
	}
	switch l.Type {
	case configs.TypeTCP:
		return join(l.Listen, " -> ", l.Connect)
	case configs.TypeUSBLP:
		return join(join(l.HostPort, " ", l.Listen), " -> ", l.DevicePort)
	}
	sep := " + "
	if l.Mode == configs.ModeBridge {
		sep = " <-> "
	}
	return join(l.HostPort, sep, l.DevicePort)
}
