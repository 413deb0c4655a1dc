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
// or tripled (nearest, bicubic, smoothed or thresholded). Hairline
// strokes (a font whose strokes measure under 1.8 dots: AR PL UMing at
// 20-28 dots) are thickened by a dot first (stroke.go), and the letters a
// model reads for digits inside quantities and amounts ("xl") are read
// as the digits (fixDigits). Tried and read worse on the 72 training
// receipts (351 character errors as it is): --psm 8 or 13 for the
// Chinese words (384), --psm 13 for the English runs (4379), each
// English word read alone instead of runs of them (1033); the Debian
// models are LSTM only, so --oem has no other choice.
//
// Determinism: Tesseract is run with one thread (OMP_THREAD_LIMIT=1), a
// fixed page segmentation mode and the same languages, so the same image
// gives the same text with the same Tesseract version and traineddata.
// The version is part of Result.Engine (and so of a receipt's
// "recognised" summary in the journal): a replay on a machine with a
// different Tesseract can read differently, and says which one it used.
package tesseract

import (
	"errors"
	"fmt"
	"image"
	"os/exec"
	"strings"
	"time"

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
// the program (see readLines). A failure of the program gives no lines
// and marks the image unread (its receipt's amounts were not read); the
// error is in Result.Engine.
func (t *Tesseract) Recognize(b *raster.Bitmap) raster.Result {
	p := newPage(b)
	lines, err := t.readLines(p, p.lines)
	if err != nil {
		return raster.Result{Engine: t.Engine() + " (failed: " + err.Error() + ")", Unread: true}
	}
	res := raster.Result{Engine: t.Engine()}
	for _, l := range lines {
		if l.Text != "" {
			res.Lines = append(res.Lines, l)
		}
	}
	return res
}
