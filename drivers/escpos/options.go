package escpos

import (
	"fmt"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Default timeouts used when Options leaves them zero.
const (
	DefaultJobTimeout    = 20 * time.Second
	DefaultStatusTimeout = 3 * time.Second
	// DefaultProofTimeout is how long a job whose register asked for a
	// print confirmation (GS ( H fn 48) waits for it.
	DefaultProofTimeout = 5 * time.Second
)

// Bounds that keep memory flat whatever the input.
const (
	// MaxLines is the most lines one receipt keeps; later lines are counted
	// in Stats.Truncated and dropped.
	MaxLines = 2000
	// MaxLineBytes is the most raw text bytes one line keeps.
	MaxLineBytes = 1024
	// maxUnknownKept is how many unknown command positions Stats keeps.
	maxUnknownKept = 16
	// maxPending bounds the queue of unanswered status requests.
	maxPending = 64
)

// Options configures a Decoder. The zero value is an Epson-compatible
// printer with code table CP437, not in Chinese mode, host side only.
type Options struct {
	// Printer is the printer profile (code table numbering, double-byte
	// set, Chinese default, Star Line Mode, clone commands); nil is the
	// built-in "epson". See PrinterByName.
	Printer *Printer
	// CodePage, when set, overrides the printer's power-on single-byte
	// code table: one of CodePages() (cp437, cp850, cp858, cp866, cp1252,
	// ...).
	CodePage string
	// ChineseDefault says the printer powers up in Chinese (GBK
	// double-byte) mode, so raw GBK arrives with no FS &. It adds to the
	// printer profile's setting.
	ChineseDefault bool
	// StarLineMode selects Star Line Mode quirks (see Printer); it adds to
	// the printer profile's setting.
	StarLineMode bool
	// JobTimeout ends an open job that saw no byte for this long (default
	// 20s).
	JobTimeout time.Duration
	// StatusTimeout turns a status request unanswered for this long into a
	// PrinterStatus{NoReply: true} (default 3s). It applies only once the
	// device direction is known to be observed: DeviceObserved is set, or
	// a status answer or ASB has been seen.
	StatusTimeout time.Duration
	// ProofTimeout is how long a cut receipt whose register asked for a
	// print confirmation (GS ( H fn 48) waits for the printer's answer
	// before it is reported Unconfirmed (default 5s). Only when the
	// printer -> host line is observed.
	ProofTimeout time.Duration
	// DeviceObserved says the link also carries the printer -> host line.
	DeviceObserved bool
	// Fields, when set, fills a receipt's number, total, due and tenders
	// from its lines before the receipt is returned. receipt.Profile
	// implements it.
	Fields FieldExtractor
	// PaperDots is the printable width of the paper in dots (576 for
	// 80 mm, 384 for 58 mm at 203 dpi): lines longer than the print area
	// (this, or GS W) wrap where the printer wraps them. 0 wraps only at
	// a GS W print area.
	PaperDots int
	// Recognizer, when set, reads the text of printed images (a
	// driver-printed receipt): each image the job prints is recognised
	// where it stands among the text lines, and its lines carry Source
	// "ocr" and a confidence. It must be deterministic.
	Recognizer Recognizer
	// Detail makes the decoder keep what each receipt holds beyond its
	// lines (images, barcode and 2D code payloads, cuts, drawer kicks,
	// status requests, unknown commands with offsets) for TakeDetails.
	// Off in the agent: it costs memory and allocations.
	Detail bool
}

// FieldExtractor fills the profile fields of a receipt from its lines.
type FieldExtractor interface {
	Extract(r *drivers.Receipt)
}

// Validate reports an option the decoder cannot honour.
func (o Options) Validate() error {
	if _, ok := codePageByName(o.CodePage); !ok {
		return fmt.Errorf("escpos: unknown code page %q (want one of %s)", o.CodePage, strings.Join(CodePages(), ", "))
	}
	if o.Printer != nil {
		if err := o.Printer.Validate(); err != nil {
			return err
		}
	}
	if o.JobTimeout < 0 {
		return fmt.Errorf("escpos: negative job timeout %v", o.JobTimeout)
	}
	if o.StatusTimeout < 0 {
		return fmt.Errorf("escpos: negative status timeout %v", o.StatusTimeout)
	}
	return nil
}

// Stats counts what the decoder saw. Offsets are host-stream byte offsets.
type Stats struct {
	HostBytes   int64 `json:"host_bytes"`   // bytes fed from the host (print stream)
	DeviceBytes int64 `json:"device_bytes"` // bytes fed from the device (status)
	Jobs        int   `json:"jobs"`         // receipts returned
	Dropped     int   `json:"dropped"`      // jobs ended with no text and no image (not returned)
	Unknown     int   `json:"unknown"`      // unknown ESC/GS/FS commands skipped (2 bytes each)
	// UnknownAt lists the first few unknown commands.
	UnknownAt []UnknownCommand `json:"unknown_at,omitempty"`
	// Truncated counts input cut short: a command or image still open at
	// the end of input, lines over MaxLines, text over MaxLineBytes.
	Truncated int `json:"truncated"`
	// BadText counts text bytes that did not decode (stray GBK lead
	// bytes, user-defined GBK areas); they are dropped, never guessed.
	BadText int `json:"bad_text"`
	// NoTable counts text bytes printed through a code table the decoder
	// has no mapping for; they show as U+FFFD.
	NoTable int `json:"no_table"`
	// PageDiscarded counts page-mode lines thrown away (ESC S, CAN or
	// ESC @ before the page was printed).
	PageDiscarded int `json:"page_discarded"`
	// Unsolicited counts device bytes that answered nothing known.
	Unsolicited int `json:"unsolicited"`
	// NoReply counts status requests that timed out.
	NoReply int `json:"no_reply"`
}

// UnknownCommand is one skipped command: its offset and its two bytes.
type UnknownCommand struct {
	Offset int64   `json:"offset"`
	Bytes  [2]byte `json:"bytes"`
}

// String formats the command as "offset 123: 1B 71".
func (u UnknownCommand) String() string {
	return fmt.Sprintf("offset %d: %02X %02X", u.Offset, u.Bytes[0], u.Bytes[1])
}
