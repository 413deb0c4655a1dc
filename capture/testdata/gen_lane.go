//go:build ignore

// gen_lane writes testdata/lane.jsonl, the golden capture, from the real
// device bytes in testdata/src (see testdata/README.md). Run it from the
// capture directory: go run testdata/gen_lane.go
package main

import (
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/drivers"
)

func main() {
	var recs []capture.Record
	blobs, err := filepath.Glob("testdata/src/*.blob")
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range blobs {
		// File name: UNIXSECONDS.NANOS_{pt_ecr|ecr_pt}.blob
		base := filepath.Base(b)
		stamp, dir, _ := strings.Cut(strings.TrimSuffix(base, ".blob"), "_")
		sec, nsec, _ := strings.Cut(stamp, ".")
		s, _ := strconv.ParseInt(sec, 10, 64)
		ns, _ := strconv.ParseInt(nsec, 10, 64)
		data, err := os.ReadFile(b)
		if err != nil {
			log.Fatal(err)
		}
		d := drivers.FromHost // ecr_pt: register -> terminal
		if dir == "pt_ecr" {
			d = drivers.FromDevice
		}
		recs = append(recs, capture.Record{Time: time.Unix(s, ns), Dev: "terminal", Dir: d, Data: data})
	}
	receipt, err := os.ReadFile("testdata/src/SnailDev.EscPosParser_receipt-text.bin")
	if err != nil {
		log.Fatal(err)
	}
	// The receipt arrives in three reads, 40 ms apart, after the payment.
	t0 := time.Unix(1680728166, 100000000)
	for i, off := range []int{0, 256, 512} {
		end := min(off+256, len(receipt))
		recs = append(recs, capture.Record{Time: t0.Add(time.Duration(i) * 40 * time.Millisecond), Dev: "printer", Dir: drivers.FromHost, Data: receipt[off:end]})
	}
	recs = append(recs,
		capture.Record{Time: time.Unix(1680728170, 250000000), Dev: "printer", Link: capture.LinkDown, Reason: "usb device vanished"},
		capture.Record{Time: time.Unix(1680728171, 750000000), Dev: "printer", Link: capture.LinkUp},
	)
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Time.Before(recs[j].Time) })

	f, err := os.Create("testdata/lane.jsonl")
	if err != nil {
		log.Fatal(err)
	}
	w, err := capture.NewWriter(f, &capture.Header{
		Site: "store-042", Lane: "lane-3",
		Devices: map[string]capture.DeviceInfo{
			"printer":  {Role: "printer", Protocol: "escpos", Profile: "generic", ChineseDefault: true, Currency: "CNY"},
			"terminal": {Role: "terminal", Protocol: "zvt", Framing: "tcp", Currency: "EUR"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
