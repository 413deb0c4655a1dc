package capture

import (
	"errors"
	"io"
	"iter"
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Batch holds the records of one or more captures in memory, compactly: a
// fixed-size slot per record without pointers and the data in large byte
// blocks, so the garbage collector has nothing in it to scan (a busy lane's
// month is 750,000 records; as a []Record it was 60 MB of pointers the
// collector walked at every cycle of a replay). Records come out of it as
// Record values whose Data share the batch's memory: do not change them.
// A Batch is not safe for concurrent use.
type Batch struct {
	slots  [][]slot // in chunks of slotChunk: no copy as it grows
	blocks [][]byte // records' data, in blocks of dataBlock or one record's size
	devs   []string // device names, by index
	links  []linkInfo
	n      int
	sorted bool // slots are in time order (an empty batch is)
}

// Sizes of a Batch's chunks: appending 750,000 records to one slice that
// grows by a quarter allocated five times their size.
const (
	slotChunk = 8192    // slots
	dataBlock = 1 << 20 // bytes
)

// slot is one record: its time, device and where its data (or link event)
// is kept.
type slot struct {
	sec   int64  // Unix seconds
	nsec  int32  // nanoseconds
	block uint32 // data: index in Batch.blocks
	off   uint32 // data: offset in the block
	n     uint32 // data: length; link: index in Batch.links
	dev   uint32 // index in Batch.devs
	kind  uint8  // kindHost, kindDevice or kindLink
}

// Kinds of slots.
const (
	kindHost uint8 = iota
	kindDevice
	kindLink
)

// linkInfo is a link event's Link and Reason.
type linkInfo struct{ link, reason string }

// NewBatch returns an empty Batch.
func NewBatch() *Batch { return &Batch{sorted: true} }

// Len is the number of records.
func (b *Batch) Len() int { return b.n }

// Add appends a copy of r (its Data at most 4 GiB). Records are kept in the order added until
// SortByTime.
func (b *Batch) Add(r Record) {
	s := slot{sec: r.Time.Unix(), nsec: int32(r.Time.Nanosecond()), dev: b.devIndex(r.Dev)}
	if r.Link != "" {
		s.kind, s.n = kindLink, uint32(len(b.links))
		b.links = append(b.links, linkInfo{r.Link, r.Reason})
	} else {
		s.kind = kindHost
		if r.Dir == drivers.FromDevice {
			s.kind = kindDevice
		}
		s.block, s.off, s.n = b.store(r.Data)
	}
	if b.n > 0 && s.before(b.slot(b.n-1)) {
		b.sorted = false
	}
	if b.n%slotChunk == 0 {
		b.slots = append(b.slots, make([]slot, 0, slotChunk))
	}
	last := &b.slots[len(b.slots)-1]
	*last = append(*last, s)
	b.n++
}

// store copies data into the last block, or a new one when it does not
// fit (a block of its own when larger than dataBlock).
func (b *Batch) store(data []byte) (block, off, n uint32) {
	last := len(b.blocks) - 1
	if last < 0 || cap(b.blocks[last])-len(b.blocks[last]) < len(data) {
		b.blocks = append(b.blocks, make([]byte, 0, max(dataBlock, len(data))))
		last++
	}
	off = uint32(len(b.blocks[last]))
	b.blocks[last] = append(b.blocks[last], data...)
	return uint32(last), off, uint32(len(data))
}

func (b *Batch) slot(i int) *slot { return &b.slots[i/slotChunk][i%slotChunk] }

// devIndex returns the index of a device name, adding it when new. A
// lane has a few devices: a linear search, the last one first.
func (b *Batch) devIndex(dev string) uint32 {
	if n := len(b.devs); n > 0 && b.devs[n-1] == dev {
		return uint32(n - 1)
	}
	if i := slices.Index(b.devs, dev); i >= 0 {
		return uint32(i)
	}
	b.devs = append(b.devs, dev)
	return uint32(len(b.devs) - 1)
}

func (s *slot) before(o *slot) bool {
	return s.sec < o.sec || s.sec == o.sec && s.nsec < o.nsec
}

// SortByTime orders the records by time; records with equal times keep
// the order they were added in.
func (b *Batch) SortByTime() {
	if b.sorted {
		return // a stable sort would keep them as they are
	}
	all := slices.Concat(b.slots...)
	slices.SortStableFunc(all, func(x, y slot) int {
		switch {
		case x.before(&y):
			return -1
		case y.before(&x):
			return 1
		}
		return 0
	})
	for i := range b.slots {
		b.slots[i] = all[i*slotChunk : min(len(all), (i+1)*slotChunk)]
	}
	b.sorted = true
}

// Record returns record i (0 <= i < Len).
func (b *Batch) Record(i int) Record {
	s := b.slot(i)
	r := Record{Time: time.Unix(s.sec, int64(s.nsec)).UTC(), Dev: b.devs[s.dev]}
	switch s.kind {
	case kindLink:
		l := b.links[s.n]
		r.Link, r.Reason = l.link, l.reason
	default:
		r.Dir = drivers.FromHost
		if s.kind == kindDevice {
			r.Dir = drivers.FromDevice
		}
		end := s.off + s.n
		r.Data = b.blocks[s.block][s.off:end:end]
	}
	return r
}

// All yields the records in order.
func (b *Batch) All() iter.Seq[Record] {
	return func(yield func(Record) bool) {
		for i := range b.n {
			if !yield(b.Record(i)) {
				return
			}
		}
	}
}

// Load adds every record rd yields until its end. A bad line
// (*ParseError) is passed to bad, when not nil, and skipped; bad nil makes
// it fatal. Any other error ends the read and is returned as the reader
// gave it.
func (b *Batch) Load(rd *Reader, bad func(error)) error {
	// Each record's data is copied into the batch at once: the reader
	// decodes every record into the same scratch memory.
	rd.arena.scratch = true
	defer func() { rd.arena.scratch = false }()
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && bad != nil {
				bad(err)
				continue
			}
			return err
		}
		b.Add(r)
	}
}
