package sim

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers/money"
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
	// Terminal is the terminal's protocol: zvt (default) or transbank
	// (sales only).
	Terminal string `yaml:"terminal"`
	// Currency is the lane's ISO 4217 alpha code [EUR; CLP for
	// transbank]: amounts are written in its decimals ("20.40" EUR,
	// "8000" CLP) and receipts print them so.
	Currency string `yaml:"currency"`
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
	// AskStatus: the register asks "did it print?" after the cut (GS r
	// 1); answered | unanswered.
	AskStatus string `yaml:"ask_status"`
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

// Money is an amount as a scenario writes it, in the decimals of the
// scenario's currency: "20.40" (EUR), "8000" (CLP).
type Money string

// UnmarshalYAML implements yaml.Unmarshaler: a decimal number.
func (m *Money) UnmarshalYAML(n *yaml.Node) error {
	if _, err := money.Parse(n.Value, "CLF"); err != nil || n.Kind != yaml.ScalarNode { // CLF: 4 decimals
		return fmt.Errorf("sim: line %d: amount %q: want a decimal number, e.g. \"20.40\" (EUR) or \"8000\" (CLP)", n.Line, n.Value)
	}
	*m = Money(n.Value)
	return nil
}

// minor is the amount in minor units of cur; "" is 0.
func (m Money) minor(cur string) (int64, error) {
	if m == "" {
		return 0, nil
	}
	v, err := money.Parse(string(m), cur)
	if err != nil {
		return 0, fmt.Errorf("sim: %w", err)
	}
	return v, nil
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

// Lane returns the scenario's terminal protocol and currency, defaults
// filled in (zvt; EUR, or CLP for transbank).
func (sc *Scenario) Lane() (protocol, currency string, err error) {
	protocol = cmp.Or(sc.Terminal, "zvt")
	if protocol != "zvt" && protocol != "transbank" {
		return "", "", fmt.Errorf("sim: %s: terminal %q: want zvt or transbank", sc.Name, sc.Terminal)
	}
	currency = cmp.Or(sc.Currency, configs.DefaultCurrency(protocol))
	if !money.Known(currency) {
		return "", "", fmt.Errorf("sim: %s: currency %q is not an ISO 4217 alpha code", sc.Name, sc.Currency)
	}
	return protocol, currency, nil
}

// Actions turns the steps into a shift.
func (sc *Scenario) Actions() ([]Action, error) {
	protocol, cur, err := sc.Lane()
	if err != nil {
		return nil, err
	}
	var out []Action
	for i, s := range sc.Steps {
		a := Action{At: time.Duration(s.At), Note: s.Note}
		n := 0
		var bad error
		amount := func(m Money) int64 {
			v, err := m.minor(cur)
			if err != nil && bad == nil {
				bad = err
			}
			return v
		}
		if protocol == "transbank" && (s.Refund != nil || s.Void != nil || s.EndOfDay != nil) {
			return nil, fmt.Errorf("sim: %s step %d: a transbank lane simulates sales only", sc.Name, i)
		}
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
			a.Sale = &CardSale{Requested: amount(v.Amount), Approved: amount(v.Approved), Declined: v.Declined, Refused: v.Refused,
				Currency: money.Numeric(cur), Trace: v.Trace, ReceiptNo: v.Receipt, AuthCode: v.Auth, PAN: wireCard(v.Card), Terminal: defaultTerminal,
				Transbank: protocol == "transbank"}
		}
		if v := s.Print; v != nil {
			n++
			r, err := v.receipt(cur)
			if err != nil {
				return nil, fmt.Errorf("sim: %s step %d: %w", sc.Name, i, err)
			}
			a.Print = r
		}
		if v := s.Refund; v != nil {
			n++
			a.Refund = &CardRefund{Amount: amount(v.Amount), Trace: v.Trace, ReceiptNo: v.Receipt, PAN: wireCard(v.Card), Terminal: defaultTerminal}
		}
		if v := s.Void; v != nil {
			n++
			a.Void = &CardVoid{Original: v.Original, Amount: amount(v.Amount), Trace: v.Trace, ReceiptNo: v.Receipt, PAN: wireCard(v.Card), Terminal: defaultTerminal}
		}
		if v := s.EndOfDay; v != nil {
			n++
			a.EndOfDay = &EndOfDay{Count: v.Count, Total: amount(v.Total), From: v.From, To: v.To, Trace: v.Trace, Terminal: defaultTerminal}
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
		if bad != nil {
			return nil, fmt.Errorf("sim: %s step %d: %w", sc.Name, i, bad)
		}
		out = append(out, a)
	}
	return out, nil
}

// receipt builds the register's receipt of a print step, amounts in cur.
func (p *PrintStep) receipt(cur string) (*Receipt, error) {
	discount, err := p.Discount.minor(cur)
	if err != nil {
		return nil, err
	}
	r := &Receipt{Number: p.Number, Chinese: p.Chinese, Discount: discount, NoCut: p.NoCut,
		Copy: p.Copy, Refund: p.Refund, Drawer: p.Drawer, Currency: cur, AskStatus: p.AskStatus}
	for _, it := range p.Items {
		name, amt, err := splitAmount(it, cur)
		if err != nil {
			return nil, fmt.Errorf("item %q: %w", it, err)
		}
		r.Items = append(r.Items, Item{Name: name, Amount: amt})
	}
	for _, t := range p.Tenders {
		kind, amt, err := splitAmount(t, cur)
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

// splitAmount splits "NAME WITH SPACES 12.34" at its last space and reads
// the amount in cur.
func splitAmount(s, cur string) (string, int64, error) {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return "", 0, fmt.Errorf("want \"NAME 12.34\"")
	}
	v, err := money.Parse(s[i+1:], cur)
	if err != nil {
		return "", 0, err
	}
	return strings.TrimSpace(s[:i]), v, nil
}
