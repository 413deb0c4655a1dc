//go:build linux

package chaos

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/internal/testutil"
)

// smallDisk mounts a file system of size bytes on a fresh directory and
// unmounts it at cleanup: a tmpfs, else an ext4 image on a loop device.
// Where neither can be mounted (no root, no mount permission in the
// container) the test fails, saying why; TILLWATCH_ALLOW_SKIP=1 turns
// that into a skip, so a full-disk test never passes silently untested.
func smallDisk(t *testing.T, size int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var why []string
	try := func(name string, args ...string) bool {
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil {
			why = append(why, fmt.Sprintf("%s %s: %v: %s", name, strings.Join(args, " "), err, bytes.TrimSpace(out)))
		}
		return err == nil
	}
	mounted := false
	switch {
	case os.Geteuid() != 0:
		why = append(why, "mounting needs root")
	case try("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir):
		mounted = true
	default:
		img := filepath.Join(t.TempDir(), "disk.img")
		if f, err := os.Create(img); err == nil {
			err = f.Truncate(size)
			f.Close()
			mounted = err == nil && try("mkfs.ext4", "-q", "-F", img) && try("mount", "-o", "loop", img, dir)
		}
	}
	if !mounted {
		testutil.Unavailable(t, "full disk: cannot mount a small file system here: "+strings.Join(why, "; "))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

func freeBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * int64(st.Bsize)
}

// fill writes a file of n bytes.
func fill(t *testing.T, path string, n int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	for n > 0 {
		k := min(n, int64(len(buf)))
		if _, err := f.Write(buf[:k]); err != nil {
			t.Fatal(err)
		}
		n -= k
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestFullDisk runs the agent on a small tmpfs with the broker away and a
// 4 KiB outbox capacity, then fills the disk to its reserve: the agent
// keeps running, sheds warnings (never a critical alert) for the
// capacity, holds alerts in memory while nothing can be written, and once
// the disk has room and the broker is back, every critical alert arrives.
func TestFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos: about 40 seconds")
	}
	t.Parallel()
	const n, reserve = 24, 2 << 20
	disk := smallDisk(t, 8<<20)
	addr := testutil.FreeAddr(t)
	g := newLedger()
	l := newLane(t, "tcp://"+addr, filepath.Join(disk, "data"))
	l.cfg.Outbox.MinFreeBytes = reserve
	l.cfg.Outbox.MaxBytes = 4 << 10
	l.save(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	c := start(t, l, g)
	defer c.stop(t)
	testutil.WaitFor(t, "the database open", 20*time.Second, func() bool {
		ms, _ := filepath.Glob(filepath.Join(disk, "data", "*.mem"))
		return len(ms) > 0
	})
	// Leave room for a few checkouts' journal and outbox writes only.
	filler := filepath.Join(disk, "filler")
	fill(t, filler, freeBytes(t, disk)-reserve-12<<10)
	t.Logf("free after filling: %d bytes (reserve %d)", freeBytes(t, disk), reserve)

	if err := <-l.play(t, ctx, alertShift(n)); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, "every alert detected (stored, shed or held)", 30*time.Second, func() bool {
		d, _, _ := g.counts()
		return d+int(g.selfShed()) >= n
	})
	select {
	case err := <-c.done:
		t.Fatalf("the agent stopped on a full disk: %v", err)
	default:
	}

	// Room again, and a broker.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	b, err := mqttbroker.Start(addr, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	g.subscribe(t, b)
	testutil.WaitFor(t, "held alerts stored and the outbox drained", 60*time.Second, func() bool {
		h, ok := g.lastHealth()
		return ok && h.Buffer.Held == 0 && h.Buffer.Depth == 0
	})
	h, _ := g.lastHealth()
	g.mu.Lock()
	var diskFull uint64
	maxHeld := 0
	for _, m := range g.health {
		diskFull = max(diskFull, m.Buffer.DiskFull)
		maxHeld = max(maxHeld, m.Buffer.Held)
	}
	missWarn := 0
	for id, sev := range g.detected {
		if len(g.received[id]) > 0 {
			continue
		}
		if sev == "critical" {
			t.Errorf("critical alert %s never arrived", id)
		} else {
			missWarn++
		}
	}
	g.mu.Unlock()
	t.Logf("health after recovery: shed %+v, memory shed %+v, disk-full refusals %d, most held %d; %d warnings missing",
		h.Buffer.Shed, h.Buffer.MemoryShed, diskFull, maxHeld, missWarn)
	if diskFull == 0 {
		t.Errorf("the disk never filled up: the test proves nothing")
	}
	if h.Buffer.Shed.Critical != 0 || h.Buffer.MemoryShed.Total() != 0 {
		t.Errorf("critical alerts shed: %+v, memory %+v", h.Buffer.Shed, h.Buffer.MemoryShed)
	}
	if h.Buffer.Shed.Warning == 0 || uint64(missWarn) > h.Buffer.Shed.Warning {
		t.Errorf("%d warnings missing, %d counted as shed", missWarn, h.Buffer.Shed.Warning)
	}
	if h.BufferShed != h.Buffer.Shed.Total() {
		t.Errorf("buffer_shed %d, want %d", h.BufferShed, h.Buffer.Shed.Total())
	}
	g.check2(t)
}

// TestSmallDisk: the helper gives a file system of about the size asked
// for (a full-disk test on a large one would not fill it).
func TestSmallDisk(t *testing.T) {
	dir := smallDisk(t, 8<<20)
	if free := freeBytes(t, dir); free <= 0 || free > 8<<20 {
		t.Fatalf("%d bytes free on an 8 MiB file system", free)
	}
}
