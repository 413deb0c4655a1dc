package status

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/money"
)

// How much recent history the status page keeps.
const (
	viewReceipts = 10
	viewPayments = 10
	viewAlerts   = 20
)

// View keeps the recent state the status page shows. The core goroutine
// writes it; HTTP handlers read snapshots of it. It is a read-only window
// on the pipeline: nothing in it feeds detection.
type View struct {
	mu        sync.Mutex
	started   time.Time
	heartbeat time.Time
	devices   []Device
	receipts  []Receipt
	payments  []Payment
	alerts    []Alert
	byKind    map[string]int
	// awaiting are approved sales with no receipt seen yet, until the
	// detector's receipt_wait has passed.
	awaiting    []awaited
	receiptWait time.Duration
	currency    map[string]string // device -> configured currency, for amounts that name none
	today       today             // the manager page's day (today.go)
}

type awaited struct {
	pay    Window
	amount int64
}

// NewView starts an empty view of cfg's lane at now.
func NewView(cfg *configs.Config, now time.Time) *View {
	v := &View{started: now, heartbeat: now, byKind: map[string]int{}, receiptWait: cfg.Detect.ReceiptWait, currency: map[string]string{},
		today: today{loc: cfg.Location()}}
	for _, k := range []string{
		detect.KindPaymentWithoutReceipt, detect.KindAmountMismatch, detect.KindPartialApproval,
		detect.KindDuplicateCharge, detect.KindRefundWithoutSale, detect.KindReceiptWithoutPayment,
		detect.KindPrintFailed, detect.KindPrinterFault, detect.KindDeviceOffline, detect.KindSettlementMismatch,
	} {
		v.byKind[k] = 0 // every kind has a series from the start
	}
	for _, d := range cfg.Devices {
		v.devices = append(v.devices, Device{Name: d.Name, Role: d.Role, Protocol: d.Protocol, Port: portText(d.Link)})
		v.currency[d.Name] = d.Currency
	}
	return v
}

// Beat records a round of the core loop.
func (v *View) Beat(now time.Time) {
	v.mu.Lock()
	v.heartbeat = now
	v.awaiting = slices.DeleteFunc(v.awaiting, func(w awaited) bool { return now.After(w.pay.Deadline) })
	v.mu.Unlock()
}

// Data records bytes read from a device.
func (v *View) Data(dev string, c drivers.Chunk) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if d := v.device(dev); d != nil {
		d.Bytes += len(c.Data)
		if c.Time.After(d.LastData) {
			d.LastData = c.Time
		}
	}
}

func (v *View) device(name string) *Device {
	for i := range v.devices {
		if v.devices[i].Name == name {
			return &v.devices[i]
		}
	}
	return nil
}

// Events records link changes, receipts and payments.
func (v *View) Events(evs []drivers.Event) {
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
		case *drivers.PrinterStatus:
			v.today.status(e)
		case *drivers.Damage:
			if d := v.device(e.Device); d != nil {
				d.Damaged += int64(max(e.Frames, 1))
			}
		}
	}
}

func (v *View) receipt(e *drivers.Receipt) {
	cur := cmp.Or(e.Currency, v.currency[e.Device])
	r := Receipt{Time: e.Time, Device: e.Device, Number: e.Number, Cut: e.Cut, Ended: e.Ended, Lines: len(e.Lines), Currency: cur}
	if e.Total != nil {
		r.Total = money.Format(*e.Total, cur)
	}
	var ts []string
	for _, t := range e.Tenders {
		ts = append(ts, fmt.Sprintf("%s %s", t.Kind, money.Number(t.Amount, cur)))
		// A receipt that names the amount closes the wait for that sale.
		v.awaiting = slices.DeleteFunc(v.awaiting, func(w awaited) bool { return w.amount == t.Amount })
	}
	r.Tenders = strings.Join(ts, ", ")
	v.receipts = prepend(v.receipts, r, viewReceipts)
}

func (v *View) payment(e *drivers.Payment) {
	p := Payment{Time: e.Time, Device: e.Device, Type: string(e.Type), Result: string(e.Result),
		Amount: money.Format(e.Amount, cmp.Or(e.Currency, v.currency[e.Device])), Card: drivers.MaskPAN(e.Card), Trace: e.Trace} // masked again: a decoder that failed to must not put it on the page
	v.payments = prepend(v.payments, p, viewPayments)
	if e.Type == drivers.PaySale && e.Result == drivers.Approved {
		what := "receipt for card sale " + p.Amount
		if e.Trace != "" {
			what += " (trace " + e.Trace + ")"
		}
		v.awaiting = append(v.awaiting, awaited{
			pay:    Window{What: what, Opened: e.Time, Deadline: e.Time.Add(v.receiptWait)},
			amount: e.Amount,
		})
	}
}

// Alert records an alert stored in the outbox.
func (v *View) Alert(al detect.Alert) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.byKind[al.Kind]++
	v.today.alert(al)
	v.alerts = prepend(v.alerts, Alert{ID: al.ID, Kind: al.Kind, Severity: string(al.Severity), State: string(al.State),
		Time: al.Time, Detected: al.Detected, Summary: maskText(al.Summary)}, viewAlerts)
}

// Restore gives a view started after a restart what the lane saw before
// it: the journal's events (receipts, payments and printer states, the
// last of each the page shows) and the alerts of the lane's current day,
// oldest first, rebuilt from the journal. Unlike Alert it counts nothing
// (the metrics count alerts since the start); an alert restored and then
// stored again is kept once.
func (v *View) Restore(evs []drivers.Event, alerts []detect.Alert) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, ev := range evs {
		switch e := ev.(type) {
		case *drivers.Receipt:
			v.receipt(e)
		case *drivers.Payment:
			v.payment(e)
		case *drivers.PrinterStatus:
			v.today.status(e)
		}
	}
	for _, al := range alerts {
		v.today.alert(al)
	}
	if n := len(evs); n > 0 {
		last := evs[n-1].When()
		v.awaiting = slices.DeleteFunc(v.awaiting, func(w awaited) bool { return last.After(w.pay.Deadline) })
	}
}

// Fill copies the view into s.
func (v *View) Fill(s *Snapshot) {
	v.mu.Lock()
	defer v.mu.Unlock()
	s.Started, s.Heartbeat = v.started, v.heartbeat
	s.Devices = slices.Clone(v.devices)
	s.Receipts = slices.Clone(v.receipts)
	s.Payments = slices.Clone(v.payments)
	s.Alerts = slices.Clone(v.alerts)
	v.today.fill(s)
	s.AlertsByKind = make(map[string]int, len(v.byKind))
	for k, n := range v.byKind {
		s.AlertsByKind[k] = n
	}
	for _, w := range v.awaiting {
		s.Windows = append(s.Windows, w.pay)
	}
	slices.SortStableFunc(s.Windows, func(a, b Window) int { return a.Deadline.Compare(b.Deadline) })
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
	case configs.TypeUSBLP, configs.TypeUSBGadget:
		return join(join(l.HostPort, " ", l.Listen), " -> ", l.DevicePort)
	case configs.TypeSpooler:
		return join(l.Listen, " -> ", "queue "+l.DevicePort)
	}
	sep := " + "
	if l.Mode == configs.ModeBridge {
		sep = " <-> "
	}
	return join(l.HostPort, sep, l.DevicePort)
}

// Links returns the devices' link states.
func (v *View) Links() []Device {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.devices)
}

// maskText hides the card numbers in a text shown on the page.
func maskText(s string) string {
	b := []byte(s)
	drivers.MaskTextPANs(b)
	return string(b)
}
