package tesseract

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// textord_noise_rejrows=0: a raster has no noise, and Tesseract took
// rows of bold Chinese (找零) for noise and read nothing.

// dpi is the resolution told to Tesseract: thermal receipt printers
// print 203 dots per inch (8 dots per mm).
const dpi = 203

// word is one word Tesseract read in one image.
type word struct {
	Text string
	// X0 and X1 are its left and right edges in the image.
	X0, X1 int
	// Conf is Tesseract's confidence, 0 to 1.
	Conf float64
}

// run reads every image as one page of a multi-page TIFF given on
// standard input, in one run of the program (one start and one model
// load for all of them), and returns the words of each image. psm is the
// page segmentation mode (7: the image is one text line).
func (t *Tesseract) run(imgs []*image.Gray, lang string, psm int) ([][]word, error) {
	if len(imgs) == 0 {
		return nil, nil
	}
	if t.program != nil {
		return t.program(imgs, lang, psm)
	}
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.Path, "stdin", "stdout", "--psm", strconv.Itoa(psm), "--dpi", strconv.Itoa(dpi),
		"-l", lang, "-c", "preserve_interword_spaces=1", "-c", "textord_noise_rejrows=0", "tsv")
	cmd.Stdin = bytes.NewReader(writeTIFF(imgs, dpi))
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.WaitDelay = waitDelay // a child of the killed program may hold its output
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("tesseract: %w: %s", err, lastLine(stderr.String()))
	}
	return parseWords(&out, len(imgs))
}

// waitDelay bounds how long a run killed at its timeout waits for its
// output to close: a run ends within Timeout + waitDelay whatever the
// program left running, which the agent's recognition worker counts on.
const waitDelay = time.Second

// lastLine is the last non-empty line of a program's error output
// (Tesseract prints "Page N" for every page before it).
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// parseWords reads Tesseract's TSV output: the words of each of n pages,
// in reading order.
func parseWords(r io.Reader, n int) ([][]word, error) {
	cr := csv.NewReader(r)
	cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord = '\t', true, -1
	cr.ReuseRecord = true
	pages := make([][]word, n)
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tesseract: output: %w", err)
		}
		if first || len(rec) < 12 || rec[0] != "5" {
			continue // the header, or not a word
		}
		text := strings.TrimSpace(rec[11])
		page, err := strconv.Atoi(rec[1])
		if text == "" || err != nil || page < 1 || page > n {
			continue
		}
		left, _ := strconv.Atoi(rec[6])
		width, _ := strconv.Atoi(rec[8])
		conf, _ := strconv.ParseFloat(rec[10], 64)
		pages[page-1] = append(pages[page-1], word{Text: text, X0: left, X1: left + width, Conf: max(conf, 0) / 100})
	}
	return pages, nil
}
