package ocr

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers/glyphs"
	"github.com/tillwatch/tillwatch/drivers/tesseract"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	dict := filepath.Join(dir, "lane.glyphs")
	if err := glyphs.New("lane.glyphs").Save(dict); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.glyphs")
	if err := os.WriteFile(bad, []byte("not a dictionary\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, tessErr := tesseract.Find("")
	if errors.Is(tessErr, tesseract.ErrMissing) && os.Getenv("TILLWATCH_ALLOW_SKIP") != "1" {
		t.Fatal(tessErr)
	}
	haveTess := tessErr == nil
	tests := []struct {
		glyphs, mode string
		want         string // type of the recogniser, "" for none, "error: ..." for an error
	}{
		{"", None, ""},
		{dict, None, "*glyphs.Dict"},
		{dict, Auto, map[bool]string{true: "tesseract.Fallback", false: "*glyphs.Dict"}[haveTess]},
		{"", Auto, map[bool]string{true: "*tesseract.Tesseract", false: ""}[haveTess]},
		{bad, None, "error: not a glyph dictionary"},
		{dict, "sometimes", "error: unknown mode"},
	}
	for _, tc := range tests {
		rec, err := Open(tc.glyphs, tc.mode)
		got := ""
		switch {
		case err != nil:
			got = "error: " + err.Error()
		case rec != nil:
			got = strings.TrimPrefix(strings.TrimPrefix(typeName(rec), "github.com/tillwatch/tillwatch/drivers/"), "")
		}
		if !strings.Contains(got, strings.TrimPrefix(tc.want, "error: ")) || strings.HasPrefix(tc.want, "error") != strings.HasPrefix(got, "error") || (tc.want == "" && got != "") {
			t.Errorf("Open(%q, %q) = %s, want %s", filepath.Base(tc.glyphs), tc.mode, got, tc.want)
		}
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *glyphs.Dict:
		return "*glyphs.Dict"
	case *tesseract.Tesseract:
		return "*tesseract.Tesseract"
	case tesseract.Fallback:
		return "tesseract.Fallback"
	}
	return "?"
}
