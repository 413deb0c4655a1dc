package receipt

import (
	"strconv"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestExtractUnsure: fields whose label line was read without confidence
// stay unset, and the due is then never taken from the total.
func TestExtractUnsure(t *testing.T) {
	p, err := Builtin("generic")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		lines  []string
		unsure int // index of the unsure line, -1 none
		total  string
		due    string
		tender int
	}{
		{"all sure", []string{"TOTAL 10.00", "CARD 10.00"}, -1, "1000", "1000", 1},
		{"unsure total line", []string{"TOTAL 1O.00", "AMOUNT DUE 9.00", "CARD 9.00"}, 0, "-", "900", 1},
		{"due label misread: no due from the total", []string{"TOTAL 10.00", "AMOUN TUUE 9.00", "CARD 9.00"}, 1, "1000", "-", 1},
		{"unsure tender line drops tenders", []string{"TOTAL 10.00", "CARD 1�.00"}, 1, "1000", "-", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &drivers.Receipt{}
			for _, l := range tc.lines {
				r.Lines = append(r.Lines, drivers.Line{Text: l})
			}
			p.ExtractUnsure(r, func(i int) bool { return i == tc.unsure })
			show := func(v *int64) string {
				if v == nil {
					return "-"
				}
				return strconv.FormatInt(*v, 10)
			}
			if show(r.Total) != tc.total || show(r.Due) != tc.due || len(r.Tenders) != tc.tender {
				t.Fatalf("total %s due %s tenders %d, want %s %s %d", show(r.Total), show(r.Due), len(r.Tenders), tc.total, tc.due, tc.tender)
			}
		})
	}
}
