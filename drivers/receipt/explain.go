package receipt

import (
	"strings"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/money"
)

// String names a field as Finding.Field does.
func (f field) String(kind drivers.TenderKind) string {
	switch f {
	case fNumber:
		return "number"
	case fTotal:
		return "total"
	case fSubtotal:
		return "subtotal"
	case fReduction:
		return "reduction"
	case fTax:
		return "tax"
	case fDue:
		return "due"
	case fTendered:
		return "tendered"
	case fChange:
		return "change"
	case fTender:
		return "tender:" + string(kind)
	case fReprint:
		return "reprint"
	case fNotReprint:
		return "not-reprint"
	case fCashier:
		return "cashier"
	}
	return "?"
}

// Finding is one label the profile found on a receipt line.
type Finding struct {
	Line  int    `json:"line"`  // 1-based line number in the receipt
	Text  string `json:"text"`  // the whole line
	Field string `json:"field"` // number, total, subtotal, reduction, tax, due, tendered, change, tender:KIND, reprint, not-reprint
	Label string `json:"label"` // the label as written in the profile
	// Value is what the label read: an amount ("68.00"), a receipt number,
	// or "" when the line held no value for it (the field stays unset).
	Value string `json:"value"`
	// Used says the value went into the receipt (a later line may replace
	// a total; only the first number counts).
	Used bool `json:"used"`
}

// Explanation is what a profile made of a receipt, line by line: a
// technician fitting a new POS reads it to see which label matched where
// and which amounts no label claimed.
type Explanation struct {
	Findings []Finding `json:"findings"`
	// Unclaimed lists lines holding a money amount and no label (item
	// lines, or a label the profile lacks), as 1-based line numbers.
	Unclaimed []int `json:"unclaimed"`
}

// Explain runs Extract on r and reports every label found.
func (p *Profile) Explain(r *drivers.Receipt) Explanation {
	ms := p.matchers
	if ms == nil {
		ms = p.compile()
	}
	var ex Explanation
	p.Extract(r)
	scratch := &drivers.Receipt{}
	for i, l := range r.Lines {
		found := false
		p.extractLine(ms, scratch, l.Text, nil, func(h hit, f, v string) {
			found = true
			ex.Findings = append(ex.Findings, Finding{Line: i + 1, Text: l.Text, Field: f, Label: h.m.text, Value: v})
		})
		if !found {
			if _, ok := money.Last(asciiUpper(l.Text), p.amounts()); ok {
				ex.Unclaimed = append(ex.Unclaimed, i+1)
			}
		}
	}
	ex.markUsed(r)
	return ex
}

// markUsed flags the findings whose values the receipt kept: the first
// number, the last total, due and change, every tender.
func (ex *Explanation) markUsed(r *drivers.Receipt) {
	last := map[string]int{}
	for i, f := range ex.Findings {
		if f.Value == "" {
			if f.Field == "reprint" && r.Reprint {
				ex.Findings[i].Used = true
			}
			continue
		}
		switch {
		case f.Field == "number":
			if _, seen := last["number"]; !seen && f.Value == r.Number {
				last["number"] = i
			}
		case f.Field == "total" || f.Field == "due" || f.Field == "change":
			last[f.Field] = i
		case strings.HasPrefix(f.Field, "tender:"):
			ex.Findings[i].Used = true
		}
	}
	for _, i := range last {
		ex.Findings[i].Used = true
	}
}
