package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/configs"
)

type replayCmd struct {
	Config   string   `short:"c" type:"path" placeholder:"FILE" help:"Config adding rules and profiles; without it the capture header names each device's protocol."`
	Captures []string `arg:"" name:"CAPTURE" type:"path" help:"Capture files (JSON Lines) to replay, merged by time; - reads standard input."`
	Lang     string   `placeholder:"LANG" help:"Language of the alert summaries (zh-CN, en, de) instead of the config's locale."`
	TZ       string   `name:"tz" placeholder:"ZONE" help:"Time zone of the clock times in summaries (IANA name) instead of the config's time_zone."`
}

func (r *replayCmd) Run(e *env) error {
	var readers []*capture.Reader
	var header *capture.Header
	stdin := false
	for _, path := range r.Captures {
		var in io.Reader
		if path == "-" {
			if stdin {
				return usageError{errors.New("replay: - (standard input) given twice")}
			}
			stdin, in = true, e.stdin
		} else {
			f, err := os.Open(path)
			if err != nil {
				return usageError{fmt.Errorf("replay: %w", err)}
			}
			defer f.Close()
			in = f
		}
		rd := capture.NewReader(in)
		h, err := rd.Header()
		if err != nil {
			return usageError{fmt.Errorf("replay: %s: %w", path, err)}
		}
		if header == nil {
			header = h
		}
		readers = append(readers, rd)
	}
	var cfg *configs.Config
	if r.Config != "" {
		c, err := configs.Load(r.Config)
		if err != nil {
			return usageError{err}
		}
		cfg = c
	} else {
		if header == nil {
			return usageError{fmt.Errorf("replay: %s has no header naming its devices; pass -c CONFIG", r.Captures[0])}
		}
		c, err := lane.ConfigFromHeader(header)
		if err != nil {
			return usageError{fmt.Errorf("replay: %s: %w", r.Captures[0], err)}
		}
		cfg = c
	}
	if r.Lang != "" {
		if _, err := words.Parse(r.Lang); err != nil {
			return usageError{fmt.Errorf("replay: --lang: %w", err)}
		}
		cfg.Locale = r.Lang
	}
	if r.TZ != "" {
		if _, err := time.LoadLocation(r.TZ); err != nil {
			return usageError{fmt.Errorf("replay: --tz %q: %w", r.TZ, err)}
		}
		cfg.TimeZone = r.TZ
	}
	ln, err := lane.New(cfg)
	if err != nil {
		return usageError{err}
	}
	records, err := lane.LoadCaptures(readers, func(err error) { fmt.Fprintf(e.stderr, "tillwatch: replay: %v (skipped)\n", err) })
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	st, err := lane.ReplaySeq(ln, records.All(), func(al detect.Alert) error { return enc.Encode(al) })
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "replay: %d records, %d bytes, %d events, %d alerts\n", st.Records, st.Bytes, st.Events, st.Alerts)
	if st.ImagesUnread > 0 {
		fmt.Fprintf(e.stderr, "replay: %d receipt(s) were printed as images only and nothing read them, so their amounts are unknown and their card sales show as payment_without_receipt: replay a raster lane with its config (-c FILE, whose printer has glyphs: or ocr: auto with Tesseract installed)\n", st.ImagesUnread)
	}
	return nil
}
