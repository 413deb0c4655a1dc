// Package buffer is tillwatch's embedded database: a durable FIFO queue with
// put-if-absent (the alert outbox) and an ordered keyed store (the
// electronic journal), both on one Badger v4 database. It knows keys and
// bytes only, nothing of alerts or events.
//
// # Keys
//
// Every key carries a type prefix: "q/<queue>/" (queue items, indexes and
// delivered-id memory), "s/<store>/" (store keys) and "c/q/<queue>...",
// "c/s/<store>" (persistent counters). Names may not contain '/'.
//
// # Outbox semantics (Queue)
//
//   - Durable: Put returns only once the entry is fsynced (group commit,
//     below); a kill -9 or power cut after that loses nothing.
//   - Oldest first: Pending returns entries in put order (Seq 1, 2, 3, ...
//     across restarts).
//   - Put-if-absent by id: an id already pending, or delivered, shed or
//     expired within Options.DeliveredTTL (7 days), is not stored again, so
//     re-detecting an incident after a restart does not publish it twice.
//   - Memory of delivered ids: Done deletes the entry and remembers its id
//     for DeliveredTTL in the same transaction; DoneAll does it for a
//     window of acks with one fsync. A reader that delivers oldest first
//     (the uplink) settles instead with Delivered: one "delivered through
//     Seq" watermark and two counters per call, whatever the number of
//     entries; Sweep later deletes the settled entries' keys and writes
//     their delivered-id memory in bulk, when the drain is idle. Until
//     then every reader treats an entry under the watermark as delivered
//     (settle.go). Pending reads from a head cursor, so a long drain does
//     not step over the tombstones of every entry already delivered, and
//     PendingAfter reads on from the last entry a reader holds.
//   - Byte capacity (Limits.MaxBytes; an entry costs len(id) + len(value) +
//     ItemOverhead bytes). Shedding policy: to make room for a new entry
//     of class C, Put drops info entries first, then warning entries,
//     oldest first within a class, and only of classes up to C. A critical
//     entry is never dropped for the capacity: when only critical entries
//     remain, a new critical one is stored anyway (the capacity yields),
//     and a new info or warning one is dropped itself (Put returns
//     ErrShed). Drops are counted per class in persistent counters
//     (QueueStats.Shed, published as "buffer_shed" in the agent's health
//     message) and their ids remembered like delivered ones.
//   - Disk truly full: below Options.MinFreeBytes of free space (default
//     two memtables and one value-log file, 32 MiB) every growing write
//     (Queue.Put, Store.Put*) fails with ErrDiskFull and writes nothing, for
//     every class; deletes still work. The caller keeps what it could not
//     store (the agent holds such alerts in memory and retries) and only
//     then may a critical alert be lost. The reserve exists because Badger
//     writes through memory maps of sparse files: on a full file system it
//     would crash with SIGBUS instead of returning ENOSPC.
//   - Age limit (Limits.MaxAge): Expire drops entries stored longer ago,
//     whatever their class, counted in QueueStats.Expired.
//
// # Damaged databases (OpenOrRecover)
//
// A corrupt or truncated file never keeps the agent from starting.
// OpenOrRecover first checks every table the way Badger will read it
// (Badger panics in its own goroutines on a truncated table). When the
// database cannot be opened (a damaged table or manifest, a missing
// table), every file is moved into data_dir/corrupt-<UTC time>/ with a
// REASON.txt, and a fresh database is opened: the agent runs, logs the
// loss at error level and reports it (MovedAside) in its health message
// until a person removes the directory. Damage Badger can open around (a
// truncated or garbled value log, a torn memtable at a power cut) loses
// only the entries it touched: block and value checksums are verified on
// read, and Queue.Pending drops an unreadable entry instead of blocking
// the queue, logging it and counting it in QueueStats.Unreadable;
// Store.Scan skips one, logging it (a value lost from the value log reads
// empty in Badger v4 without an error: store.go valueOf).
// TestOpenOrRecover covers each kind of damage.
//
// # Durability and group commit
//
// Every write is synced to disk before it returns (Options.SyncWrites),
// but those of a lazy batch (Batch.CommitLazy): they are in Badger's
// memory-mapped logs when it returns, so a kill -9 loses none, and are
// synced with the next synced commit or DB.Sync; a power cut before that
// loses them (and only them). Badger is opened without SyncWrites and
// this package syncs its logs itself after each synced commit (commit.go,
// logsync.go: also a memtable log or value-log file Badger switched away
// from since the last sync, which Badger syncs on the switch only with
// SyncWrites), and value-log GC keeps a rewritten file until the moved
// values are synced (db.go gcFile).
// Badger v4.9 groups concurrent commits into one write batch but syncs its
// write-ahead log once per transaction of that batch, so N concurrent
// synced commits cost N fsyncs. This package therefore batches itself
// (commit.go): callers queue their operations, one of them commits all
// queued operations in a single Badger transaction with a single fsync.
// Puts from many goroutines scale with the batch size (see
// BenchmarkPutIfAbsentParallel) while each caller still returns only once
// its own write is durable. Counters (queue Seq, Store.PutSeq) are stored in
// the same transaction as the data they number: no leases, no gaps, no
// repeats after a crash. TestCrashKill9 kills a writer process with
// SIGKILL mid-write and checks every acknowledged write survives.
//
// # Memory budget (DefaultOptions, sized for a Raspberry Pi)
//
//   - Memtables: MemTableSize 8 MiB. Badger allocates each memtable's
//     skiplist arena as MemTableSize + 2 x 15% (max batch size and node
//     overhead), about 10.4 MiB. With NumMemtables 2 there is one active
//     table and at most one waiting for flush, plus the one being flushed:
//     about 21 MiB typical, 31 MiB peak. 8 MiB keeps a flush (a level-0
//     table write) short on an SD card and still lets one transaction hold
//     ~1.2 MiB, far above an alert or a batch of journal events.
//   - ValueThreshold 1 KiB: journal events (300-800 bytes of JSON) and most
//     alerts live in the LSM tree next to their key, so reads need no
//     value-log lookup and the value log stays small; only larger values go
//     to the value log (files of 16 MiB, so GC rewrites little at a time
//     and the mmap stays small on 32-bit ARM).
//   - Block cache 4 MiB (needed because blocks are Snappy-compressed;
//     Snappy costs little CPU and shrinks JSON roughly 3x on flash) and no
//     index cache: table indices and bloom filters stay in memory, about
//     310 KiB per week of a busy lane (measured after BenchmarkWeekOnDisk's
//     week: 130,000 keys, 4.1 MiB of tables), so up to ~4 MiB at the
//     journal's 90 days, while a Ristretto cache costs two goroutines and
//     a ticker waking the idle agent every 2.5 s (issue 15).
//   - NumLevelZeroTables 2 (stall at 8) and no Badger compactors: they
//     poll every 50 ms, which kept an idle agent awake; level 0 is merged
//     into the tree on demand once it holds 2 tables (compact.go), so reads
//     touch few tables and compaction bursts stay small; BaseTableSize
//     2 MiB bounds a compaction's buffers.
//   - Metrics off, 2 stream goroutines.
//
// Measured on amd64 after writing 60,000 values of 600 bytes: about 40 MiB
// of live Go heap for Badger. The process RSS is larger because Go keeps
// freed heap for reuse; set GOMEMLIMIT (e.g. 96MiB) on small boards.
//
// Sources: Badger v4 options and write path (db.go writeRequests,
// writeToLSM, arenaSize; txn.go checkSize), https://dgraph.io/docs/badger/.
package buffer
