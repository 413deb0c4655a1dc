package capture

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tillwatch/tillwatch/drivers"
)

// Record is one line of a capture: a chunk of link bytes, or a link event
// when Link is set.
type Record struct {
	// Time is when the bytes were seen; written in UTC with microseconds.
	Time time.Time
	// Dev is the device name (as in the header and the config).
	Dev string
	// Dir is the direction of Data; unused for link events.
	Dir drivers.Direction
	// Data is the chunk; unused for link events.
	Data []byte
	// Link is "" for data records, "up" or "down" for link events.
	Link string
	// Reason optionally explains a link event.
	Reason string
}

// Link event values of Record.Link.
const (
	LinkUp   = "up"
	LinkDown = "down"
)

// timeLayout is RFC 3339 with exactly six fractional digits.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// ErrClosed is returned by a Writer used after Close.
var ErrClosed = errors.New("capture: writer closed")

// Writer writes a capture. It is safe for concurrent use; lines are
// buffered until Flush, Sync or Close.
type Writer struct {
	mu   sync.Mutex
	bw   *bufio.Writer
	f    *os.File // set by Create: synced and closed by Close
	line []byte
	err  error // sticky write error or ErrClosed
}

// NewWriter returns a Writer on w and writes the header line first when h
// is not nil (an empty h.Capture means Version).
func NewWriter(w io.Writer, h *Header) (*Writer, error) {
	cw := &Writer{bw: bufio.NewWriterSize(w, 64<<10)}
	if h != nil {
		b, err := marshalHeader(h)
		if err != nil {
			return nil, err
		}
		cw.bw.Write(b) // the error is kept by bw and returned by Flush
		if err := cw.bw.Flush(); err != nil {
			return nil, fmt.Errorf("capture: write header: %w", err)
		}
	}
	return cw, nil
}

// Create opens path for appending (creating it with mode 0600: captures
// are raw link bytes) and returns a Writer on it. The header is written
// only when h is not nil and the file is empty, so that an agent restarted
// on the same capture keeps one valid file. Close flushes, fsyncs and
// closes the file.
func Create(path string, h *Header) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		return nil, errors.Join(fmt.Errorf("capture: %w", err), f.Close())
	}
	if st.Size() > 0 {
		h = nil
	}
	w, err := NewWriter(f, h)
	if err != nil {
		return nil, errors.Join(err, f.Close())
	}
	w.f = f
	return w, nil
}

// Write appends one record line. A record needs a time, a device name and,
// for a link event, no data. After a failed write every later Write fails
// with the same error.
func (w *Writer) Write(r Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	line, err := appendRecord(w.line[:0], &r)
	if err != nil {
		return err
	}
	w.line = line
	if _, err := w.bw.Write(line); err != nil {
		w.err = fmt.Errorf("capture: write: %w", err)
		return w.err
	}
	return nil
}

// Flush writes buffered lines to the underlying writer.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flush()
}

func (w *Writer) flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("capture: write: %w", err)
		return w.err
	}
	return nil
}

// Sync flushes and, for a Writer from Create, fsyncs the file so that what
// was written survives a power cut.
func (w *Writer) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.flush(); err != nil {
		return err
	}
	if w.f != nil {
		if err := w.f.Sync(); err != nil {
			return fmt.Errorf("capture: sync: %w", err)
		}
	}
	return nil
}

// Close flushes, fsyncs and closes a Writer from Create; on a Writer from
// NewWriter it only flushes (the caller owns the io.Writer). Later writes
// fail with ErrClosed.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if errors.Is(w.err, ErrClosed) {
		return ErrClosed
	}
	err := w.flush()
	if w.f != nil {
		if err == nil {
			if e := w.f.Sync(); e != nil {
				err = fmt.Errorf("capture: sync: %w", e)
			}
		}
		if e := w.f.Close(); e != nil && err == nil {
			err = fmt.Errorf("capture: close: %w", e)
		}
	}
	w.err = ErrClosed
	return err
}

// appendRecord encodes r as one JSON line.
func appendRecord(b []byte, r *Record) ([]byte, error) {
	if r.Dev == "" {
		return nil, fmt.Errorf("capture: %w: no device name", ErrBadRecord)
	}
	if r.Time.IsZero() {
		return nil, fmt.Errorf("capture: %w: no time", ErrBadRecord)
	}
	t := r.Time.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("capture: %w: year %d out of range", ErrBadTime, y)
	}
	b = append(b, `{"t":"`...)
	b = t.AppendFormat(b, timeLayout)
	b = append(b, `","dev":`...)
	b = appendString(b, r.Dev)
	switch r.Link {
	case "":
		if r.Dir != drivers.FromHost && r.Dir != drivers.FromDevice {
			return nil, fmt.Errorf("capture: %w: direction %d", ErrBadRecord, r.Dir)
		}
		b = append(b, `,"from":"`...)
		b = append(b, r.Dir.String()...)
		b = append(b, `","b64":"`...)
		b = base64.StdEncoding.AppendEncode(b, r.Data)
		b = append(b, '"')
	case LinkUp, LinkDown:
		if len(r.Data) > 0 {
			return nil, fmt.Errorf("capture: %w: link event with data", ErrBadRecord)
		}
		b = append(b, `,"link":"`...)
		b = append(b, r.Link...)
		b = append(b, '"')
		if r.Reason != "" {
			b = append(b, `,"reason":`...)
			b = appendString(b, r.Reason)
		}
	default:
		return nil, fmt.Errorf("capture: %w: link %q is not up or down", ErrBadRecord, r.Link)
	}
	return append(b, "}\n"...), nil
}

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD
// as with encoding/json.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}
