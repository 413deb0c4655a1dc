package buffer

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Class is a queue entry's priority when the queue must shed entries:
// ClassInfo goes first, then ClassWarning; ClassCritical is never shed to
// honour Limits.MaxBytes (see doc.go, "Outbox semantics").
type Class uint8

// Classes, lowest priority first.
const (
	ClassInfo Class = iota
	ClassWarning
	ClassCritical
	numClasses
)

// String returns info, warning or critical.
func (c Class) String() string {
	switch c {
	case ClassInfo:
		return "info"
	case ClassWarning:
		return "warning"
	case ClassCritical:
		return "critical"
	}
	return fmt.Sprintf("class(%d)", uint8(c))
}

// ParseClass maps an alert severity (info, warning, critical) to its
// Class. Anything else is ClassCritical: an unknown severity is kept, not
// shed.
func ParseClass(severity string) Class {
	switch severity {
	case "info":
		return ClassInfo
	case "warning":
		return ClassWarning
	}
	return ClassCritical
}

var (
	// ErrShed is returned by Queue.Put when the entry itself was shed: the
	// queue is over Limits.MaxBytes and holds nothing of a lower class (or
	// older of the same class) to make room. The shed is counted.
	ErrShed = errors.New("buffer: entry shed, queue over its byte capacity")
	// ErrDiskFull is returned by writes that would grow the database while
	// the file system has less than Options.MinFreeBytes free. Nothing is
	// written; deletes (Queue.Done) still work.
	ErrDiskFull = errors.New("buffer: disk full")
)

// Limits bound a queue. Zero fields mean no limit.
type Limits struct {
	// MaxBytes is the byte capacity: the sum of the entries' costs
	// (len(id) + len(value) + ItemOverhead).
	MaxBytes int64
	// MaxAge drops entries stored longer ago than this (Queue.Expire).
	MaxAge time.Duration
}

// ItemOverhead is what one entry costs beyond its id and value in the
// byte accounting of Limits.MaxBytes: its keys, index and metadata.
const ItemOverhead = 64

// itemCost is an entry's share of Limits.MaxBytes.
func itemCost(id string, value []byte) int64 {
	return int64(len(id) + len(value) + ItemOverhead)
}

// ShedCounts counts entries by class.
type ShedCounts struct {
	Info     uint64 `json:"info"`
	Warning  uint64 `json:"warning"`
	Critical uint64 `json:"critical"`
}

// Total is the sum over the classes.
func (s ShedCounts) Total() uint64 { return s.Info + s.Warning + s.Critical }

func (s *ShedCounts) add(c Class, n uint64) {
	switch c {
	case ClassInfo:
		s.Info += n
	case ClassWarning:
		s.Warning += n
	default:
		s.Critical += n
	}
}

// QueueStats describe a queue's contents and losses.
type QueueStats struct {
	// Depth is the number of pending entries; Bytes their cost.
	Depth int   `json:"depth"`
	Bytes int64 `json:"bytes"`
	// Oldest is when the oldest pending entry was stored (zero if none).
	Oldest time.Time `json:"oldest,omitzero"`
	// Shed counts entries dropped for the byte capacity, by class
	// (persistent, since the queue was created).
	Shed ShedCounts `json:"shed"`
	// Expired counts entries dropped for Limits.MaxAge (persistent).
	Expired uint64 `json:"expired"`
	// Unreadable counts entries dropped because a damaged value log or
	// table made them unreadable (persistent).
	Unreadable uint64 `json:"unreadable"`
	// DiskFull counts puts refused with ErrDiskFull by this process (the
	// caller still holds those entries; they are not lost yet).
	DiskFull uint64 `json:"disk_full"`
}

// queueLimits holds a queue's limits and in-memory counters.
type queueLimits struct {
	mu       sync.Mutex
	lim      Limits
	diskFull uint64 // puts refused with ErrDiskFull, this process
}

func (l *queueLimits) get() Limits {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lim
}

func (l *queueLimits) refuse() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.diskFull++
}
