package fleet

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// userHZ is the unit of the times in /proc/<pid>/stat (USER_HZ: 100 on
// every Linux architecture Go supports).
const userHZ = 100

// ProcCPU returns the CPU time (user plus system) process pid has used,
// from /proc/<pid>/stat (Linux only).
func ProcCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("fleet: cpu time: %w", err)
	}
	return parseStat(b)
}

// parseStat reads utime and stime (fields 14 and 15) of a /proc/<pid>/stat
// line. The command name (field 2) is in parentheses and may contain
// spaces and parentheses, so fields are counted from the last ')'.
func parseStat(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("fleet: cpu time: no command name in %q", truncate(b))
	}
	f := bytes.Fields(b[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, fmt.Errorf("fleet: cpu time: %d fields after the command name", len(f))
	}
	var ticks uint64
	for _, s := range f[11:13] {
		n, err := strconv.ParseUint(string(s), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("fleet: cpu time: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

func truncate(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}

// cpuMeter sums a broker's CPU time from its first reading on, across
// restarts: a restarted process counts from its own start.
type cpuMeter struct {
	pid   func() int
	total time.Duration
	base  time.Duration // the current process's time when first read
	cur   int           // its pid, 0 if none
	err   error
}

// mark reads the current process: call it at the start, before a stop,
// after a start and at the end.
func (m *cpuMeter) mark() {
	if m.pid == nil || m.err != nil {
		return
	}
	pid := m.pid()
	if pid == 0 {
		m.err = fmt.Errorf("fleet: cpu time: no broker process id")
		return
	}
	t, err := ProcCPU(pid)
	if err != nil {
		m.err = err
		return
	}
	m.add(pid, t)
}

// add takes reading t of process pid.
func (m *cpuMeter) add(pid int, t time.Duration) {
	switch {
	case m.cur == 0: // the first reading: the baseline
		m.cur, m.base = pid, t
		return
	case pid != m.cur: // a new process: everything it used counts
		m.cur, m.base = pid, 0
	}
	m.total += t - m.base
	m.base = t
}
