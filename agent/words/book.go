package words

import "github.com/tillwatch/tillwatch/agent/detect"

// book is one language's words. Summaries are templates whose {name}
// placeholders Summary fills from the alert (see facts).
type book struct {
	titles   map[string]string // by kind
	resolved string            // prefix of a resolved alert's title
	raised   map[string]string // summary templates by kind, raised
	cleared  map[string]string // summary templates by kind, resolved
	linkDown map[string]string // added to a lowered (warning) summary, by kind
	causes   causeWords
	labels   map[string]string // status page and channel labels, by key
	trace    string            // " (trace {v})"
	cashier  string            // " Cashier: {v}."
	receiptN string            // "receipt {v}"
	receipt0 string            // "the receipt"
	refund   string            // "card refund"
	void     string            // "card void"
	under    string
	over     string
	more     string
	less     string
	states   map[detect.State]string
	sevs     map[detect.Severity]string
	list     string // separator of a list of causes
	// doubt is added to an amount_mismatch that is not sure the receipt
	// and the payment are one checkout, by confidence.
	doubt map[detect.Confidence]string
}

// causeWords name printer states.
type causeWords struct {
	paperEnd, coverOpen, cutter, unrecoverable, autoRecoverable, err, noReply,
	offline, nearEnd, unknown, none, notCut, unconfirmed string
}

func bookOf(l Lang) *book {
	switch l {
	case ZH:
		return &zh
	case DE:
		return &de
	}
	return &en
}
