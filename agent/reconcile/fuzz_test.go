package reconcile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzReadStatement: any bytes, in any encoding, are read to the end
// without a panic; bad rows are errors with a line.
func FuzzReadStatement(f *testing.F) {
	for _, name := range []string{"unionpay-duizhangdan.csv", "acquirer-en.csv", "acquirer-de-cp1252.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("\xFF\xFEd\x00a\x00t\x00e\x00"))
	f.Add([]byte("date,amount\n2026-11-22,\"1.00\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ReadStatement(bytes.NewReader(b), Options{Location: time.UTC})
		if bad, ok := err.(BadRows); ok {
			for _, r := range bad {
				if r.Line < 1 || r.Field == "" {
					t.Fatalf("bad row without a place: %+v", r)
				}
			}
		}
	})
}
