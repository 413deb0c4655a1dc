package capture

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestBatchSameRecords checks that a Batch gives back exactly the records
// a Reader reads (times, names, data, link events), in file order.
func TestBatchSameRecords(t *testing.T) {
	data, err := os.ReadFile("testdata/lane.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want := readAll(t, NewReader(bytes.NewReader(data)))
	b := NewBatch()
	if err := b.Load(NewReader(bytes.NewReader(data)), nil); err != nil {
		t.Fatal(err)
	}
	got := slices.Collect(b.All())
	if len(got) != len(want) || b.Len() != len(want) {
		t.Fatalf("%d records (Len %d), want %d", len(got), b.Len(), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("record %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestBatchSortStable checks SortByTime: by time, equal times in the order
// added, across devices, directions and link events; data stays with its
// record and an empty data record has empty, not nil, data.
func TestBatchSortStable(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	in := []Record{
		{Time: t0.Add(2 * time.Second), Dev: "printer", Dir: drivers.FromHost, Data: []byte("c")},
		{Time: t0.Add(time.Second), Dev: "terminal", Dir: drivers.FromDevice, Data: []byte("a")},
		{Time: t0.Add(2 * time.Second), Dev: "terminal", Link: LinkDown, Reason: "unplugged"},
		{Time: t0.Add(time.Second + time.Microsecond), Dev: "printer", Dir: drivers.FromHost, Data: []byte{}},
		{Time: t0.Add(time.Second), Dev: "printer", Dir: drivers.FromHost, Data: []byte("b")},
	}
	b := NewBatch()
	for _, r := range in {
		b.Add(r)
	}
	b.SortByTime()
	want := []Record{in[1], in[4], in[3], in[0], in[2]}
	got := slices.Collect(b.All())
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sorted\n%+v\nwant\n%+v", got, want)
	}
	if got[2].Data == nil {
		t.Fatal("an empty chunk came back nil")
	}
}

// TestBatchBadLines checks that Load passes bad lines to bad and goes on,
// and that without bad the first one ends the load.
func TestBatchBadLines(t *testing.T) {
	const in = `{"t":"2026-11-22T10:15:03.000001Z","dev":"p","from":"host","b64":"QQ=="}
{"t":"2026-11-22T10:15:04Z","dev":"p","from":"host","b64":"!!"}
{"t":"2026-11-22T10:15:05.000001Z","dev":"p","from":"device","b64":"Qg=="}
`
	var bad []error
	b := NewBatch()
	if err := b.Load(NewReader(strings.NewReader(in)), func(err error) { bad = append(bad, err) }); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 2 || len(bad) != 1 || !errors.Is(bad[0], ErrBadB64) {
		t.Fatalf("%d records, bad lines %v", b.Len(), bad)
	}
	if got := string(b.Record(1).Data); got != "B" {
		t.Fatalf("second record's data %q (the scratch memory was not copied?)", got)
	}
	var pe *ParseError
	if err := NewBatch().Load(NewReader(strings.NewReader(in)), nil); !errors.As(err, &pe) || pe.Line != 2 {
		t.Fatalf("without bad: %v, want line 2's error", err)
	}
}

// TestBatchSortMany sorts more records than fit one chunk, out of order
// with many equal times, and compares with a stable sort of the records.
func TestBatchSortMany(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var in []Record
	for i := range 3*slotChunk + 17 {
		at := t0.Add(time.Duration((i*7919)%1000) * time.Millisecond)
		in = append(in, Record{Time: at, Dev: []string{"printer", "terminal"}[i%2], Dir: drivers.FromHost, Data: []byte{byte(i), byte(i >> 8)}})
	}
	b := NewBatch()
	for _, r := range in {
		b.Add(r)
	}
	b.SortByTime()
	want := slices.Clone(in)
	slices.SortStableFunc(want, func(x, y Record) int { return x.Time.Compare(y.Time) })
	if got := slices.Collect(b.All()); !reflect.DeepEqual(got, want) {
		t.Fatal("Batch's order differs from a stable sort of the records")
	}
}

// TestWriterTime compares the writer's-layout parser with time.Parse on
// valid and invalid dates (leap days, month ends, out of range fields).
func TestWriterTime(t *testing.T) {
	for _, s := range []string{
		"2026-11-22T10:15:03.123456Z", "2024-02-29T00:00:00.000000Z", "2023-02-29T00:00:00.000000Z",
		"2000-02-29T23:59:59.999999Z", "1900-02-29T00:00:00.000000Z", "2026-04-31T00:00:00.000000Z",
		"2026-12-31T24:00:00.000000Z", "2026-13-01T00:00:00.000000Z", "2026-00-01T00:00:00.000000Z",
		"2026-01-00T00:00:00.000000Z", "2026-01-01T00:60:00.000000Z", "2026-01-01T00:00:60.000000Z",
		"0000-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z", "2026-01-01T00:00:00.00000aZ",
		"2026-01-01T00:00:00.000000+01:00", "2026-01-01T00:00:00Z", "-026-01-01T00:00:00.000000Z",
	} {
		want, err := time.Parse(time.RFC3339Nano, s)
		got, ok := writerTime([]byte(s))
		if ok && (err != nil || !reflect.DeepEqual(got, want.UTC())) {
			t.Errorf("%s: %v, time.Parse %v %v", s, got, want, err)
		}
		if !ok && err == nil && len(s) == 27 && s[26] == 'Z' {
			t.Errorf("%s: not taken, time.Parse reads it", s)
		}
	}
}

// TestDaysFromCivil compares daysFromCivil with time.Date on every first,
// 28th and last day of a month of the years 0 to 9999.
func TestDaysFromCivil(t *testing.T) {
	for y := 0; y <= 9999; y++ {
		for mo := 1; mo <= 12; mo++ {
			for _, d := range []int{1, 28, daysIn(mo, y)} {
				want := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC).Unix() / 86400
				if u := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC).Unix(); u < 0 && u%86400 != 0 {
					want-- // floor
				}
				if got := daysFromCivil(y, mo, d); got != want {
					t.Fatalf("daysFromCivil(%d, %d, %d) = %d, want %d", y, mo, d, got, want)
				}
			}
		}
	}
}
