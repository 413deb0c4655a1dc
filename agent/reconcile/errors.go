package reconcile

import (
	"fmt"
	"strings"
)

// RowError is one bad statement row: its line and the column (1-based,
// in characters) of the bad field, the field (amount, date, ...; "csv"
// for a row the CSV reader could not split) and the cause.
type RowError struct {
	Line, Column int
	Field        string
	Err          error
}

func (e *RowError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s: %v", e.Line, e.Column, e.Field, e.Err)
}

// Unwrap gives ErrStatement and the cause.
func (e *RowError) Unwrap() []error { return []error{ErrStatement, e.Err} }

// BadRows is ReadStatement's error when rows could not be read; it comes
// with the rows that could.
type BadRows []*RowError

func (b BadRows) Error() string {
	if len(b) == 1 {
		return "reconcile: statement " + b[0].Error()
	}
	lines := make([]string, len(b))
	for i, r := range b {
		lines[i] = r.Error()
	}
	return fmt.Sprintf("reconcile: %d bad statement rows: %s", len(b), strings.Join(lines, "; "))
}

// Unwrap gives each row's error.
func (b BadRows) Unwrap() []error {
	errs := make([]error, len(b))
	for i, r := range b {
		errs[i] = r
	}
	return errs
}

// fieldError is row's error: which field and why.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return e.field + ": " + e.err.Error() }

func badField(field, format string, args ...any) error {
	return &fieldError{field: field, err: fmt.Errorf(format, args...)}
}
