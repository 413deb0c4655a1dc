package fleet

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

// ProcRSS returns the resident set size of process pid, from the VmRSS
// line of /proc/<pid>/status (Linux only).
func ProcRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("fleet: memory: %w", err)
	}
	return parseRSS(b)
}

// parseRSS reads "VmRSS:   1234 kB" from a /proc/<pid>/status file.
func parseRSS(b []byte) (int64, error) {
	for line := range bytes.Lines(b) {
		rest, ok := bytes.CutPrefix(line, []byte("VmRSS:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, fmt.Errorf("fleet: memory: VmRSS line %q", bytes.TrimSpace(line))
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("fleet: memory: VmRSS: %w", err)
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("fleet: memory: no VmRSS line (a kernel thread, or not Linux)")
}

// memEvery is how often Run samples the resident memory of the broker
// and of itself.
const memEvery = 250 * time.Millisecond

// memMeter keeps the peak of the summed resident memory of a set of
// processes, sampled until its context ends. A process that cannot be
// read (a node being restarted) is left out of that sample.
type memMeter struct {
	pids func() []int

	mu   sync.Mutex
	peak int64
	err  error
}

// run samples every memEvery until ctx is done.
func (m *memMeter) run(ctx context.Context) {
	t := time.NewTicker(memEvery)
	defer t.Stop()
	for {
		m.sample()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (m *memMeter) sample() {
	var sum int64
	var err error
	pids := m.pids()
	for _, pid := range pids {
		rss, e := ProcRSS(pid)
		if e != nil {
			err = e
			continue
		}
		sum += rss
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(pids) == 0 {
		err = fmt.Errorf("fleet: memory: no process id")
	}
	if sum == 0 && err != nil {
		m.err = err
		return
	}
	m.peak = max(m.peak, sum)
}

// result is the peak (0 with the reason when nothing was read).
func (m *memMeter) result() (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.peak == 0 {
		if m.err == nil {
			return 0, fmt.Errorf("fleet: memory: not sampled")
		}
		return 0, m.err
	}
	return m.peak, nil
}
