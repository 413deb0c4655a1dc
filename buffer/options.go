package buffer

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// Options tunes the Badger database for a small machine. DefaultOptions
// returns values sized for a Raspberry Pi; doc.go explains the memory budget.
type Options struct {
	// MemTableSize is the size of one in-memory write table (and of its
	// write-ahead log). Badger's largest atomic batch is 15% of it.
	MemTableSize int64
	// NumMemtables is how many memtables may exist at once (one active,
	// the others waiting to be flushed to level 0).
	NumMemtables int
	// ValueThreshold: values at least this long go to the value log, shorter
	// ones are kept in the LSM tree next to their key.
	ValueThreshold int64
	// BaseTableSize is the size of one SSTable on level 1.
	BaseTableSize int64
	// NumLevelZeroTables starts a compaction of level 0;
	// NumLevelZeroTablesStall stalls writes until it is done.
	NumLevelZeroTables      int
	NumLevelZeroTablesStall int
	// NumCompactors is the number of Badger's compaction goroutines (0 or
	// at least 2). Badger's compactors poll every 50 ms; with 0 (the
	// default) this package compacts on demand instead (compact.go).
	NumCompactors int
	// ValueLogFileSize is the size of one value log file (1 MiB .. 2 GiB).
	ValueLogFileSize int64
	// BlockCacheSize and IndexCacheSize bound the caches of table blocks
	// and of table indices and bloom filters (0 index cache = keep all).
	BlockCacheSize int64
	IndexCacheSize int64
	// Snappy compresses table blocks (needs a block cache).
	Snappy bool
	// SyncWrites fsyncs every commit before it returns (lazy batches
	// only with the next synced commit or DB.Sync). Turning it off loses
	// acknowledged writes on power loss; it exists for benchmarks.
	SyncWrites bool
	// GCDiscardRatio is the share of garbage a value log file must hold
	// before RunGC rewrites it, in (0, 1).
	GCDiscardRatio float64
	// DeliveredTTL is how long a Queue remembers an id after Done (or
	// after shedding or expiring it).
	DeliveredTTL time.Duration
	// MinFreeBytes is the free space the database's file system must keep:
	// below it, writes that grow the database fail with ErrDiskFull (see
	// space.go). 0 turns the guard off.
	MinFreeBytes int64
	// Now is the clock for delivered-id expiry; nil means time.Now.
	Now func() time.Time
}

// DefaultOptions returns options for a Raspberry Pi class machine: about
// 24 MiB of memory for Badger, every commit synced.
func DefaultOptions() Options {
	return Options{
		MemTableSize:            8 << 20,
		NumMemtables:            2,
		ValueThreshold:          1 << 10,
		BaseTableSize:           2 << 20,
		NumLevelZeroTables:      2,
		NumLevelZeroTablesStall: 8,
		NumCompactors:           0,
		ValueLogFileSize:        16 << 20,
		BlockCacheSize:          4 << 20,
		IndexCacheSize:          0,
		Snappy:                  true,
		SyncWrites:              true,
		GCDiscardRatio:          0.5,
		DeliveredTTL:            7 * 24 * time.Hour,
		MinFreeBytes:            2*(8<<20) + 16<<20,
	}
}

// validate checks what Badger would otherwise reject with a panic or an
// unclear message.
func (o Options) validate() error {
	switch {
	case o.MemTableSize < 1<<20:
		return fmt.Errorf("buffer: options: MemTableSize %d below 1 MiB", o.MemTableSize)
	case o.NumMemtables < 1:
		return fmt.Errorf("buffer: options: NumMemtables %d below 1", o.NumMemtables)
	case o.ValueThreshold < 1 || o.ValueThreshold > o.MemTableSize*15/100:
		return fmt.Errorf("buffer: options: ValueThreshold %d outside 1..15%% of MemTableSize (%d)",
			o.ValueThreshold, o.MemTableSize*15/100)
	case o.NumCompactors == 1 || o.NumCompactors < 0:
		return fmt.Errorf("buffer: options: NumCompactors %d must be 0 or at least 2", o.NumCompactors)
	case o.ValueLogFileSize < 1<<20 || o.ValueLogFileSize >= 2<<30:
		return fmt.Errorf("buffer: options: ValueLogFileSize %d outside 1 MiB..2 GiB", o.ValueLogFileSize)
	case o.Snappy && o.BlockCacheSize <= 0:
		return fmt.Errorf("buffer: options: Snappy needs a BlockCacheSize")
	case o.GCDiscardRatio <= 0 || o.GCDiscardRatio >= 1:
		return fmt.Errorf("buffer: options: GCDiscardRatio %v outside (0, 1)", o.GCDiscardRatio)
	case o.DeliveredTTL <= 0:
		return fmt.Errorf("buffer: options: DeliveredTTL %v must be positive", o.DeliveredTTL)
	case o.MinFreeBytes < 0:
		return fmt.Errorf("buffer: options: MinFreeBytes %d is negative", o.MinFreeBytes)
	}
	return nil
}

// badgerOptions translates Options for Badger.
func (o Options) badgerOptions(dir string, log *slog.Logger) badger.Options {
	comp := options.None
	if o.Snappy {
		comp = options.Snappy
	}
	return badger.DefaultOptions(dir).
		WithMemTableSize(o.MemTableSize).
		WithNumMemtables(o.NumMemtables).
		WithValueThreshold(o.ValueThreshold).
		WithBaseTableSize(o.BaseTableSize).
		WithBaseLevelSize(5 * o.BaseTableSize).
		WithNumLevelZeroTables(o.NumLevelZeroTables).
		WithNumLevelZeroTablesStall(o.NumLevelZeroTablesStall).
		WithNumCompactors(o.NumCompactors).
		WithValueLogFileSize(o.ValueLogFileSize).
		WithBlockCacheSize(o.BlockCacheSize).
		WithIndexCacheSize(o.IndexCacheSize).
		WithCompression(comp).
		// Synced by the committer instead (commit.go), so that a lazy
		// batch can skip it.
		WithSyncWrites(false).
		WithNumGoroutines(2).
		WithMetricsEnabled(false).
		WithDetectConflicts(true).
		// A garbled block is an error on read, not garbage (CRC32C, cheap).
		WithChecksumVerificationMode(options.OnBlockRead).
		WithVerifyValueChecksum(true).
		WithLogger(slogAdapter{log})
}

// slogAdapter passes Badger's log lines to slog, one level quieter for
// Info (Badger chats on every open and compaction).
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) logf(level slog.Level, format string, args []any) {
	ctx := context.Background()
	if !a.l.Enabled(ctx, level) {
		return
	}
	a.l.Log(ctx, level, strings.TrimSpace(fmt.Sprintf(format, args...)), "component", "badger")
}

func (a slogAdapter) Errorf(f string, v ...any)   { a.logf(slog.LevelError, f, v) }
func (a slogAdapter) Warningf(f string, v ...any) { a.logf(slog.LevelWarn, f, v) }
func (a slogAdapter) Infof(f string, v ...any)    { a.logf(slog.LevelDebug, f, v) }
func (a slogAdapter) Debugf(f string, v ...any)   { a.logf(slog.LevelDebug-4, f, v) }
