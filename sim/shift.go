package sim

import (
	"fmt"
	"sort"
	"time"
)

// Wire names one line of the simulated lane.
type Wire int

// The four lines a two-line tap sees.
const (
	PrinterHost    Wire = iota // register -> printer (print data)
	PrinterDevice              // printer -> register (status)
	TerminalHost               // register -> terminal (ZVT commands, ACKs)
	TerminalDevice             // terminal -> register (ZVT results, ACKs)
	numWires
)

// String names the wire.
func (w Wire) String() string {
	return [...]string{"printer-host", "printer-device", "terminal-host", "terminal-device"}[w]
}

// PrinterState is what the printer reports with Automatic Status Back.
type PrinterState struct {
	PaperEnd     bool
	CoverOpen    bool
	PaperNearEnd bool
}

// Action is one thing that happens at the lane At a time from the start of
// the shift. Exactly one of Print, Sale, Refund, Void, EndOfDay, Link,
// Printer and EnableStatus is set.
type Action struct {
	At           time.Duration
	Note         string // a human line the demo prints when it happens
	Print        *Receipt
	Sale         *CardSale
	Refund       *CardRefund
	Void         *CardVoid
	EndOfDay     *EndOfDay
	Link         *LinkChange
	Printer      *PrinterState
	EnableStatus bool // the register enables Automatic Status Back (GS a)
}

// LinkChange is a device's link going down or coming back (a USB adapter
// unplugged, a cable pulled): no bytes, a link event in a capture.
type LinkChange struct {
	Device string // "printer" or "terminal"
	Up     bool
	Reason string
}

// Write is bytes to put on a wire at a time from the start of the shift,
// or, when Link is set, the link of the wire's device going "up" or
// "down" (no bytes).
type Write struct {
	At     time.Duration
	Wire   Wire
	Data   []byte
	Note   string
	Link   string
	Reason string
}

// Compile turns a shift into timed writes, ordered by time.
func Compile(shift []Action) ([]Write, error) {
	var ws []Write
	for i, a := range shift {
		var (
			part []Write
			err  error
		)
		switch {
		case a.Print != nil:
			var b []byte
			b, err = a.Print.ESCPOS()
			part = []Write{{At: a.At, Wire: PrinterHost, Data: b}}
			switch a.Print.AskStatus {
			case "", "unanswered":
			case "answered": // paper present, 20ms after the request went over the line
				part = append(part, Write{At: a.At + lineTime(len(b)) + 20*time.Millisecond, Wire: PrinterDevice, Data: []byte{0x00}})
			default:
				err = fmt.Errorf("ask_status %q: want answered or unanswered", a.Print.AskStatus)
			}
		case a.Sale != nil:
			part, err = a.Sale.conversation(a.At)
		case a.Refund != nil:
			part = a.Refund.conversation(a.At)
		case a.Void != nil:
			part = a.Void.conversation(a.At)
		case a.EndOfDay != nil:
			part = a.EndOfDay.conversation(a.At)
		case a.Link != nil:
			part, err = a.Link.write(a.At)
		case a.Printer != nil:
			part = []Write{{At: a.At, Wire: PrinterDevice, Data: asb(*a.Printer)}}
		case a.EnableStatus:
			part = []Write{
				{At: a.At, Wire: PrinterHost, Data: []byte{0x1D, 0x61, 0xFF}},
				{At: a.At + 30*time.Millisecond, Wire: PrinterDevice, Data: asb(PrinterState{})},
			}
		default:
			err = fmt.Errorf("empty action")
		}
		if err != nil {
			return nil, fmt.Errorf("sim: action %d (%s): %w", i, a.Note, err)
		}
		if len(part) > 0 {
			part[0].Note = a.Note
		}
		ws = append(ws, part...)
	}
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].At < ws[j].At })
	return ws, nil
}

// asb encodes a 4-byte Automatic Status Back message (ESCPOS.md section 2).
func asb(s PrinterState) []byte {
	b := []byte{0x10, 0x00, 0x00, 0x00}
	if s.PaperEnd {
		b[0] |= 0x08 // offline
		b[2] |= 0x0C
	}
	if s.CoverOpen {
		b[0] |= 0x08 | 0x20
	}
	if s.PaperNearEnd {
		b[2] |= 0x03
	}
	return b
}
