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
// line per line) and manifest.json lists them all.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
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
					page, printed := rasterprint.Render(f, lines, width, 8)
					name := fmt.Sprintf("%s-%d-%d-%s-%s-%s%d", fs.name, size, width, mode, lang, role, seed)
					var txt strings.Builder
					for _, l := range printed {
						txt.WriteString(l + "\n")
					}
					if err := os.WriteFile(filepath.Join(dir, name+".bin"), rasterprint.Encode(page, width, mode), 0o644); err != nil {
						return err
					}
					if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(txt.String()), 0o644); err != nil {
						return err
					}
					manifest = append(manifest, Entry{File: name, Font: fs.name, Size: size, Width: width, Mode: string(mode), Lang: lang, Role: role})
				}
			}
		}
	}
	b, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "manifest.json"), append(b, '\n'), 0o644)
}
