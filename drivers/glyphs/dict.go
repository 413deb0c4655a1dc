// Package glyphs reads driver-printed receipts with a learned glyph
// dictionary. A printer driver draws the same font the same way every
// time, so a page image is cut into lines (raster.Lines) and pieces, and
// runs of one to three pieces are looked up, exactly or nearly, among the
// glyphs learned for the lane. What the dictionary does not hold is shown
// as U+FFFD and counted, never guessed.
//
// The dictionary is a text file a technician can read, copy to the next
// lane with the same driver, and diff: one entry per glyph, its text, size
// and dots drawn as '#' and '.'. Learn builds it from receipts whose text
// is known (typed or confirmed by a technician, or seeded by Tesseract).
//
// Reading is a pure function of the image and the dictionary, so replay
// decides like the live agent.
package glyphs

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// noPos marks a glyph tall enough that its place on the line says nothing.
const noPos = -1

// Glyph is one dictionary entry.
type Glyph struct {
	// Text is what the glyph reads as: one character, or two when a font
	// draws them touching.
	Text string
	// W and H are its size in dots; Bits its dots, row after row.
	W, H int
	Bits string
	// Pos is where a small glyph sits on its line (0 on the baseline, 1
	// middle, 2 top; noPos for tall glyphs): it tells '.' from '·', ','
	// from '\'' and '-' from '_'.
	Pos int
	// L and R are the white dots the glyph keeps left and right of its
	// ink (bearings; -1 unknown): letters with no space between them are
	// R + L apart.
	L, R int
	// Seen counts the times learning saw it.
	Seen int
	// Unsure says why learning is not sure of it ("" when sure).
	Unsure string
}

func (g *Glyph) key() string { return key(g.W, g.H, g.Pos, g.Bits) }

func key(w, h, pos int, bits string) string {
	return strconv.Itoa(w) + "x" + strconv.Itoa(h) + "@" + strconv.Itoa(pos) + ":" + bits
}

// Dict is a glyph dictionary.
type Dict struct {
	// Space is the gap, as a fraction of the line height, from which a
	// gap between glyphs reads as a space.
	Space   float64
	bearing int // the usual bearing, for glyphs whose own is unknown
	glyphs  []*Glyph
	exact   map[string]*Glyph
	bySize  map[[2]int][]*Glyph
	name    string
	widths  map[string][]widthSample // while learning
	wideW   map[int]float64          // while learning: usual CJK width by height
	from    map[string][]source      // while learning: where each glyph was read
	// learned names the receipts learned from by their hash (receiptHash).
	learned map[string]string
}

// New returns an empty dictionary.
func New(name string) *Dict {
	return &Dict{Space: 0.3, bearing: 1, exact: map[string]*Glyph{}, bySize: map[[2]int][]*Glyph{}, name: name}
}

// Name names the dictionary (its file name).
func (d *Dict) Name() string { return d.name }

// Len is the number of glyphs.
func (d *Dict) Len() int { return len(d.glyphs) }

// Glyphs returns the entries in file order.
func (d *Dict) Glyphs() []*Glyph { return d.glyphs }

// add stores a glyph, replacing one with the same dots.
func (d *Dict) add(g *Glyph) {
	k := g.key()
	if old := d.exact[k]; old != nil {
		*old = *g
		return
	}
	d.glyphs = append(d.glyphs, g)
	d.exact[k] = g
	s := [2]int{g.W, g.H}
	d.bySize[s] = append(d.bySize[s], g)
}

// sort puts the entries in a stable order: by text, then size and dots.
func (d *Dict) sort() {
	slices.SortStableFunc(d.glyphs, func(a, b *Glyph) int {
		if c := strings.Compare(a.Text, b.Text); c != 0 {
			return c
		}
		return strings.Compare(a.key(), b.key())
	})
}

const header = "# tillwatch glyph dictionary 1"

// Write writes the dictionary in its text form.
func (d *Dict) Write(w io.Writer) error {
	d.sort()
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s\n# %d glyphs. Edit with care: each entry is a glyph's text, size in dots,\n# place on the line (pos: 0 baseline, 1 middle, 2 top, - tall), white kept left and right,\n# times seen, and dots. A gap wider than the bearings by space x line height is a space.\nspace %.3f\nbearing %d\n", header, len(d.glyphs), d.Space, d.bearing)
	d.writeLearned(bw)
	for _, g := range d.glyphs {
		pos := "-"
		if g.Pos != noPos {
			pos = strconv.Itoa(g.Pos)
		}
		fmt.Fprintf(bw, "\nglyph %s %dx%d pos %s bearings %d %d seen %d", strconv.Quote(g.Text), g.W, g.H, pos, g.L, g.R, g.Seen)
		if g.Unsure != "" {
			fmt.Fprintf(bw, " unsure %s", strconv.Quote(g.Unsure))
		}
		bw.WriteByte('\n')
		for y := 0; y < g.H; y++ {
			bw.WriteString(g.Bits[y*g.W : (y+1)*g.W])
			bw.WriteByte('\n')
		}
	}
	return bw.Flush()
}

// Save writes the dictionary to a file (through a temporary file, so a
// crash leaves the old one).
func (d *Dict) Save(path string) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("glyphs: %w", err)
	}
	if err := d.Write(f); err != nil {
		f.Close()
		return fmt.Errorf("glyphs: write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("glyphs: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("glyphs: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("glyphs: %w", err)
	}
	return nil
}

// Open reads a dictionary file.
func Open(path string) (*Dict, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("glyphs: %w", err)
	}
	defer f.Close()
	d, err := Read(f, path)
	if err != nil {
		return nil, err
	}
	d.name = filepath.Base(path) // errors name the path, the engine only the file
	return d, nil
}

// Read parses a dictionary; name is used in errors and as its name.
func Read(r io.Reader, name string) (*Dict, error) {
	d := New(name)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	fail := func(f string, a ...any) error {
		return fmt.Errorf("glyphs: %s:%d: %s", name, line, fmt.Sprintf(f, a...))
	}
	var g *Glyph
	for sc.Scan() {
		line++
		t := sc.Text()
		switch {
		case line == 1 && t != header:
			return nil, fail("not a glyph dictionary (want first line %q)", header)
		case g != nil && len(g.Bits) < g.W*g.H:
			if len(t) != g.W || strings.Trim(t, "#.") != "" {
				return nil, fail("glyph %q: want a row of %d '#' or '.', got %q", g.Text, g.W, t)
			}
			g.Bits += t
			if len(g.Bits) == g.W*g.H {
				d.add(g)
				g = nil
			}
		case t == "" || strings.HasPrefix(t, "#"):
		case strings.HasPrefix(t, "space "):
			v, err := strconv.ParseFloat(strings.TrimPrefix(t, "space "), 64)
			if err != nil || v <= 0 || v > 5 {
				return nil, fail("space: want a fraction of the line height, got %q", t)
			}
			d.Space = v
		case strings.HasPrefix(t, "bearing "):
			v, err := strconv.Atoi(strings.TrimPrefix(t, "bearing "))
			if err != nil || v < 0 || v > 64 {
				return nil, fail("bearing: want dots (0 to 64), got %q", t)
			}
			d.bearing = v
		case strings.HasPrefix(t, "learned "):
			if err := d.parseLearned(strings.TrimPrefix(t, "learned ")); err != nil {
				return nil, fail("%v", err)
			}
		case strings.HasPrefix(t, "glyph "):
			var err error
			if g, err = parseGlyph(strings.TrimPrefix(t, "glyph ")); err != nil {
				return nil, fail("%v", err)
			}
		default:
			return nil, fail("unexpected %q", t)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("glyphs: %s: %w", name, err)
	}
	if g != nil {
		return nil, fail("glyph %q: file ends inside its dots", g.Text)
	}
	return d, nil
}

// parseGlyph reads `"text" WxH pos P seen N [unsure "why"]`.
func parseGlyph(s string) (*Glyph, error) {
	text, err := strconv.QuotedPrefix(s)
	if err != nil {
		return nil, fmt.Errorf("glyph: want a quoted text first: %q", s)
	}
	g := &Glyph{}
	g.Text, _ = strconv.Unquote(text)
	rest := strings.TrimSpace(s[len(text):])
	unsure := ""
	if i := strings.Index(rest, " unsure "); i >= 0 {
		unsure, rest = rest[i+len(" unsure "):], rest[:i]
		if g.Unsure, err = strconv.Unquote(unsure); err != nil {
			return nil, fmt.Errorf("glyph %q: bad unsure note %s", g.Text, unsure)
		}
	}
	var pos string
	if _, err := fmt.Sscanf(rest, "%dx%d pos %s bearings %d %d seen %d", &g.W, &g.H, &pos, &g.L, &g.R, &g.Seen); err != nil {
		return nil, fmt.Errorf("glyph %q: want `WxH pos P bearings L R seen N`, got %q", g.Text, rest)
	}
	if g.W <= 0 || g.H <= 0 || g.W > 512 || g.H > 512 || g.Text == "" {
		return nil, fmt.Errorf("glyph %q: bad size %dx%d", g.Text, g.W, g.H)
	}
	g.Pos = noPos
	if pos != "-" {
		if g.Pos, err = strconv.Atoi(pos); err != nil || g.Pos < 0 || g.Pos > 2 {
			return nil, fmt.Errorf("glyph %q: pos wants 0, 1, 2 or -, got %q", g.Text, pos)
		}
	}
	return g, nil
}
