package notify

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/drivers"
)

// Message is what one request to a service carries: a single alert or a
// digest of several.
type Message struct {
	// Title is one line: the alert's title, or the digest's head.
	Title string
	// Text is the body as plain text lines (masked, within the channel's
	// MaxText bytes).
	Text string
	// Alerts are the alerts it carries (ids in IDs, same order).
	Alerts []detect.Alert
	// IDs are the alert ids it delivers.
	IDs []string
	// Severity is the highest severity of a raised alert in it
	// (detect.Info when every alert is resolved).
	Severity detect.Severity
}

// Resolved reports whether every alert in m is resolved.
func (m *Message) Resolved() bool {
	for _, a := range m.Alerts {
		if a.State != detect.Resolved {
			return false
		}
	}
	return len(m.Alerts) > 0
}

// composer writes messages in one language and zone.
type composer struct {
	lang words.Lang
	loc  *time.Location
}

// single is one alert as a message.
func (c composer) single(al detect.Alert) Message {
	title := words.Title(al.Kind, al.State, c.lang)
	body := al.Summary
	if body == "" {
		body = words.Summary(&al, c.lang, c.loc)
	}
	text := body + "\n" + al.Site + "/" + al.Lane + " · " + words.Badge(&al, c.lang) + " · id " + al.ID
	return c.finish(Message{Title: title, Text: text, Alerts: []detect.Alert{al}, IDs: []string{al.ID}})
}

// digestLine is one alert in a digest.
func (c composer) digestLine(al detect.Alert) string {
	return "• " + words.Clock(al.Time, c.loc) + " " + words.Title(al.Kind, al.State, c.lang) + " " + note(al, c.lang) + "[" + al.ID + "]"
}

// note is the amount an alert is about, or "".
func note(al detect.Alert, lang words.Lang) string {
	switch {
	case al.Payment != nil && al.Payment.Amount != 0:
		cur := al.Payment.Currency
		if cur == "" {
			cur = al.Currency
		}
		return words.Money(al.Payment.Amount, cur, lang) + " "
	case al.Receipt != nil && al.Receipt.CardTender != nil:
		return words.Money(*al.Receipt.CardTender, al.Currency, lang) + " "
	case al.Delta != nil:
		return words.Money(*al.Delta, al.Currency, lang) + " "
	}
	return ""
}

// compose makes the next message from pending alerts (oldest first):
// one alert alone, or a digest of as many as fit in maxText bytes. It
// returns the message; the alerts it leaves out stay pending.
func (c composer) compose(pending []detect.Alert, maxText int) Message {
	if len(pending) == 1 {
		m := c.single(pending[0])
		if len(m.Text) <= maxText {
			return m
		}
	}
	var lanes []string
	for _, a := range pending {
		if l := a.Site + "/" + a.Lane; !contains(lanes, l) {
			lanes = append(lanes, l)
		}
	}
	m := Message{}
	var b strings.Builder
	for _, a := range pending {
		line := c.digestLine(a)
		if len(line) > maxText {
			line = truncate(line, maxText-len(a.ID)-4) + " [" + a.ID + "]"
		}
		if b.Len()+len(line)+1 > maxText && len(m.IDs) > 0 {
			break
		}
		b.WriteString(line)
		b.WriteByte('\n')
		m.Alerts = append(m.Alerts, a)
		m.IDs = append(m.IDs, a.ID)
	}
	head := strings.NewReplacer("{n}", strconv.Itoa(len(m.IDs)), "{lane}", strings.Join(lanes, ", "),
		"{time}", words.Clock(m.Alerts[0].Time, c.loc)).Replace(words.Label(words.LDigest, c.lang))
	m.Title = head
	m.Text = strings.TrimRight(b.String(), "\n")
	return c.finish(m)
}

// finish masks card numbers and sets the severity.
func (c composer) finish(m Message) Message {
	m.Title, m.Text = mask(m.Title), mask(m.Text)
	m.Severity = detect.Info
	for _, a := range m.Alerts {
		if a.State == detect.Raised && rank(a.Severity) > rank(m.Severity) {
			m.Severity = a.Severity
		}
	}
	return m
}

// mask hides every card number in s (first 6 / last 4 kept).
func mask(s string) string {
	b := []byte(s)
	drivers.MaskTextPANsStrict(b)
	return string(b)
}

func rank(s detect.Severity) int {
	switch s {
	case detect.Critical:
		return 3
	case detect.Warning:
		return 2
	case detect.Info:
		return 1
	}
	return 0
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 3 {
		return ""
	}
	s = s[:n-3]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "..."
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
