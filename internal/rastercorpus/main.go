// Command rastercorpus writes the raster corpus (testdata/raster): receipts
// with known text printed the way a Windows or Android printer driver
// prints them, as images only. Run it with `make raster-corpus`; it needs
// Debian's fonts-noto-cjk, fonts-wqy-zenhei and fonts-arphic-uming.
//
// For every font (Noto Sans CJK SC, WenQuanYi Zen Hei, AR PL UMing) and
// size (20, 24, 28, 32 dots), Chinese and English receipts are printed:
// a calibration print (every article, label and digit, regular and bold)
// and two receipts for learning, and one receipt for testing, on
// 384- or 576-dot paper, as GS v 0 raster or 24-dot ESC * bands. Each
// .bin (the print stream) has a .txt beside it (the text as printed, one
// line per line) and manifest.json lists them all. variants/ holds
// receipts printed as real drivers print and the rest does not (per-glyph
// baseline jitter, dithered edges, bold by double strike), each variant a
// lane of its own.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/tillwatch/tillwatch/sim/rasterprint"
)

// fontSpec is one typeface as Debian installs it.
type fontSpec struct {
	name, path, bold string
	index            int
}

var fonts = []fontSpec{
	{"noto", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2},
	{"wqy", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "", 0},
	{"uming", "/usr/share/fonts/truetype/arphic/uming.ttc", "", 0},
}

// Entry is one receipt of the manifest.
type Entry struct {
	File  string `json:"file"`
	Font  string `json:"font"`
	Size  int    `json:"size"`
	Width int    `json:"width"`
	Mode  string `json:"mode"`
	Lang  string `json:"lang"`
	Role  string `json:"role"` // "calibration", "learn" or "test"
}

func main() {
	out := flag.String("out", "testdata/raster", "output directory")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "rastercorpus:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var manifest []Entry
	seed := uint64(1)
	for _, fs := range fonts {
		for si, size := range []int{20, 24, 28, 32} {
			f, err := rasterprint.LoadFont(fs.name, fs.path, fs.index, fs.bold, size)
			if err != nil {
				return fmt.Errorf("font %s (install fonts-noto-cjk fonts-wqy-zenhei fonts-arphic-uming): %w", fs.name, err)
			}
			width := []int{576, 384}[si%2]
			for li, lang := range []string{"zh", "en"} {
				mode := []rasterprint.Mode{rasterprint.GSv0, rasterprint.ESCStar}[(si+li)%2]
				for _, role := range []string{"calibration", "learn", "learn", "test"} {
					seed++
					lines := rasterprint.SampleSale(seed, lang == "zh").Lines()
					if role == "calibration" {
						lines = rasterprint.Calibration(lang == "zh")
					}
					name := fmt.Sprintf("%s-%d-%d-%s-%s-%s%d", fs.name, size, width, mode, lang, role, seed)
					if err := write(dir, name, f, lines, width, mode); err != nil {
						return err
					}
					manifest = append(manifest, Entry{File: name, Font: fs.name, Size: size, Width: width, Mode: string(mode), Lang: lang, Role: role})
				}
			}
		}
	}
	if err := writeManifest(dir, manifest); err != nil {
		return err
	}
	return variants(filepath.Join(dir, "variants"), seed)
}

func writeManifest(dir string, manifest []Entry) error {
	b, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "manifest.json"), append(b, '\n'), 0o644)
}

// variants writes receipts printed the way real drivers print and the
// main corpus does not, into their own directory (so the main corpus's
// figures stay comparable): Noto Sans CJK at 24 dots with each
// character's baseline moved up or down a dot at random ("jitter"), with
// anti-aliased edges halftoned by an ordered dither ("dither"), and with
// bold drawn by striking the regular face twice a dot apart instead of
// the bold face ("strike"). Each variant is a lane of its own: it learns
// from its own calibration and learn receipts.
func variants(dir string, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	const size = 24
	noto := fonts[0]
	var manifest []Entry
	for vi, v := range []string{"jitter", "dither", "strike"} {
		bold := noto.bold
		if v == "strike" {
			bold = "" // rasterprint strikes the regular face twice
		}
		f, err := rasterprint.LoadFont(noto.name, noto.path, noto.index, bold, size)
		if err != nil {
			return fmt.Errorf("font %s: %w", noto.name, err)
		}
		switch v {
		case "jitter":
			r := rand.New(rand.NewPCG(seed, 0x1177e5))
			f.Jitter = func(int) int { return r.IntN(3) - 1 }
		case "dither":
			f.Dither = true
		}
		for li, lang := range []string{"zh", "en"} {
			width := []int{576, 384}[li]
			mode := []rasterprint.Mode{rasterprint.GSv0, rasterprint.ESCStar}[(vi+li)%2]
			for _, role := range []string{"calibration", "learn", "learn", "test"} {
				seed++
				lines := rasterprint.SampleSale(seed, lang == "zh").Lines()
				if role == "calibration" {
					lines = rasterprint.Calibration(lang == "zh")
				}
				font := noto.name + "-" + v
				name := fmt.Sprintf("%s-%d-%d-%s-%s-%s%d", font, size, width, mode, lang, role, seed)
				if err := write(dir, name, f, lines, width, mode); err != nil {
					return err
				}
				manifest = append(manifest, Entry{File: name, Font: font, Size: size, Width: width, Mode: string(mode), Lang: lang, Role: role})
			}
		}
	}
	return writeManifest(dir, manifest)
}

// write prints one receipt: NAME.bin and its text NAME.txt.
func write(dir, name string, f *rasterprint.Font, lines []rasterprint.Line, width int, mode rasterprint.Mode) error {
	page, printed := rasterprint.Render(f, lines, width, 8)
	var txt strings.Builder
	for _, l := range printed {
		txt.WriteString(l + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, name+".bin"), rasterprint.Encode(page, width, mode), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".txt"), []byte(txt.String()), 0o644)
}
