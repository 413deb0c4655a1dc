package capture

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Errors wrapped by *ParseError and by Writer.Write.
var (
	ErrBadJSON     = errors.New("bad json")
	ErrBadTime     = errors.New("bad time")
	ErrBadB64      = errors.New("bad b64")
	ErrBadRecord   = errors.New("bad record")
	ErrLineTooLong = errors.New("line too long")
	ErrVersion     = errors.New("unsupported capture version")
)

// DefaultMaxLine bounds the length of one line (a 48 MiB chunk in base64).
const DefaultMaxLine = 64 << 20

// ParseError is a bad line: Line is its 1-based number.
type ParseError struct {
	Line int
	Err  error
}

// Error formats as "capture: line 17: bad b64: ...".
func (e *ParseError) Error() string { return fmt.Sprintf("capture: line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause, one of the Err* sentinels wrapped with detail.
func (e *ParseError) Unwrap() error { return e.Err }

// Reader reads a capture line by line. A bad line (a bad header too)
// yields a *ParseError and the next call goes on with the following line.
// Two errors are sticky and end the stream: a read error of the underlying
// reader (not a *ParseError) and an unsupported header version (a
// *ParseError wrapping ErrVersion).
type Reader struct {
	// MaxLine bounds one line in bytes (DefaultMaxLine when 0); set it
	// before the first call. Longer lines are skipped with ErrLineTooLong.
	MaxLine int

	br      *bufio.Reader
	line    int
	started bool
	header  *Header
	pending []byte // first line when it was not a header
	buf     []byte
	arena   arena // shared by the records the fast path reads
	err     error // sticky
}

// wire is the JSON shape of any line; pointers tell absent from empty.
type wire struct {
	Capture *string `json:"capture"`
	T       *string `json:"t"`
	Dev     string  `json:"dev"`
	From    *string `json:"from"`
	B64     *string `json:"b64"`
	Link    *string `json:"link"`
	Reason  string  `json:"reason"`
}

// NewReader returns a Reader on r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10)}
}

// Header returns the capture's header, or nil when it has none. It reads
// the first line if Next has not done so yet.
func (r *Reader) Header() (*Header, error) {
	if err := r.start(); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return r.header, nil
}

// start reads the first non-blank line and keeps it as the header or as
// the first record.
func (r *Reader) start() error {
	if r.started {
		return r.err
	}
	r.started = true
	line, err := r.readLine()
	if err != nil {
		return err
	}
	var w wire
	if json.Unmarshal(line, &w) == nil && w.Capture != nil {
		var h Header
		if err := json.Unmarshal(line, &h); err != nil {
			// Reported once; the records after it are still readable.
			return &ParseError{Line: r.line, Err: fmt.Errorf("%w: header: %v", ErrBadJSON, err)}
		}
		if h.Capture != Version {
			r.err = &ParseError{Line: r.line, Err: fmt.Errorf("%w %q (this build reads %s)", ErrVersion, h.Capture, Version)}
			return r.err
		}
		r.header = &h
		return nil
	}
	r.pending = append([]byte(nil), line...)
	return nil
}

// Next returns the next record, io.EOF at the end, or a *ParseError for a
// bad line (call Next again to go on).
func (r *Reader) Next() (Record, error) {
	if err := r.start(); err != nil {
		return Record{}, err
	}
	line := r.pending
	r.pending = nil
	if line == nil {
		var err error
		if line, err = r.readLine(); err != nil {
			return Record{}, err
		}
	}
	if rec, ok := fastRecord(line, &r.arena); ok {
		return rec, nil
	}
	rec, err := parseRecord(line)
	if err != nil {
		return Record{}, &ParseError{Line: r.line, Err: err}
	}
	return rec, nil
}

// readLine returns the next non-blank line without its line ending; the
// slice is valid until the next call. Errors other than *ParseError for a
// too long line are sticky.
func (r *Reader) readLine() ([]byte, error) {
	max := r.MaxLine
	if max <= 0 {
		max = DefaultMaxLine
	}
	for {
		if r.err != nil {
			return nil, r.err
		}
		r.buf = r.buf[:0]
		tooLong := false
		var data []byte // the line: in the bufio.Reader's buffer when it fits, else copied into r.buf
		var err error
		for first := true; ; first = false {
			var frag []byte
			frag, err = r.br.ReadSlice('\n')
			if first && err != bufio.ErrBufferFull {
				data, tooLong = frag, len(frag) > max+2
				break
			}
			if !tooLong && len(r.buf)+len(frag) > max+2 {
				tooLong, r.buf = true, r.buf[:0]
			}
			if !tooLong {
				r.buf = append(r.buf, frag...)
			}
			if err != bufio.ErrBufferFull {
				data = r.buf
				break
			}
		}
		if err != nil && err != io.EOF {
			r.err = fmt.Errorf("capture: read: %w", err)
			return nil, r.err
		}
		atEOF := err == io.EOF
		if atEOF && len(data) == 0 && !tooLong {
			r.err = io.EOF
			return nil, r.err
		}
		r.line++
		if tooLong {
			if atEOF {
				r.err = io.EOF
			}
			return nil, &ParseError{Line: r.line, Err: fmt.Errorf("%w (more than %d bytes)", ErrLineTooLong, max)}
		}
		line := data // without its line ending: bytes.TrimRight(data, "\r\n") by hand, a tenth of reading a line
		for n := len(line); n > 0 && (line[n-1] == '\n' || line[n-1] == '\r'); n-- {
			line = line[:n-1]
		}
		if r.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // UTF-8 BOM
		}
		if len(bytes.TrimSpace(line)) > 0 {
			return line, nil
		}
		if atEOF {
			r.err = io.EOF
		}
	}
}

// parseRecord decodes one record line.
func parseRecord(line []byte) (Record, error) {
	var w wire
	if err := json.Unmarshal(line, &w); err != nil {
		return Record{}, fmt.Errorf("%w: %v", ErrBadJSON, err)
	}
	switch {
	case w.Capture != nil:
		return Record{}, fmt.Errorf("%w: a header is only allowed on the first line (concatenated captures?)", ErrBadRecord)
	case w.T == nil:
		return Record{}, fmt.Errorf("%w: no \"t\"", ErrBadRecord)
	case w.Dev == "":
		return Record{}, fmt.Errorf("%w: no \"dev\"", ErrBadRecord)
	}
	t, err := time.Parse(time.RFC3339Nano, *w.T)
	if err != nil {
		return Record{}, fmt.Errorf("%w: %q is not an RFC 3339 time", ErrBadTime, *w.T)
	}
	rec := Record{Time: t.UTC(), Dev: w.Dev}
	if w.Link != nil {
		if w.B64 != nil {
			return Record{}, fmt.Errorf("%w: both \"link\" and \"b64\"", ErrBadRecord)
		}
		if *w.Link != LinkUp && *w.Link != LinkDown {
			return Record{}, fmt.Errorf("%w: link %q is not up or down", ErrBadRecord, *w.Link)
		}
		rec.Link, rec.Reason = *w.Link, w.Reason
		return rec, nil
	}
	if w.B64 == nil {
		return Record{}, fmt.Errorf("%w: neither \"b64\" nor \"link\"", ErrBadRecord)
	}
	switch {
	case w.From == nil:
		return Record{}, fmt.Errorf("%w: no \"from\"", ErrBadRecord)
	case *w.From == "host":
		rec.Dir = drivers.FromHost
	case *w.From == "device":
		rec.Dir = drivers.FromDevice
	default:
		return Record{}, fmt.Errorf("%w: from %q is not host or device", ErrBadRecord, *w.From)
	}
	if rec.Data, err = base64.StdEncoding.DecodeString(*w.B64); err != nil {
		return Record{}, fmt.Errorf("%w: %v", ErrBadB64, err)
	}
	return rec, nil
}
