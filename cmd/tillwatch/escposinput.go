package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/drivers"
)

// capturePrefix starts a capture file (tillwatch capture, a config's
// capture:): its header line.
var capturePrefix = []byte(`{"capture":`)

// printerStream returns the ESC/POS bytes of an input file: the file
// itself, or, when it is a capture file, what the register sent its
// printer, record after record. A technician setting a raster lane up
// captures receipts with tillwatch capture and decodes, profiles and
// learns from that file directly.
func printerStream(data []byte, name string) ([]byte, error) {
	if !bytes.HasPrefix(data, capturePrefix) {
		return data, nil
	}
	rd := capture.NewReader(bytes.NewReader(data))
	h, err := rd.Header()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var printers []string
	if h != nil {
		for dev, info := range h.Devices {
			if info.Role == "printer" && info.Protocol == "escpos" {
				printers = append(printers, dev)
			}
		}
	}
	slices.Sort(printers)
	if len(printers) != 1 {
		return nil, fmt.Errorf("%s: a capture with %d ESC/POS printers in its header (%s): want one", name, len(printers), strings.Join(printers, ", "))
	}
	var out []byte
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if r.Dev == printers[0] && r.Link == "" && r.Dir == drivers.FromHost {
			out = append(out, r.Data...)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: the capture holds nothing the register sent printer %q", name, printers[0])
	}
	return out, nil
}
