package fleet

import (
	"os"
	"runtime"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       time.Duration
		bad        bool
	}{
		{name: "mosquitto", line: "4242 (mosquitto) S 1 4242 4242 0 -1 4194560 300 0 0 0 123 45 0 0 20 0 1 0 9876 1000 200",
			want: 1680 * time.Millisecond},
		{name: "spaces and parentheses in the name", line: "7 (a) b (c)) R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 1 1 1",
			want: 30 * time.Millisecond},
		{name: "no name", line: "7 a R 1", bad: true},
		{name: "too short", line: "7 (a) R 1 7 7 0 -1 0 0 0 0 0 1", bad: true},
		{name: "not a number", line: "7 (a) R 1 7 7 0 -1 0 0 0 0 0 x 2 0", bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStat([]byte(tc.line))
			if tc.bad {
				if err == nil {
					t.Fatalf("parseStat = %v, want an error", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("parseStat = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestProcCPUSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/<pid>/stat is Linux only")
	}
	if _, err := ProcCPU(os.Getpid()); err != nil {
		t.Fatal(err)
	}
}

// TestCPUMeter sums across a restart: the first process counts from the
// first reading, a new process from its start.
func TestCPUMeter(t *testing.T) {
	pid := 1
	times := map[int][]time.Duration{1: {10 * time.Second, 12 * time.Second}, 2: {time.Second, 3 * time.Second}}
	var m cpuMeter
	read := func() {
		t.Helper()
		// Stand in for /proc: feed the meter the next reading of pid.
		v := times[pid][0]
		times[pid] = times[pid][1:]
		m.add(pid, v)
		m.read = true
	}
	read()  // baseline 10s
	read()  // +2s before the crash
	pid = 2 // restarted
	read()  // +1s since its start
	read()  // +2s
	if m.total != 5*time.Second || m.err != nil {
		t.Fatalf("total %v, err %v; want 5s", m.total, m.err)
	}
}

// TestCPUMeterCluster sums the nodes of a cluster: one killed and
// restarted counts from its new start, the others from the baseline.
func TestCPUMeterCluster(t *testing.T) {
	var m cpuMeter
	mark := func(r map[int]time.Duration) {
		for pid, v := range r {
			m.add(pid, v)
		}
		m.read = true
	}
	mark(map[int]time.Duration{1: 10 * time.Second, 2: 20 * time.Second, 3: 30 * time.Second})
	mark(map[int]time.Duration{1: 11 * time.Second, 2: 21 * time.Second, 3: 31 * time.Second}) // +3s; 3 is killed
	mark(map[int]time.Duration{1: 12 * time.Second, 2: 22 * time.Second, 4: time.Second})      // +2s, and 1s of 3's successor
	if m.total != 6*time.Second {
		t.Fatalf("total %v; want 6s", m.total)
	}
}

func TestParseRSS(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     int64
		ok       bool
	}{
		{"status", "Name:\tmosquitto\nVmPeak:\t  20000 kB\nVmRSS:\t    6144 kB\nRssAnon:\t 1000 kB\n", 6144 << 10, true},
		{"no VmRSS (kernel thread)", "Name:\tkthreadd\nState:\tS (sleeping)\n", 0, false},
		{"unit", "VmRSS:\t 12 MB\n", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseRSS([]byte(tc.in))
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("parseRSS = %v, %v; want %v (ok %v)", got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestProcRSSSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/<pid>/status is Linux only")
	}
	if rss, err := ProcRSS(os.Getpid()); err != nil || rss <= 0 {
		t.Fatalf("ProcRSS = %v, %v", rss, err)
	}
}
