package slip

import (
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// ProfilePrefix starts the Profile of a receipt that is a card slip
// ("slip:unionpay").
const ProfilePrefix = "slip:"

// IsSlip reports whether a receipt was recognised as a card slip.
func IsSlip(r *drivers.Receipt) bool { return strings.HasPrefix(r.Profile, ProfilePrefix) }

// Dedupe windows: two slips of one transaction (merchant and customer
// copy) print within seconds. With an identifier (trace, reference, auth
// code) a repeat is recognised for a day; without one, only for
// anonWindow, so two genuine equal sales minutes apart both count.
const (
	idWindow   = 24 * time.Hour
	anonWindow = 2 * time.Minute
	maxSeen    = 256
)

// seenKey is a transaction already turned into a payment.
type seenKey struct {
	key     string
	expires time.Time
}

// Decoder wraps a printer's decoder: every receipt that is a card slip
// gets a ProfilePrefix profile and loses its tenders, due and change (a
// slip is no register receipt, so it never matches a payment), and the
// first copy of each approved or declined transaction adds a
// drivers.Payment right after it. It implements drivers.Decoder and is not
// safe for concurrent use.
type Decoder struct {
	inner drivers.Decoder
	prof  *Profile
	seen  []seenKey
	last  time.Time
}

var _ drivers.Decoder = (*Decoder)(nil)

// TakeDamage passes on the damage the inner decoder reported, if it
// reports any (drivers.DamageSource).
func (d *Decoder) TakeDamage() []drivers.Event {
	if ds, ok := d.inner.(drivers.DamageSource); ok {
		return ds.TakeDamage()
	}
	return nil
}

// Damaged passes on the inner decoder's count of damaged frames (0 when it
// does not count them).
func (d *Decoder) Damaged() int64 {
	if ds, ok := d.inner.(drivers.DamageSource); ok {
		return ds.Damaged()
	}
	return 0
}

// NewDecoder wraps inner with the slip profile prof.
func NewDecoder(inner drivers.Decoder, prof *Profile) *Decoder {
	return &Decoder{inner: inner, prof: prof}
}

// Feed implements drivers.Decoder.
func (d *Decoder) Feed(c drivers.Chunk) []drivers.Event {
	if c.Time.After(d.last) {
		d.last = c.Time
	}
	return d.scan(d.inner.Feed(c))
}

// Flush implements drivers.Decoder.
func (d *Decoder) Flush(now time.Time) []drivers.Event { return d.scan(d.inner.Flush(now)) }

// FlushAll closes everything at end of input: the inner decoder's FlushAll
// when it has one, else its Flush at the last chunk's time.
func (d *Decoder) FlushAll() []drivers.Event {
	if fa, ok := d.inner.(interface{ FlushAll() []drivers.Event }); ok {
		return d.scan(fa.FlushAll())
	}
	return d.scan(d.inner.Flush(d.last))
}

// scan passes events through and adds the payments of slips.
func (d *Decoder) scan(evs []drivers.Event) []drivers.Event {
	var out []drivers.Event
	for _, ev := range evs {
		out = append(out, ev)
		r, ok := ev.(*drivers.Receipt)
		if !ok || r == nil {
			continue
		}
		texts := make([]string, len(r.Lines))
		for i, l := range r.Lines {
			texts[i] = l.Text
		}
		s, err := d.prof.Read(texts)
		if err != nil {
			continue
		}
		Mark(r, s)
		if p := s.Payment(r.Time); p != nil && !d.repeat(s, r.Time) {
			out = append(out, p)
		}
	}
	return out
}

// Mark stamps a receipt as the slip s: profile "slip:NAME", the slip's
// number and amount, no tenders, due or change (a slip is evidence of a
// payment, never a register receipt that pays for one).
func Mark(r *drivers.Receipt, s *Slip) {
	r.Profile = ProfilePrefix + s.Profile
	r.Tenders, r.Due, r.Change = nil, nil, nil
	r.Number = firstOf(s.ReceiptNo, s.Trace)
	r.Total = nil
	if s.HasAmount {
		n := s.Amount
		r.Total = &n
	}
	if s.Currency != "" {
		r.Currency = s.Currency
	}
	r.Reprint = r.Reprint || s.Reprint
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// repeat reports whether s is a copy of a transaction already paid, and
// remembers it otherwise.
func (d *Decoder) repeat(s *Slip, t time.Time) bool {
	ids := s.Trace + "|" + s.Reference + "|" + s.AuthCode
	window := idWindow
	if ids == "||" {
		window = anonWindow
	}
	key := strings.Join([]string{string(s.Type), s.TerminalID, ids, s.Card, s.Currency}, "|") + "|" + itoa(s.Amount)
	kept := d.seen[:0]
	found := false
	for _, k := range d.seen {
		if t.After(k.expires) {
			continue
		}
		found = found || k.key == key
		kept = append(kept, k)
	}
	d.seen = kept
	if found {
		return true
	}
	if len(d.seen) >= maxSeen {
		d.seen = d.seen[1:]
	}
	d.seen = append(d.seen, seenKey{key: key, expires: t.Add(window)})
	return false
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Settled implements drivers.Settler: the inner decoder's answer (false
// for one that cannot tell). The slip memory of recent payments is
// long-lived and does not count.
func (d *Decoder) Settled() bool {
	s, ok := d.inner.(drivers.Settler)
	return ok && s.Settled()
}
