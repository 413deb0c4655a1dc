package doctor

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tillwatch/tillwatch/drivers/winspool"
)

// queueLister lists the print queues (winspool.Queues; a fake in tests).
type queueLister func() ([]winspool.Queue, error)

// listQueues is the Windows check that lists every print queue with its
// port and driver and what the driver sends the printer.
func listQueues(list queueLister) Result {
	r := Result{Name: "printer queues"}
	qs, err := list()
	if err != nil {
		r.Status, r.Detail = Warn, "cannot list them: "+err.Error()
		return r
	}
	if len(qs) == 0 {
		r.Status, r.Detail = Warn, "none"
		r.Hint = "is the printer's driver installed? Settings > Bluetooth & devices > Printers & scanners"
		return r
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d", len(qs))
	for _, q := range qs {
		out, why := q.Sends()
		fmt.Fprintf(&b, "\n      %q on %s, driver %q (%s): sends %s: %s", q.Name, q.Port, q.Driver, winspool.StatusText(q.Status), out, why)
	}
	r.Detail = b.String()
	return r
}

// checkQueue checks the RAW queue a spooler link writes to: it exists, is
// on a USB port and ready, and some queue (the register's) prints to the
// agent's port.
func checkQueue(r Result, name, listen string, list queueLister) Result {
	qs, err := list()
	if errors.Is(err, winspool.ErrNotWindows) {
		r.Status, r.Detail, r.Hint = Fail, "print queues exist only on Windows", "a spooler link runs on the register PC itself"
		return r
	}
	if err != nil {
		r.Status, r.Detail = Fail, "cannot list the print queues: "+err.Error()
		return r
	}
	q, ok := winspool.Find(qs, name)
	if !ok {
		r.Status, r.Detail = Fail, "no such print queue"
		r.Hint = `tillwatch service install -c CONFIG --register-queue "NAME OF THE REGISTER'S QUEUE" creates it on the printer's USB port (README: Windows, USB printer)`
		return r
	}
	r.Detail = fmt.Sprintf("on %s, driver %q, %s", q.Port, q.Driver, winspool.StatusText(q.Status))
	if !q.USB() {
		r.Status, r.Hint = Warn, "tillwatch's queue should print to the printer's USB port (USB001, ...): Set-Printer -Name '"+q.Name+"' -PortName USB001"
		return r
	}
	if q.Status != 0 {
		r.Status, r.Hint = Warn, "the printer itself needs attention (paper, cover, power, cable)"
		return r
	}
	if tcp, err := winspool.PortFor(listen); err == nil {
		var regs []string
		for _, o := range qs {
			if strings.EqualFold(o.Port, tcp) {
				regs = append(regs, fmt.Sprintf("%q", o.Name))
			}
		}
		if len(regs) == 0 {
			r.Status, r.Hint = Warn, "no queue prints to "+tcp+": the register's receipts go past tillwatch. tillwatch service install -c CONFIG --register-queue NAME moves the register's queue"
			return r
		}
		r.Detail += "; the register's queue " + strings.Join(regs, ", ") + " prints to tillwatch"
	}
	return r
}
