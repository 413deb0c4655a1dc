package chaos

import (
	"log/slog"
	"os"

	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/raster"
)

// stuckEnv names a file: a child agent whose recogniser gets an image
// writes it and never returns (Tesseract stuck on a receipt).
const stuckEnv = "TILLWATCH_CHAOS_STUCK_OCR"

// stuckRecognizer wraps the recognition worker's recogniser when path is
// set (see stuckEnv).
func stuckRecognizer(path string) func(string, escpos.Recognizer) escpos.Recognizer {
	if path == "" {
		return nil
	}
	return func(string, escpos.Recognizer) escpos.Recognizer { return stuck(path) }
}

type stuck string

func (s stuck) Recognize(*raster.Bitmap) raster.Result {
	if err := os.WriteFile(string(s), nil, 0o600); err != nil {
		// The test waits for the file: say why it will not come (a
		// JSON line, as the child's log, shown with -v).
		slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error("chaos: stuck recogniser: cannot mark the image taken", "error", err)
	}
	select {} // until SIGKILL
}
