package glyphs_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers/glyphs"
	"github.com/tillwatch/tillwatch/internal/rastertest"
	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// text writes d in its file form.
func text(t *testing.T, d *glyphs.Dict) string {
	t.Helper()
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// learnSteps learns each step's receipts in turn into a new dictionary
// and returns it with the last step's report.
func learnSteps(steps ...[]glyphs.Sample) (*glyphs.Dict, glyphs.Report) {
	d := glyphs.New("go.glyphs")
	var rep glyphs.Report
	for _, s := range steps {
		rep = d.Learn(s)
	}
	return d, rep
}

// renamed is s under another file name (the same paper).
func renamed(s glyphs.Sample, name string) glyphs.Sample {
	s.Name = name
	return s
}

// typed is s with old typed as new in its text (a typing mistake).
func typed(s glyphs.Sample, name, old, new string) glyphs.Sample {
	s.Name = name
	s.Lines = append([]string(nil), s.Lines...)
	for i, l := range s.Lines {
		s.Lines[i] = strings.Replace(l, old, new, 1)
	}
	return s
}

// checkNotes fails for an unsure note that says a glyph was seen once
// while the dictionary counts it more often, or that names no receipt
// line.
func checkNotes(t *testing.T, d *glyphs.Dict) {
	t.Helper()
	for _, g := range d.Glyphs() {
		if strings.Contains(g.Unsure, "once only") && g.Seen != 1 {
			t.Errorf("%q seen %d: unsure %q", g.Text, g.Seen, g.Unsure)
		}
		if g.Unsure != "" && !strings.Contains(g.Unsure, " line ") && !strings.Contains(g.Unsure, "learned before") {
			t.Errorf("%q: unsure %q names no receipt line", g.Text, g.Unsure)
		}
	}
}

// TestLearnIdempotent: learning a receipt learned before (the same image
// and text, under any name) changes nothing, not the counts, bearings or
// spacing: the file is the same, byte for byte, and the report says the
// receipt was skipped. A receipt learned later is learned.
func TestLearnIdempotent(t *testing.T) {
	f := rastertest.GoFont(t)
	ss := rastertest.Samples(f, []rasterprint.Line{{Left: "Tea x2", Right: "7.80"}, {Left: "TOTAL", Right: "7.80"}})
	once, _ := learnSteps(ss)
	tests := []struct {
		name        string
		steps       [][]glyphs.Sample
		same        bool // the file is the same as once's
		samples     int  // learned in the last step
		already     []string
		learnedFrom int
	}{
		{"again", [][]glyphs.Sample{ss, ss}, true, 0, []string{"calibration: already learned (the same image and text as calibration", "page 1: already learned"}, 2},
		{"again renamed", [][]glyphs.Sample{ss, {renamed(ss[1], "copy.bin")}}, true, 0, []string{"copy.bin: already learned (the same image and text as page 1"}, 2},
		{"twice at once", [][]glyphs.Sample{append(ss[:2:2], renamed(ss[1], "copy.bin"))}, true, 2, []string{"copy.bin: the same image and text as page 1: learned once"}, 2},
		{"three times", [][]glyphs.Sample{ss, ss, ss}, true, 0, []string{"page 1: already learned"}, 2},
		{"later", [][]glyphs.Sample{ss[:1], ss}, false, 1, []string{"calibration: already learned"}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, rep := learnSteps(tc.steps...)
			if got := text(t, d); (got == text(t, once)) != tc.same {
				t.Errorf("file the same as learning once: %v, want %v\n%s", !tc.same, tc.same, got)
			}
			if rep.Samples != tc.samples {
				t.Errorf("learned %d receipt(s), want %d", rep.Samples, tc.samples)
			}
			for _, w := range tc.already {
				if !strings.Contains(strings.Join(rep.Already, "\n"), w) {
					t.Errorf("report lacks %q: %q", w, rep.Already)
				}
			}
			if n := len(d.Learned()); n != tc.learnedFrom {
				t.Errorf("learned from %d receipts, want %d: %q", n, tc.learnedFrom, d.Learned())
			}
			checkNotes(t, d)
		})
	}
}

// TestLearnUnsureSaysWhere: a glyph read as two texts names each text,
// how often and on which receipt line it was read so, counting what
// receipts learned before read it as.
func TestLearnUnsureSaysWhere(t *testing.T) {
	f := rastertest.GoFont(t)
	ss := rastertest.Samples(f, []rasterprint.Line{{Left: "Tea x2", Right: "7.80"}, {Left: "TOTAL", Right: "7.80"}},
		[]rasterprint.Line{{Left: "Milk", Right: "1.20"}, {Left: "TOTAL", Right: "1.20"}})
	tests := []struct {
		name  string
		steps [][]glyphs.Sample
		want  *regexp.Regexp
	}{
		{"one learning", [][]glyphs.Sample{{ss[0], ss[1], typed(ss[2], "b.bin", "TOTAL", "T0TAL")}},
			regexp.MustCompile(`^seen as "O" \d+ times \(calibration lines [0-9, ]+; page 1 line 2\), "0" 1 time \(b\.bin line 2\)$`)},
		{"learned before", [][]glyphs.Sample{ss[:2], {typed(ss[2], "b.bin", "TOTAL", "T0TAL")}},
			regexp.MustCompile(`^seen as "O" \d+ times \(\d+ on receipts learned before\), "0" 1 time \(b\.bin line 2\)$`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, rep := learnSteps(tc.steps...)
			var notes []string
			for _, g := range rep.Unsure {
				notes = append(notes, g.Unsure)
				if tc.want.MatchString(g.Unsure) {
					checkNotes(t, d)
					return
				}
			}
			t.Errorf("no unsure note matches %s:\n%s", tc.want, strings.Join(notes, "\n"))
		})
	}
}

// TestReadLearned: the receipts learned from are kept in the file as
// `learned HASH "NAME"` lines in a stable order (written, read and
// written again is the same); a dictionary written before they were
// (no such lines) still reads, the same, and learns every receipt.
func TestReadLearned(t *testing.T) {
	f := rastertest.GoFont(t)
	ss := rastertest.Samples(f, []rasterprint.Line{{Left: "Tea x2", Right: "7.80"}})
	d, _ := learnSteps(ss)
	now := text(t, d)
	if !regexp.MustCompile(`(?m)^learned [0-9a-f]{16} "calibration"\nlearned [0-9a-f]{16} "page 1"$`).MatchString(now) {
		t.Fatalf("file lacks its learned lines:\n%s", now[:min(len(now), 800)])
	}
	old := regexp.MustCompile(`(?m)^(learned .*|# \d+ receipt\(s\) learned from.*)\n`).ReplaceAllString(now, "")
	tests := []struct {
		name, file  string
		learnedFrom int
		again       int // receipts learned when learning ss again
	}{
		{"now", now, 2, 0},
		{"old", old, 0, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			back, err := glyphs.Read(strings.NewReader(tc.file), "go.glyphs")
			if err != nil {
				t.Fatal(err)
			}
			if got := text(t, back); got != tc.file {
				t.Errorf("read and written again differs:\n%s", got)
			}
			if n := len(back.Learned()); n != tc.learnedFrom {
				t.Errorf("learned from %d, want %d", n, tc.learnedFrom)
			}
			if rep := back.Learn(ss); rep.Samples != tc.again {
				t.Errorf("learning again learned %d receipt(s), want %d", rep.Samples, tc.again)
			}
		})
	}
	for _, bad := range []string{"learned 12 \"x\"", "learned 0123456789abcdef x", "learned 0123456789abcdeg \"x\""} {
		if _, err := glyphs.Read(strings.NewReader(strings.Replace(now, "bearing ", bad+"\nbearing ", 1)), "x.glyphs"); err == nil || !strings.Contains(err.Error(), "x.glyphs:") {
			t.Errorf("%s: err %v", bad, err)
		}
	}
}
