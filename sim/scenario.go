package sim

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tillwatch/tillwatch/drivers/receipt"
)

// Scenario is a readable lane story (YAML) with the alerts a person
// expects from it. Compile turns it into a shift; Capture into the capture
// file an agent would have recorded on the lane.
//
//	name: duplicate_charge_reswipe
//	about: the register times out, the cashier swipes again, one receipt
//	expect: [duplicate_charge raised]
//	steps:
//	  - {at: 0s, status: ok}
//	  - {at: 1s, sale: {amount: "20.40", trace: "000470", receipt: "0470"}}
//	  - {at: 40s, sale: {amount: "20.40", trace: "000471", receipt: "0471"}}
//	  - {at: 43s, print: {number: "0042", items: ["COFFEE 20.40"], tenders: ["card 20.40"]}}
type Scenario struct {
	Name  string `yaml:"name"`
	About string `yaml:"about"`
	// Start is the wall-clock time of the shift's start [2026-11-22T10:00:00Z].
	Start time.Time `yaml:"start"`
	// Detect overrides the default detection settings (config keys).
	Detect map[string]string `yaml:"detect"`
	// Skew shifts every record of a device ("printer", "terminal"): the
	// device's events were timestamped by another clock.
	Skew map[string]Span `yaml:"skew"`
	// Expect lists "kind state" of every alert the story must raise, in
	// any order.
	Expect []string `yaml:"expect"`
	Steps  []Step   `yaml:"steps"`
}

// Step is one thing that happens: exactly one of its actions is set.
type Step struct {
	At           Span        `yaml:"at"`
	Note         string      `yaml:"note"`
	Status       string      `yaml:"status"` // ok | paper_end | cover_open | near_end
	EnableStatus bool        `yaml:"enable_status"`
	Sale         *SaleStep   `yaml:"sale"`
	Print        *PrintStep  `yaml:"print"`
	Refund       *RefundStep `yaml:"refund"`
	Void         *VoidStep   `yaml:"void"`
	EndOfDay     *EODStep    `yaml:"end_of_day"`
	Link         *LinkStep   `yaml:"link"`
}

// SaleStep is a card sale on the terminal.
type SaleStep struct {
	Amount   Money  `yaml:"amount"`   // requested
	Approved Money  `yaml:"approved"` // when not the requested amount
	Declined bool   `yaml:"declined"`
	Refused  bool   `yaml:"refused"` // the register refuses the approval; the terminal reverses it
	Trace    string `yaml:"trace"`
	Receipt  string `yaml:"receipt"`
	Auth     string `yaml:"auth"`
	Card     string `yaml:"card"` // masked with * or E [493702******0001]
}

// PrintStep is a receipt the register prints.
type PrintStep struct {
	Number   string   `yaml:"number"`
	Items    []string `yaml:"items"`   // "NAME 12.34"
	Tenders  []string `yaml:"tenders"` // "card 20.40", "cash -5.00"
	Discount Money    `yaml:"discount"`
	Chinese  bool     `yaml:"chinese"`
	NoCut    bool     `yaml:"no_cut"`
	Copy     bool     `yaml:"copy"`
	Refund   bool     `yaml:"refund"`
	Drawer   bool     `yaml:"drawer"`
}

// RefundStep is a refund to a card on the terminal.
type RefundStep struct {
	Amount  Money  `yaml:"amount"`
	Trace   string `yaml:"trace"`
	Receipt string `yaml:"receipt"`
	Card    string `yaml:"card"`
}

// VoidStep is a reversal on the terminal of the sale with receipt Original.
type VoidStep struct {
	Original string `yaml:"original"`
	Amount   Money  `yaml:"amount"`
	Trace    string `yaml:"trace"`
	Receipt  string `yaml:"receipt"`
	Card     string `yaml:"card"`
}

// EODStep is the terminal's end-of-day as it reports it.
type EODStep struct {
	Count int    `yaml:"count"`
	Total Money  `yaml:"total"`
	From  string `yaml:"from"`
	To    string `yaml:"to"`
	Trace string `yaml:"trace"`
}

// LinkStep is a device's link going down or up.
type LinkStep struct {
	Device string `yaml:"device"`
	State  string `yaml:"state"` // up | down
	Reason string `yaml:"reason"`
}

// Span is a time.Duration written as "1m30s" in YAML.
type Span time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Span) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("sim: line %d: duration %q: %w", n.Line, n.Value, err)
	}
	*d = Span(v)
	return nil
}

// Money is an amount in minor units written as "20.40" in YAML.
type Money int64

// UnmarshalYAML implements yaml.Unmarshaler.
func (m *Money) UnmarshalYAML(n *yaml.Node) error {
	v, ok := receipt.ParseAmount(n.Value)
	if !ok || !strings.Contains(n.Value, ".") {
		return fmt.Errorf("sim: line %d: amount %q: want digits with two decimals, e.g. \"20.40\"", n.Line, n.Value)
	}
	*m = Money(v)
	return nil
}

// Default card, terminal id and scenario start.
const (
	defaultCard     = "493702******0001"
	defaultTerminal = "52523535"
)

// DefaultStart is when a scenario without a start begins.
var DefaultStart = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// LoadScenario reads a scenario file; unknown keys are errors.
func LoadScenario(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var sc Scenario
	if err := dec.Decode(&sc); err != nil {
		return nil, fmt.Errorf("sim: %s: %w", path, err)
	}
	if sc.Start.IsZero() {
		sc.Start = DefaultStart
	}
	return &sc, nil
}

// wireCard is a masked card as a ZVT terminal sends it ('E' for hidden
// digits).
func wireCard(c string) string {
	if c == "" {
		c = defaultCard
	}
	return strings.ReplaceAll(c, "*", "E")
}

// Actions turns the steps into a shift.
func (sc *Scenario) Actions() ([]Action, error) {
	var out []Action
	for i, s := range sc.Steps {
		a := Action{At: time.Duration(s.At), Note: s.Note}
		n := 0
		if s.Status != "" {
			n++
			var ps PrinterState
			switch s.Status {
			case "ok":
			case "paper_end":
				ps.PaperEnd = true
			case "cover_open":
				ps.CoverOpen = true
			case "near_end":
				ps.PaperNearEnd = true
			default:
				return nil, fmt.Errorf("sim: %s step %d: status %q: want ok, paper_end, cover_open or near_end", sc.Name, i, s.Status)
			}
			a.Printer = &ps
		}
		if s.EnableStatus {
			n++
			a.EnableStatus = true
		}
		if v := s.Sale; v != nil {
			n++
			a.Sale = &CardSale{Requested: int64(v.Amount), Approved: int64(v.Approved), Declined: v.Declined, Refused: v.Refused,
				Trace: v.Trace, ReceiptNo: v.Receipt, AuthCode: v.Auth, PAN: wireCard(v.Card), Terminal: defaultTerminal}
		}
		if v := s.Print; v != nil {
			n++
			r, err := v.receipt()
			if err != nil {
				return nil, fmt.Errorf("sim: %s step %d: %w", sc.Name, i, err)
			}
			a.Print = r
		}
		if v := s.Refund; v != nil {
			n++
			a.Refund = &CardRefund{Amount: int64(v.Amount), Trace: v.Trace, ReceiptNo: v.Receipt, PAN: wireCard(v.Card), Terminal: defaultTerminal}
		}
		if v := s.Void; v != nil {
			n++
			a.Void = &CardVoid{Original: v.Original, Amount: int64(v.Amount), Trace: v.Trace, ReceiptNo: v.Receipt, PAN: wireCard(v.Card), Terminal: defaultTerminal}
		}
		if v := s.EndOfDay; v != nil {
			n++
			a.EndOfDay = &EndOfDay{Count: v.Count, Total: int64(v.Total), From: v.From, To: v.To, Trace: v.Trace, Terminal: defaultTerminal}
		}
		if v := s.Link; v != nil {
			n++
			if v.State != "up" && v.State != "down" {
				return nil, fmt.Errorf("sim: %s step %d: link state %q: want up or down", sc.Name, i, v.State)
			}
			a.Link = &LinkChange{Device: v.Device, Up: v.State == "up", Reason: v.Reason}
		}
		if n != 1 {
			return nil, fmt.Errorf("sim: %s step %d: %d actions, want exactly one", sc.Name, i, n)
		}
		out = append(out, a)
	}
	return out, nil
}

// receipt builds the register's receipt of a print step.
func (p *PrintStep) receipt() (*Receipt, error) {
	r := &Receipt{Number: p.Number, Chinese: p.Chinese, Discount: int64(p.Discount), NoCut: p.NoCut,
		Copy: p.Copy, Refund: p.Refund, Drawer: p.Drawer}
	for _, it := range p.Items {
		name, amt, err := splitAmount(it)
		if err != nil {
			return nil, fmt.Errorf("item %q: %w", it, err)
		}
		r.Items = append(r.Items, Item{Name: name, Amount: amt})
	}
	for _, t := range p.Tenders {
		kind, amt, err := splitAmount(t)
		if err != nil {
			return nil, fmt.Errorf("tender %q: %w", t, err)
		}
		if kind != "card" && kind != "cash" {
			return nil, fmt.Errorf("tender %q: kind must be card or cash", t)
		}
		r.Tenders = append(r.Tenders, Tender{Kind: kind, Amount: amt})
	}
	return r, nil
}

// splitAmount splits "NAME WITH SPACES 12.34" at its last space.
func splitAmount(s string) (string, int64, error) {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return "", 0, fmt.Errorf("want \"NAME 12.34\"")
	}
	v, ok := receipt.ParseAmount(s[i+1:])
	if !ok {
		return "", 0, fmt.Errorf("bad amount %q", s[i+1:])
	}
	return strings.TrimSpace(s[:i]), v, nil
}
