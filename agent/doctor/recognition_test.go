package doctor

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers/glyphs"
	"github.com/tillwatch/tillwatch/internal/testutil"
)

// TestRecognitionCheck: doctor opens a raster lane's recogniser as the
// agent does at start, so a lane whose config asks for Tesseract on a
// machine without it fails in doctor, not only when the service starts;
// a printer that reads no images has no such check.
func TestRecognitionCheck(t *testing.T) {
	dir := t.TempDir()
	dict := filepath.Join(dir, "lane.glyphs")
	if err := glyphs.New("lane").Save(dict); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken.glyphs")
	if err := os.WriteFile(broken, []byte("not a dictionary\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noTesseract := t.TempDir() // a PATH without the program
	tests := []struct {
		name, glyphs, ocr, path string
		want                    Status // -1: no check
		detail                  string
	}{
		{"text lane", "", "", "", -1, ""},
		{"ocr none", "", "none", "", -1, ""},
		{"tesseract required, missing", "", "tesseract", noTesseract, Fail, "not installed"},
		{"auto, nothing installed", "", "auto", noTesseract, Warn, "nothing reads the printed images"},
		{"dictionary alone", dict, "none", noTesseract, OK, "glyph dictionary (no Tesseract fallback)"},
		{"dictionary, auto without tesseract", dict, "auto", noTesseract, OK, "glyph dictionary (no Tesseract fallback)"},
		{"broken dictionary", broken, "none", noTesseract, Fail, "broken.glyphs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.path != "" {
				t.Setenv("PATH", tc.path)
			}
			d := configs.DefaultDevice("printer", configs.RolePrinter, "/dev/null")
			d.Glyphs, d.OCR = tc.glyphs, tc.ocr
			c, ok := recognitionCheck(d)
			if tc.want < 0 {
				if ok {
					t.Fatalf("check %q for a printer that reads no images", c.Name)
				}
				return
			}
			if !ok {
				t.Fatal("no recognition check")
			}
			r := c.Run(context.Background())
			if r.Name != "recognition printer" || r.Status != tc.want || !strings.Contains(r.Detail, tc.detail) {
				t.Fatalf("%s: %s %q, want %s containing %q", r.Name, r.Status, r.Detail, tc.want, tc.detail)
			}
			if r.Status != OK && r.Hint == "" {
				t.Error("a problem without a hint")
			}
		})
	}
	t.Run("tesseract installed", func(t *testing.T) {
		if _, err := exec.LookPath("tesseract"); err != nil {
			testutil.Unavailable(t, "tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-chi-sim)")
		}
		d := configs.DefaultDevice("printer", configs.RolePrinter, "/dev/null")
		d.Glyphs, d.OCR = dict, "tesseract"
		c, _ := recognitionCheck(d)
		if r := c.Run(context.Background()); r.Status != OK || !strings.Contains(r.Detail, "glyph dictionary, Tesseract (tesseract ") {
			t.Fatalf("%s %q, want ok naming the dictionary and Tesseract", r.Status, r.Detail)
		}
	})
}
