// Package settings holds the settings that several layers share and that
// must have one type, one default and one check: Detect, the detect
// section of a config, which the detector, the printer decoder (cut and
// status timeouts) and capture headers all read. It sits under drivers
// because every layer may import drivers: agent/detect imports only the
// standard library and drivers, capture and configs no agent package.
package settings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Detect are a lane's detection settings: the `detect` section of a
// config (configs.Detect and detect.Settings are this type) and of a
// capture header, so replay decides with the windows the capturing agent
// used. They have one default (Default), one check (Check) and one text
// form for each setting (Set, JSON).
//
// CutTimeout and StatusTimeout are the printer decoder's (a job never cut,
// a status request never answered); the rest are the engine's.
type Detect struct {
	// MatchWindow is how far apart, in either order, an approved sale and
	// its receipt may be. [120s]
	MatchWindow time.Duration `yaml:"match_window"`
	// ReceiptWait is how long after approval a sale may wait for its
	// receipt before payment_without_receipt. [90s]
	ReceiptWait time.Duration `yaml:"receipt_wait"`
	// CutTimeout is how long a print job may stay uncut. [20s]
	CutTimeout time.Duration `yaml:"cut_timeout"`
	// StatusTimeout is how long a printer status request may go
	// unanswered. [3s]
	StatusTimeout time.Duration `yaml:"status_timeout"`
	// DuplicateWindow is how far apart two approved sales with the same
	// card and amount may be to count as one charge made twice. [10m]
	DuplicateWindow time.Duration `yaml:"duplicate_window"`
	// ClockSkew is how far the times of two devices' events may be off
	// from each other (captures from two machines merged, a link that
	// delivers late): the match window is widened by it, a payment waits
	// for its receipt that much longer, and settlement periods end that
	// much after the settlement. Zero means none. [2s]
	ClockSkew time.Duration `yaml:"clock_skew"`
	// SettlementWindow is how far back a terminal's end-of-day totals are
	// reconciled against the approved payments seen: at most this long
	// before a settlement, and since the terminal's previous settlement.
	// A restart replays this much of the journal. [48h]
	SettlementWindow time.Duration `yaml:"settlement_window"`
	// AmountTolerance is the largest difference, in minor units, that
	// still counts as equal. [0]
	AmountTolerance int64 `yaml:"amount_tolerance"`
	// Settles lists the tender kinds the lane's terminal settles. [card]
	Settles []drivers.TenderKind `yaml:"settles"`
}

// Default returns the defaults of ARCHITECTURE.md.
func Default() Detect {
	return Detect{
		MatchWindow:      120 * time.Second,
		ReceiptWait:      90 * time.Second,
		CutTimeout:       20 * time.Second,
		StatusTimeout:    3 * time.Second,
		DuplicateWindow:  10 * time.Minute,
		ClockSkew:        2 * time.Second,
		SettlementWindow: 48 * time.Hour,
		Settles:          []drivers.TenderKind{drivers.TenderCard},
	}
}

// TenderKinds are the tender kinds Settles may list.
var TenderKinds = []drivers.TenderKind{drivers.TenderCard, drivers.TenderCash, drivers.TenderWallet, drivers.TenderVoucher, drivers.TenderOther}

// durations are the duration settings by name, in their text order.
func (s *Detect) durations() []struct {
	name string
	v    *time.Duration
} {
	return []struct {
		name string
		v    *time.Duration
	}{
		{"match_window", &s.MatchWindow}, {"receipt_wait", &s.ReceiptWait}, {"cut_timeout", &s.CutTimeout},
		{"status_timeout", &s.StatusTimeout}, {"duplicate_window", &s.DuplicateWindow},
		{"clock_skew", &s.ClockSkew}, {"settlement_window", &s.SettlementWindow},
	}
}

// SettingError is a setting that is out of range; Field is its name in
// the detect section ("match_window", "settles[1]").
type SettingError struct {
	Field string
	Msg   string
	// Value and Allowed are set when Value is not one of Allowed (so the
	// caller can suggest the nearest).
	Value   string
	Allowed []string
}

func (e *SettingError) Error() string { return "detect." + e.Field + ": " + e.Msg }

// Check returns every setting out of range: windows must be positive, the
// clock skew and the tolerance not negative, Settles at least one known
// tender kind, each once.
func (s Detect) Check() []*SettingError {
	var errs []*SettingError
	for _, d := range s.durations() {
		switch {
		case d.name == "clock_skew" && *d.v < 0:
			errs = append(errs, &SettingError{Field: d.name, Msg: fmt.Sprintf("must be >= 0, got %s", *d.v)})
		case d.name != "clock_skew" && *d.v <= 0:
			errs = append(errs, &SettingError{Field: d.name, Msg: fmt.Sprintf("must be a positive duration, got %s", *d.v)})
		}
	}
	if s.AmountTolerance < 0 {
		errs = append(errs, &SettingError{Field: "amount_tolerance", Msg: fmt.Sprintf("must be >= 0 (minor units), got %d", s.AmountTolerance)})
	}
	if len(s.Settles) == 0 {
		errs = append(errs, &SettingError{Field: "settles", Msg: "required: at least one tender kind (" + strings.Join(kindNames(), ", ") + ")"})
	}
	for i, k := range s.Settles {
		field := fmt.Sprintf("settles[%d]", i)
		if !slices.Contains(TenderKinds, k) {
			errs = append(errs, &SettingError{Field: field, Msg: fmt.Sprintf("%q is not one of %s", k, strings.Join(kindNames(), ", ")),
				Value: string(k), Allowed: kindNames()})
		} else if j := slices.Index(s.Settles, k); j < i {
			errs = append(errs, &SettingError{Field: field, Msg: fmt.Sprintf("%q is listed twice", k)})
		}
	}
	return errs
}

func kindNames() []string {
	var names []string
	for _, k := range TenderKinds {
		names = append(names, string(k))
	}
	return names
}

// Set sets the setting called name from its text form: a Go duration for
// the windows ("120s", "2m"), an integer for amount_tolerance, a comma
// list for settles. Negative durations are refused.
func (s *Detect) Set(name, text string) error {
	for _, d := range s.durations() {
		if d.name != name {
			continue
		}
		v, err := time.ParseDuration(text)
		if err != nil || v < 0 {
			return fmt.Errorf("detect.%s: bad duration %q", name, text)
		}
		*d.v = v
		return nil
	}
	switch name {
	case "amount_tolerance":
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("detect.amount_tolerance: %q is not a whole number of minor units >= 0", text)
		}
		s.AmountTolerance = n
		return nil
	case "settles":
		s.Settles = nil
		for k := range strings.SplitSeq(text, ",") {
			s.Settles = append(s.Settles, drivers.TenderKind(strings.TrimSpace(k)))
		}
		return nil
	}
	return fmt.Errorf("detect.%s: no such setting", name)
}

// MarshalJSON writes the settings with durations as text, every duration
// always (so a zero clock skew is not read back as the default), the
// tolerance and settles only when set:
//
//	{"match_window":"2m0s","receipt_wait":"1m30s",...,"settles":["card"]}
func (s Detect) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, d := range s.durations() {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%q", d.name, d.v.String())
	}
	if s.AmountTolerance != 0 {
		fmt.Fprintf(&b, `,"amount_tolerance":%d`, s.AmountTolerance)
	}
	if len(s.Settles) > 0 {
		settles, err := json.Marshal(s.Settles)
		if err != nil {
			return nil, fmt.Errorf("settings: detect.settles: %w", err)
		}
		b.WriteString(`,"settles":`)
		b.Write(settles)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads the JSON form over the defaults: a setting that is
// absent keeps its default (older captures name fewer), an unknown one is
// ignored (a newer agent's).
func (s *Detect) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("settings: detect: %w", err)
	}
	out := Default()
	for _, d := range out.durations() {
		v, ok := raw[d.name]
		if !ok {
			continue
		}
		var text string
		if err := json.Unmarshal(v, &text); err != nil {
			return fmt.Errorf("detect.%s: not a duration string: %s", d.name, v)
		}
		if text == "" {
			continue // an empty string was how older writers left it out
		}
		if err := out.Set(d.name, text); err != nil {
			return err
		}
	}
	if v, ok := raw["amount_tolerance"]; ok {
		if err := json.Unmarshal(v, &out.AmountTolerance); err != nil || out.AmountTolerance < 0 {
			return fmt.Errorf("detect.amount_tolerance: not a whole number of minor units >= 0: %s", v)
		}
	}
	if v, ok := raw["settles"]; ok {
		var settles []drivers.TenderKind
		if err := json.Unmarshal(v, &settles); err != nil {
			return fmt.Errorf("detect.settles: %w", err)
		}
		if len(settles) > 0 {
			out.Settles = settles
		}
	}
	*s = out
	return nil
}
