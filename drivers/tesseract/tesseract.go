// Package tesseract reads page images with the Tesseract OCR program
// (Debian: tesseract-ocr, tesseract-ocr-chi-sim), run as a separate
// process so tillwatch builds stay CGO_ENABLED=0. It seeds glyph
// dictionaries (tillwatch profile learn) and reads the lines a dictionary
// cannot (Fallback).
//
// A page is not given to Tesseract whole: the raster's empty rows tell
// exactly where its lines are, and its wide gaps where its words are, so
// the page is cut here and every line (or word) is one page of a
// multi-page TIFF read in one run of the program (--psm 7, one text line;
// no temporary files, one model load for the page). Chinese and Latin
// script are told apart per word (readLines): the Chinese model reads the
// Chinese words, the English model the rest, each better at its own
// script than both together. The lines are not scaled up: the models
// scale each line to their own input height (36 and 48 rows), and on the
// corpus a line given at its printed size read better than one doubled
// or tripled (nearest, bicubic, smoothed or thresholded).
//
// Determinism: Tesseract is run with one thread (OMP_THREAD_LIMIT=1), a
// fixed page segmentation mode and the same languages, so the same image
// gives the same text with the same Tesseract version and traineddata.
// The version is part of Result.Engine (and so of a receipt's
// "recognised" summary in the journal): a replay on a machine with a
// different Tesseract can read differently, and says which one it used.
package tesseract

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tillwatch/tillwatch/drivers/raster"
)

// Tesseract runs the tesseract program.
type Tesseract struct {
	// Path of the program; Langs the traineddata names ("chi_sim+eng").
	Path, Langs string
	// Scale enlarges the images before recognition (1, the default,
	// leaves them at their printed size).
	Scale int
	// Timeout bounds one run (default 30s).
	Timeout time.Duration
	// Smooth softens the scaled-up dots (a 3x3 box blur) before
	// recognition (off by default).
	Smooth  bool
	version string
	// program, when set, stands in for the program in tests.
	program func(imgs []*image.Gray, lang string, psm int) ([][]word, error)
}

// ErrMissing says the tesseract program is not installed.
var ErrMissing = errors.New("tesseract: the tesseract program is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)")

// Find locates tesseract on PATH and reads its version. langs "" is
// "chi_sim+eng".
func Find(langs string) (*Tesseract, error) {
	path, err := exec.LookPath("tesseract")
	if err != nil {
		return nil, ErrMissing
	}
	if langs == "" {
		langs = "chi_sim+eng"
	}
	t := &Tesseract{Path: path, Langs: langs, Scale: 1, Timeout: 30 * time.Second}
	out, err := exec.Command(path, "--version").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("tesseract: %s --version: %w", path, err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	t.version = strings.TrimSpace(first)
	list, err := exec.Command(path, "--list-langs").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("tesseract: %s --list-langs: %w", path, err)
	}
	for _, l := range strings.Split(langs, "+") {
		if !strings.Contains("\n"+string(list)+"\n", "\n"+l+"\n") {
			return nil, fmt.Errorf("tesseract: language %q is not installed (Debian: apt-get install tesseract-ocr-%s)", l, strings.ReplaceAll(l, "_", "-"))
		}
	}
	return t, nil
}

// Engine names the program, version and languages.
func (t *Tesseract) Engine() string { return t.version + " " + t.Langs }

// Recognize reads a page: the page is cut into text lines at its empty
// rows, and the lines (or their words) are read in at most two runs of
// the program (see readLines). A failure of the program gives no lines;
// the error is in Result.Engine.
func (t *Tesseract) Recognize(b *raster.Bitmap) raster.Result {
	p := newPage(b)
	lines, err := t.readLines(p, p.lines)
	if err != nil {
		return raster.Result{Engine: t.Engine() + " (failed: " + err.Error() + ")"}
	}
	res := raster.Result{Engine: t.Engine()}
	for _, l := range lines {
		if l.Text != "" {
			res.Lines = append(res.Lines, l)
		}
	}
	return res
}

// Read runs tesseract on the whole of b with page segmentation mode psm
// (6 a block, 7 one line), letting Tesseract find the lines, and returns
// them in page coordinates.
func (t *Tesseract) Read(b *raster.Bitmap, psm int) ([]raster.Line, error) {
	if b.Empty() {
		return nil, nil
	}
	scale := max(t.Scale, 1)
	img := b.Image(scale, pad)
	if t.Smooth {
		img = smooth(img)
	}
	var in bytes.Buffer
	if err := png.Encode(&in, img); err != nil {
		return nil, fmt.Errorf("tesseract: %w", err)
	}
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.Path, "stdin", "stdout", "--psm", strconv.Itoa(psm), "-l", t.Langs, "-c", "preserve_interword_spaces=1", "tsv")
	cmd.Stdin = &in
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("tesseract: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return parseTSV(&out, scale)
}

// smooth returns a 3x3 box blur of img.
func smooth(img *image.Gray) *image.Gray {
	out := image.NewGray(img.Rect)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sum, n := 0, 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if xx, yy := x+dx, y+dy; xx >= 0 && yy >= 0 && xx < w && yy < h {
						sum += int(img.Pix[yy*img.Stride+xx])
						n++
					}
				}
			}
			out.Pix[y*out.Stride+x] = uint8(sum / n)
		}
	}
	return out
}

// parseTSV groups tesseract's words into lines (page coordinates, text,
// lowest word confidence).
func parseTSV(r io.Reader, scale int) ([]raster.Line, error) {
	cr := csv.NewReader(r)
	cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord = '\t', true, -1
	cr.ReuseRecord = true
	var lines []raster.Line
	var words []string
	key := ""
	flush := func() {
		if len(words) > 0 {
			l := &lines[len(lines)-1]
			l.Text = joinWords(words)
			l.Glyphs = len([]rune(strings.ReplaceAll(l.Text, " ", "")))
		}
		words = nil
	}
	first := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tesseract: output: %w", err)
		}
		if first {
			first = false
			continue // header
		}
		if len(rec) < 12 || rec[0] != "5" {
			continue
		}
		text := strings.TrimSpace(rec[11])
		if text == "" {
			continue
		}
		num := func(i int) int { n, _ := strconv.Atoi(rec[i]); return n }
		k := rec[2] + "/" + rec[3] + "/" + rec[4]
		box := image.Rect((num(6)-pad)/scale, (num(7)-pad)/scale, (num(6)+num(8)-pad)/scale, (num(7)+num(9)-pad)/scale)
		conf, _ := strconv.ParseFloat(rec[10], 64)
		if k != key {
			flush()
			key = k
			lines = append(lines, raster.Line{Box: box, Confidence: 1})
		}
		l := &lines[len(lines)-1]
		l.Box = l.Box.Union(box)
		l.Confidence = min(l.Confidence, max(conf, 0)/100)
		words = append(words, text)
	}
	flush()
	return lines, nil
}

// joinWords joins a line's words with spaces, except between two CJK
// characters (Tesseract splits Chinese into one word per character).
func joinWords(ws []string) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			prev := []rune(ws[i-1])
			if !(isHan(prev[len(prev)-1]) && isHan([]rune(w)[0])) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(w)
	}
	return b.String()
}

func isHan(r rune) bool {
	return unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF
}
