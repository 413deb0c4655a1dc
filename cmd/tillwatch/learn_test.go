package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/testutil"
)

// TestLearnAndDecodeRaster: a technician learns a driver's font from the
// corpus's calibration and learn receipts (bytes + typed text), then
// decode escpos prints a receipt the driver printed as an image as text,
// each line marked as recognised, with the profile's fields; profile test
// finds the same fields; --json carries "source":"ocr" and a confidence.
func TestLearnAndDecodeRaster(t *testing.T) {
	dir := t.TempDir()
	corpus := "../../testdata/raster"
	var bins []string
	for _, name := range []string{"noto-24-384-escstar-zh-calibration10", "noto-24-384-escstar-zh-learn11", "noto-24-384-escstar-zh-learn12"} {
		for _, ext := range []string{".bin", ".txt"} {
			b, err := os.ReadFile(filepath.Join(corpus, name+ext))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name+ext), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		bins = append(bins, filepath.Join(dir, name+".bin"))
	}
	dict := filepath.Join(dir, "lane.glyphs")
	code, out, errOut := runCLI(t, append([]string{"profile", "learn", "--glyphs", dict}, bins...)...)
	if code != 0 || !strings.Contains(out, "glyphs (") {
		t.Fatalf("learn: exit %d\n%s%s", code, out, errOut)
	}
	receipt := filepath.Join(corpus, "noto-24-384-escstar-zh-test13.bin")
	want, err := os.ReadFile(filepath.Join(corpus, "noto-24-384-escstar-zh-test13.txt"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, "decode", "escpos", "--glyphs", dict, "--ocr", "none", receipt)
	if code != 0 {
		t.Fatalf("decode: exit %d: %s", code, errOut)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(want)), "\n") {
		if !strings.Contains(out, "ocr| "+l+"\n") {
			t.Errorf("decode output lacks %q:\n%s", "ocr| "+l, out)
		}
	}
	if !strings.Contains(out, "total 733.50, due 731.03, tender card 731.03") || !strings.Contains(out, "recognised from the printed image") {
		t.Errorf("decode output lacks the fields or the recognition summary:\n%s", out)
	}
	code, out, _ = runCLI(t, "decode", "escpos", "--json", "--glyphs", dict, "--ocr", "none", receipt)
	if code != 0 || !strings.Contains(out, `"source":"ocr","confidence":1`) || !strings.Contains(out, `"recognised":{"engine":"glyphs lane.glyphs"`) {
		t.Errorf("decode --json lacks source, confidence or recognised:\n%s", out)
	}
	code, out, errOut = runCLI(t, "profile", "test", "generic", receipt, "--glyphs", dict, "--ocr", "none")
	if code != 0 || !strings.Contains(out, "total 733.50, due 731.03, tenders card 731.03") {
		t.Errorf("profile test: exit %d\n%s%s", code, out, errOut)
	}
	// A receipt without its text is refused, with what to do.
	lone := filepath.Join(dir, "lone.bin")
	if err := os.WriteFile(lone, []byte{0x1b, 0x40}, 0o644); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(receipt)
	if err := os.WriteFile(lone, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "profile", "learn", "--glyphs", dict, lone)
	if code != 2 || !strings.Contains(errOut, "type what the paper shows into") {
		t.Errorf("learn without text: exit %d: %s", code, errOut)
	}
}

// TestLearnOCRDraft: with --ocr, a receipt with no text gets a draft by
// Tesseract to check, and nothing is learned from it until it is renamed.
func TestLearnOCRDraft(t *testing.T) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		testutil.Unavailable(t, "tesseract not installed (Debian: tesseract-ocr tesseract-ocr-chi-sim; .ci/run installs it)")
	}
	dir := t.TempDir()
	b, err := os.ReadFile("../../testdata/raster/noto-24-384-gsv0-en-test17.bin")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "r1.bin")
	if err := os.WriteFile(bin, b, 0o644); err != nil {
		t.Fatal(err)
	}
	dict := filepath.Join(dir, "lane.glyphs")
	code, out, errOut := runCLI(t, "profile", "learn", "--ocr", "--glyphs", dict, bin)
	if code != 1 || !strings.Contains(out, "r1.ocr.txt") || !strings.Contains(errOut, "nothing learned") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	draft, err := os.ReadFile(filepath.Join(dir, "r1.ocr.txt"))
	if err != nil || !strings.Contains(string(draft), "SUNRISE MARKET") {
		t.Fatalf("draft %q: %v", draft, err)
	}
	if _, err := os.Stat(dict); err == nil {
		t.Fatal("a dictionary was written from an unchecked draft")
	}
}

// TestProfileTestUnsure: profile test shows the fields a raster lane gets.
// A learn receipt typed with a zero for the bold O of TOTAL leaves that
// glyph unsure, so the bold total and due lines of the calibration print
// are read with low confidence: decode escpos and the lane leave total and
// due unset, and profile test says the same (it marked them kept and
// printed them as the receipt's fields), marks those lines with ? and says
// the receipt's amounts are unsure.
func TestProfileTestUnsure(t *testing.T) {
	dir := t.TempDir()
	corpus := "../../testdata/raster"
	var bins []string
	for _, name := range []string{"noto-24-384-gsv0-en-calibration14", "noto-24-384-gsv0-en-learn15"} {
		for _, ext := range []string{".bin", ".txt"} {
			b, err := os.ReadFile(filepath.Join(corpus, name+ext))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(name, "learn15") && ext == ".txt" {
				b = []byte(strings.Replace(string(b), "TOTAL", "T0TAL", 1))
			}
			if err := os.WriteFile(filepath.Join(dir, name+ext), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		bins = append(bins, filepath.Join(dir, name+".bin"))
	}
	dict := filepath.Join(dir, "lane.glyphs")
	code, out, errOut := runCLI(t, append([]string{"profile", "learn", "--glyphs", dict}, bins...)...)
	if code != 0 || !strings.Contains(out, `seen as "O" 5 times (`) || !strings.Contains(out, `"0" 1 time (`+bins[1]+` line 8)`) {
		t.Fatalf("learn: exit %d\n%s%s", code, out, errOut)
	}
	code, dec, errOut := runCLI(t, "decode", "escpos", "--glyphs", dict, "--ocr", "none", bins[0])
	if code != 0 || strings.Contains(dec, "total 1234567.89") || !strings.Contains(dec, "AMOUNTS UNSURE") {
		t.Fatalf("decode: exit %d (want no total, amounts unsure)\n%s%s", code, dec, errOut)
	}
	(cliCase{args: []string{"profile", "test", "generic", bins[0], "--glyphs", dict, "--ocr", "none"}, stdout: []string{
		"recognised from the printed image by glyphs lane.glyphs: 29 line(s)",
		"AMOUNTS UNSURE: the amounts of lines read with low confidence (?) are not used",
		"  23?  total          TOTAL          1234567.89",
		"  26*  tender:cash    CASH           1234567.89",
		"(* = kept in the receipt, ? = read with low confidence: 4 line(s))",
		"fields: number 20261234567890, total -, due -, tenders card 0.00 (CARD), cash 1234567.89 (CASH)",
	}, notInOut: []string{"  23*  total"}}).check(t)
}

// TestLearnLineCountMismatch: a receipt whose typed text has a line too
// few is not learned; with nothing else learned, no dictionary is written
// and learn fails, and the lines of print are shown beside the text so
// the missing line can be found.
func TestLearnLineCountMismatch(t *testing.T) {
	dir := t.TempDir()
	bin := writeMismatched(t, dir, nil)
	dict := filepath.Join(dir, "lane.glyphs")
	(cliCase{args: []string{"profile", "learn", "--glyphs", dict, bin}, code: 1,
		stdout: []string{
			"the image has 12 lines of print, the text 11: not learned",
			"its 12 lines of print (rows of ink, white above and below) beside the 11 lines of its text:",
			"   3  rows 65-83, 19 dots high     Yoghurt x1 16.90",
			"  12  rows 335-359, 25 dots high   (no text)",
		},
		stderr:   []string{"nothing learned", "lane.glyphs not written"},
		notInOut: []string{"0 glyphs (0 new)"},
	}).check(t)
	if _, err := os.Stat(dict); err == nil {
		t.Error("an empty dictionary was written")
	}
}

// TestLearnMismatchMasksText: a card number typed into the text of a
// receipt whose lines do not match its print is shown masked beside the
// lines of print, never whole.
func TestLearnMismatchMasksText(t *testing.T) {
	dir := t.TempDir()
	bin := writeMismatched(t, dir, func(txt string) string {
		return strings.Replace(txt, "Yoghurt x1 16.90", "Card 4111 1111 1111 1111", 1)
	})
	(cliCase{args: []string{"profile", "learn", "--glyphs", filepath.Join(dir, "lane.glyphs"), bin}, code: 1,
		stdout:   []string{"   3  rows 65-83, 19 dots high     Card "},
		notInOut: []string{"4111 1111 1111 1111"},
	}).check(t)
}

// writeMismatched writes a raster receipt into dir with its text a line
// short (the cashier's line left out), edited further by edit when not
// nil, and returns the receipt's path.
func writeMismatched(t *testing.T, dir string, edit func(string) string) string {
	t.Helper()
	bin := copyRaster(t, dir, "noto-24-384-gsv0-en-learn15", "noto-24-384-gsv0-en-learn15")[0]
	txtPath := strings.TrimSuffix(bin, ".bin") + ".txt"
	txt, err := os.ReadFile(txtPath)
	if err != nil {
		t.Fatal(err)
	}
	short := strings.Replace(string(txt), "Cashier: Anna\n", "", 1)
	if edit != nil {
		short = edit(short)
	}
	if err := os.WriteFile(txtPath, []byte(short), 0o644); err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestRasterFromCapture: what tillwatch capture recorded on a lane is
// read by decode escpos, profile test and profile learn directly: the
// bytes the register sent the printer, record after record (the
// terminal's records and the printer's answers left out). Learning from
// a capture takes CAPTURE.txt beside it, every receipt's lines in order.
func TestRasterFromCapture(t *testing.T) {
	dir := t.TempDir()
	corpus := "../../testdata/raster"
	writeCapture := func(name string, devs map[string]capture.DeviceInfo, receipts ...string) string {
		t.Helper()
		path := filepath.Join(dir, name+".jsonl")
		w, err := capture.Create(path, &capture.Header{Site: "s", Lane: "l", Devices: devs})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
		var text []byte
		for _, r := range receipts {
			b, err := os.ReadFile(filepath.Join(corpus, r+".bin"))
			if err != nil {
				t.Fatal(err)
			}
			txt, err := os.ReadFile(filepath.Join(corpus, r+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			text = append(text, txt...)
			for off := 0; off < len(b); off += 4096 {
				at = at.Add(time.Second)
				recs := []capture.Record{
					{Time: at, Dev: "printer", Dir: drivers.FromHost, Data: b[off:min(off+4096, len(b))]},
					{Time: at, Dev: "printer", Dir: drivers.FromDevice, Data: []byte{0x10, 0x04, 0x01}},
					{Time: at, Dev: "terminal", Dir: drivers.FromHost, Data: []byte{0x1b, 0x40}},
				}
				for _, rec := range recs {
					if err := w.Write(rec); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(strings.TrimSuffix(path, ".jsonl")+".txt", text, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	lane := map[string]capture.DeviceInfo{
		"printer":  {Role: "printer", Protocol: "escpos", Profile: "generic"},
		"terminal": {Role: "terminal", Protocol: "zvt", Framing: "serial", Currency: "CNY"},
	}
	learn := writeCapture("learn", lane, "noto-24-384-escstar-zh-calibration10", "noto-24-384-escstar-zh-learn11", "noto-24-384-escstar-zh-learn12")
	dict := filepath.Join(dir, "lane.glyphs")
	(cliCase{args: []string{"profile", "learn", "--glyphs", dict, learn}, stdout: []string{"from 1 receipt(s)", "glyphs ("}}).check(t)
	receipt := writeCapture("shift", lane, "noto-24-384-escstar-zh-test13")
	(cliCase{args: []string{"decode", "escpos", "--glyphs", dict, "--ocr", "none", receipt},
		stdout: []string{"ocr| ", "total 733.50, due 731.03, tender card 731.03", "=== 1 receipt(s)"}}).check(t)
	(cliCase{args: []string{"profile", "test", "generic", receipt, "--glyphs", dict, "--ocr", "none"},
		stdout: []string{"total 733.50, due 731.03, tenders card 731.03"}}).check(t)
	// Replayed without the lane's config, nothing reads the images: replay
	// says so rather than let its payment_without_receipt stand unexplained.
	(cliCase{args: []string{"replay", receipt},
		stderr: []string{"replay: 1 receipt(s) were printed as images only and nothing read them", "-c FILE"}}).check(t)
	// A capture of a terminal only has nothing to decode.
	noPrinter := writeCapture("terminal", map[string]capture.DeviceInfo{"terminal": lane["terminal"]}, "noto-24-384-escstar-zh-test13")
	(cliCase{args: []string{"decode", "escpos", noPrinter}, code: 2, stderr: []string{"terminal.jsonl: a capture with 0 ESC/POS printers in its header"}}).check(t)
}

// copyRaster copies receipts of the raster corpus (NAME.bin and its
// NAME.txt) into dir as AS.bin and AS.txt, name and as given in pairs, and
// returns the .bin paths.
func copyRaster(t *testing.T, dir string, nameAs ...string) []string {
	t.Helper()
	var bins []string
	for i := 0; i+1 < len(nameAs); i += 2 {
		for _, ext := range []string{".bin", ".txt"} {
			b, err := os.ReadFile(filepath.Join("../../testdata/raster", nameAs[i]+ext))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, nameAs[i+1]+ext), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		bins = append(bins, filepath.Join(dir, nameAs[i+1]+".bin"))
	}
	return bins
}

// TestLearnAgain: profile learn run again on receipts it learned (under
// any file name) says so and leaves the dictionary as it was, byte for
// byte; given with a receipt not learned yet, it learns only that one.
func TestLearnAgain(t *testing.T) {
	dir := t.TempDir()
	bins := copyRaster(t, dir, "noto-24-384-gsv0-en-calibration14", "cal", "noto-24-384-gsv0-en-learn15", "r15",
		"noto-24-384-gsv0-en-learn15", "copy15", "noto-24-384-gsv0-en-learn16", "r16")
	dict := filepath.Join(dir, "lane.glyphs")
	(cliCase{args: []string{"profile", "learn", "--glyphs", dict, bins[0], bins[1]}, stdout: []string{"from 2 receipt(s)"}}).check(t)
	first, err := os.ReadFile(dict)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []cliCase{
		{name: "again", args: []string{"profile", "learn", "--glyphs", dict, bins[0], bins[1]},
			stdout: []string{"cal.bin: already learned (the same image and text as " + bins[0], "r15.bin: already learned", "lane.glyphs: nothing new to learn (2 receipt(s) learned before): not written"}},
		{name: "renamed", args: []string{"profile", "learn", "--glyphs", dict, bins[2]},
			stdout: []string{"copy15.bin: already learned (the same image and text as " + bins[1], "nothing new to learn"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.check(t)
			if now, err := os.ReadFile(dict); err != nil || !bytes.Equal(now, first) {
				t.Errorf("the dictionary changed (%v)", err)
			}
		})
	}
	(cliCase{args: []string{"profile", "learn", "--glyphs", dict, bins[1], bins[3]},
		stdout: []string{"r15.bin: already learned", "from 1 receipt(s)"}, notInOut: []string{"nothing new"}}).check(t)
	out, err := os.ReadFile(dict)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{bins[0], bins[1], bins[3]} {
		if !strings.Contains(string(out), " "+strconv.Quote(b)+"\n") {
			t.Errorf("the dictionary does not name %s as learned", b)
		}
	}
}
