package drivers

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// appendReceiptJSON appends what json.Marshal(r) gives, without
// reflection: a receipt is most of the events whose encoding event ids
// hash (a tenth of a replay went to encoding/json). ok is false for what it
// leaves to encoding/json: a recognised receipt (floats), a line with a
// confidence, a time json.Marshal refuses. FuzzReceiptJSON and
// TestMarshalEnvelope compare the two byte for byte.
func appendReceiptJSON(b []byte, r *Receipt) ([]byte, bool) {
	if r.Recognised != nil {
		return nil, false
	}
	b = append(b, `{"time":`...)
	b, ok := appendTime(b, r.Time)
	if !ok {
		return nil, false
	}
	if r.Device != "" {
		b = append(b, `,"device":`...)
		b = appendJSONString(b, r.Device)
	}
	b = append(b, `,"start":`...)
	if b, ok = appendTime(b, r.Start); !ok {
		return nil, false
	}
	b = append(b, `,"lines":`...)
	if r.Lines == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Lines {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendLineJSON(b, &r.Lines[i]); !ok {
				return nil, false
			}
		}
		b = append(b, ']')
	}
	b = appendBool(b, `,"cut":`, r.Cut)
	b = appendTrue(b, `,"drawer_kick":true`, r.DrawerKick)
	b = appendTrue(b, `,"graphics_only":true`, r.GraphicsOnly)
	b = append(b, `,"ended":`...)
	b = appendJSONString(b, r.Ended)
	b = appendTrue(b, `,"unconfirmed":true`, r.Unconfirmed)
	b = appendTrue(b, `,"unanswered":true`, r.Unanswered)
	b = appendNonEmpty(b, `,"profile":`, r.Profile)
	b = appendNonEmpty(b, `,"number":`, r.Number)
	b = appendIntPtr(b, `,"total":`, r.Total)
	b = appendIntPtr(b, `,"due":`, r.Due)
	if len(r.Tenders) > 0 {
		b = append(b, `,"tenders":[`...)
		for i, t := range r.Tenders {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"kind":`...)
			b = appendJSONString(b, string(t.Kind))
			b = append(b, `,"label":`...)
			b = appendJSONString(b, t.Label)
			b = append(b, `,"amount":`...)
			b = strconv.AppendInt(b, t.Amount, 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = appendIntPtr(b, `,"change":`, r.Change)
	b = appendNonEmpty(b, `,"currency":`, r.Currency)
	b = appendTrue(b, `,"reprint":true`, r.Reprint)
	b = appendNonEmpty(b, `,"cashier":`, r.Cashier)
	if r.Unknown != 0 {
		b = append(b, `,"unknown":`...)
		b = strconv.AppendInt(b, int64(r.Unknown), 10)
	}
	return append(b, '}'), true
}

func appendLineJSON(b []byte, l *Line) ([]byte, bool) {
	if l.Confidence != 0 {
		return nil, false
	}
	b = append(b, `{"text":`...)
	b = appendJSONString(b, l.Text)
	b = appendTrue(b, `,"bold":true`, l.Bold)
	b = appendTrue(b, `,"double_height":true`, l.DoubleHeight)
	b = appendTrue(b, `,"double_width":true`, l.DoubleWidth)
	b = appendTrue(b, `,"underline":true`, l.Underline)
	b = appendTrue(b, `,"inverse":true`, l.Inverse)
	b = appendNonEmpty(b, `,"align":`, l.Align)
	b = appendNonEmpty(b, `,"source":`, l.Source)
	return append(b, '}'), true
}

// appendTime is time.Time's MarshalJSON (which json.Marshal calls); ok is
// false for the years it refuses.
// MarshalJSON is AppendText's bytes quoted, without the allocation.
func appendTime(b []byte, t time.Time) ([]byte, bool) {
	b, err := t.AppendText(append(b, '"'))
	if err != nil {
		return nil, false
	}
	return append(b, '"'), true
}

func appendBool(b []byte, key string, v bool) []byte {
	b = append(b, key...)
	return strconv.AppendBool(b, v)
}

func appendTrue(b []byte, field string, v bool) []byte {
	if v {
		b = append(b, field...)
	}
	return b
}

func appendNonEmpty(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, key...)
	return appendJSONString(b, s)
}

func appendIntPtr(b []byte, key string, v *int64) []byte {
	if v == nil {
		return b
	}
	b = append(b, key...)
	return strconv.AppendInt(b, *v, 10)
}

const hexDigits = "0123456789abcdef"

// jsonPlain marks the bytes appendJSONString copies as they are: ASCII
// from space up, except " \\ < > & (a table: event ids marshal every
// receipt line, and six comparisons a byte were 3% of a replay).
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString is encoding/json's string encoding with its default
// HTML escaping: <, > and & as \u003c..., control bytes escaped, invalid
// UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		for i < len(s) && jsonPlain[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		if c := s[i]; c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendPaymentJSON appends what json.Marshal(p) gives (see
// appendReceiptJSON); ok is false for a time json.Marshal refuses.
func appendPaymentJSON(b []byte, p *Payment) ([]byte, bool) {
	b = append(b, `{"time":`...)
	b, ok := appendTime(b, p.Time)
	if !ok {
		return nil, false
	}
	b = appendNonEmpty(b, `,"device":`, p.Device)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, string(p.Type))
	b = append(b, `,"result":`...)
	b = appendJSONString(b, string(p.Result))
	b = append(b, `,"result_code":`...)
	b = strconv.AppendInt(b, int64(p.ResultCode), 10)
	b = append(b, `,"amount":`...)
	b = strconv.AppendInt(b, p.Amount, 10)
	if p.Requested != 0 {
		b = append(b, `,"requested":`...)
		b = strconv.AppendInt(b, p.Requested, 10)
	}
	b = appendNonEmpty(b, `,"currency":`, p.Currency)
	b = appendNonEmpty(b, `,"auth_code":`, p.AuthCode)
	b = appendNonEmpty(b, `,"trace":`, p.Trace)
	b = appendNonEmpty(b, `,"receipt_no":`, p.ReceiptNo)
	b = appendNonEmpty(b, `,"reference":`, p.Reference)
	b = appendNonEmpty(b, `,"terminal_id":`, p.TerminalID)
	b = appendNonEmpty(b, `,"card":`, p.Card)
	b = appendNonEmpty(b, `,"card_name":`, p.CardName)
	b = appendNonEmpty(b, `,"original_trace":`, p.OriginalTrace)
	b = appendNonEmpty(b, `,"original_receipt":`, p.OriginalReceipt)
	b = appendNonEmpty(b, `,"text":`, p.Text)
	return append(b, '}'), true
}
