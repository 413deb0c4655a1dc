package fleet

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is the outcome of a Run.
type Report struct {
	Config Config
	Tally
	// ShiftWall is the wall time from the start of the shift until every
	// lane played it; Wall until every alert was delivered (or the drain
	// timed out).
	ShiftWall, Wall time.Duration
	// Published, Acked and Reconnects sum the uplinks' Stats.
	Published, Acked, Reconnects uint64
	// Pending is what the outboxes still held at the end (0 when all was
	// delivered, -1 if unreadable).
	Pending int
	// Outage describes the broker crash, nil without one.
	Outage *Outage
	// BrokerCPU is the broker's user+system CPU time during the run
	// (restarts included); BrokerCPUErr says why it is unknown.
	BrokerCPU    time.Duration
	BrokerCPUErr error
	// SelfCPU is this process's CPU time over the same period: every
	// lane's detector, outbox and uplink, the consumers, and Badger.
	SelfCPU time.Duration
	// BrokerMem is the peak resident memory of the broker (summed over a
	// cluster's nodes), sampled every 250 ms from the lanes' connect to
	// the end; BrokerMemErr says why it is unknown. SelfMem is this
	// process's peak.
	BrokerMem    int64
	BrokerMemErr error
	SelfMem      int64
	// SpreadStart and SpreadEnd are the lanes' connections per node (of
	// Config.Spread, or the one broker behind the gate) once every lane
	// connected and at the end; nil without a gate.
	SpreadStart, SpreadEnd []int
}

// Outage is what a broker crash did.
type Outage struct {
	// At is when (virtual time since the start of the shift) the broker
	// was killed.
	At time.Duration
	// InFlight is how many publications the lanes had sent without a
	// PUBACK when the broker died: each must be sent again.
	InFlight int
	// Noticed is how long until every lane saw its connection end, Down
	// how long the broker was away, Resubscribed how long after its start
	// every consumer had its subscription back (with the gate; 0
	// without), Reconnected how long after its start every lane was
	// connected again (the uplink's backoff).
	Noticed, Down, Resubscribed, Reconnected time.Duration
	// Gated says the lanes were kept out until the consumers were back.
	Gated bool
	// Node is the index in Config.Spread of the node that was killed, -1
	// for a single broker. FailedOver is how long after the kill every
	// lane was connected again to the other nodes; SpreadBefore and
	// SpreadDown are the connections per node just before the kill and
	// then.
	Node                     int
	FailedOver               time.Duration
	SpreadBefore, SpreadDown []int
}

// Err is nil when the delivery contract held: every stored alert arrived
// at least once, and every copy that arrived is a stored alert with the
// stored topic and payload.
func (r *Report) Err() error {
	var msgs []string
	if n := len(r.Missing); n > 0 {
		msgs = append(msgs, fmt.Sprintf("%d of %d alerts never arrived (first: %s)", n, r.Sent, strings.Join(r.Missing[:min(n, 5)], ", ")))
	}
	if r.NProblems > 0 {
		msgs = append(msgs, fmt.Sprintf("%d received messages break the contract: %s", r.NProblems, strings.Join(r.Problems, "; ")))
	}
	if r.Pending != 0 {
		msgs = append(msgs, fmt.Sprintf("%d entries left in the outboxes", r.Pending))
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("fleet: %s", strings.Join(msgs, "; "))
}

// Rate is the end-to-end throughput: distinct alerts delivered per second
// of wall time, from the first store call to the last first arrival.
func (r *Report) Rate() float64 {
	if len(r.Arrivals) == 0 {
		return 0
	}
	d := r.Arrivals[len(r.Arrivals)-1].Sub(r.FirstSent).Seconds()
	if d <= 0 {
		return 0
	}
	return float64(r.Unique) / d
}

// PeakRate is the most distinct alerts that first arrived within one
// wall-clock second.
func (r *Report) PeakRate() int {
	peak, lo := 0, 0
	for hi, t := range r.Arrivals {
		for t.Sub(r.Arrivals[lo]) >= time.Second {
			lo++
		}
		peak = max(peak, hi-lo+1)
	}
	return peak
}

// Latency is the p-th percentile (0..100) of store-to-first-arrival times.
func (r *Report) Latency(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(r.Latencies)-1))
	return r.Latencies[min(max(i, 0), len(r.Latencies)-1)]
}

// WriteTable prints the report for a person.
func (r *Report) WriteTable(w io.Writer) error {
	c := r.Config
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, format string, args ...any) { fmt.Fprintf(tw, "%s\t%s\n", k, fmt.Sprintf(format, args...)) }
	row("lanes", "%d (%d stores), one uplink and one outbox queue each, one Badger database", c.Lanes, (c.Lanes+c.LanesPerSite-1)/c.LanesPerSite)
	if len(c.Spread) > 0 {
		row("broker", "a cluster of %d nodes %v; lanes connect through a balancer that spreads them", len(c.Spread), c.Spread)
	}
	row("consumers", "%d on %s", c.Consumers, c.Consume)
	row("shift", "%v compressed %gx: %v of wall time (drained after %v)", c.Hour, c.Speed, r.ShiftWall.Round(time.Millisecond), r.Wall.Round(time.Millisecond))
	row("customers", "%.0f per lane and hour, %.0f%% by card, %.1f%% of card sales go wrong", c.Customers, c.CardShare*100, c.Incidents*100)
	var kinds []string
	for _, k := range sortedKinds(r.ByKind) {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, r.ByKind[k]))
	}
	row("alerts stored", "%d (%s)", r.Sent, strings.Join(kinds, ", "))
	row("alerts received", "%d distinct, %d copies, %d duplicates; per consumer %v", r.Unique, r.Copies, r.Duplicates, r.PerConsumer)
	row("missing", "%d", len(r.Missing))
	row("contract problems", "%d", r.NProblems)
	row("outboxes left", "%d entries", r.Pending)
	row("uplinks", "%d publications, %d acked, %d sent again, %d reconnects", r.Published, r.Acked, r.Published-r.Acked, r.Reconnects)
	if o := r.Outage; o != nil {
		if o.Node >= 0 {
			row("node crash", "node %d of %d killed at %v of the shift with %d publications unacked; its lanes noticed in %v and were all connected to the others after %v; down %v",
				o.Node+1, len(c.Spread), o.At.Round(time.Second), o.InFlight, o.Noticed.Round(time.Millisecond), o.FailedOver.Round(time.Millisecond), o.Down.Round(time.Millisecond))
			row("lanes per node", "start %v, before the kill %v, while down %v, end %v", r.SpreadStart, o.SpreadBefore, o.SpreadDown, r.SpreadEnd)
		} else {
			row("broker crash", "killed at %v of the shift with %d publications unacked; every lane noticed in %v; down %v",
				o.At.Round(time.Second), o.InFlight, o.Noticed.Round(time.Millisecond), o.Down.Round(time.Millisecond))
		}
		if o.Node >= 0 {
			row("after the restart", "node back (JetStream caught up) after %v down", o.Down.Round(time.Millisecond))
		} else if o.Gated {
			row("after the restart", "consumers subscribed again after %v (lanes held at the gate until then), every lane back after %v",
				o.Resubscribed.Round(time.Millisecond), o.Reconnected.Round(time.Millisecond))
		} else {
			row("after the restart", "no gate: every lane back after %v, racing the consumers' new subscriptions", o.Reconnected.Round(time.Millisecond))
		}
	}
	row("throughput", "%.1f alerts/s end to end (peak %d in one second)", r.Rate(), r.PeakRate())
	row("latency", "store to first arrival: p50 %v, p95 %v, p99 %v, max %v",
		r.Latency(50).Round(time.Millisecond), r.Latency(95).Round(time.Millisecond), r.Latency(99).Round(time.Millisecond), r.Latency(100).Round(time.Millisecond))
	if r.BrokerCPUErr != nil {
		row("broker CPU", "unknown: %v", r.BrokerCPUErr)
	} else {
		row("broker CPU", "%v over %v (%.1f%% of one core); %.2f ms per delivered alert",
			r.BrokerCPU, r.Wall.Round(time.Millisecond), pct(r.BrokerCPU, r.Wall), perAlert(r.BrokerCPU, r.Unique))
	}
	row("fleet process CPU", "%v (%.1f%% of one core): %d lanes, consumers, Badger", r.SelfCPU, pct(r.SelfCPU, r.Wall), c.Lanes)
	if r.BrokerMemErr != nil {
		row("broker memory", "unknown: %v", r.BrokerMemErr)
	} else {
		row("broker memory", "peak RSS %.1f MiB, %.1f KiB per lane", mib(r.BrokerMem), kibPer(r.BrokerMem, c.Lanes))
	}
	row("fleet process memory", "peak RSS %.1f MiB, %.1f KiB per lane", mib(r.SelfMem), kibPer(r.SelfMem, c.Lanes))
	if r.BrokerCPUErr == nil {
		row("per lane", "broker CPU %.2f ms, %.2f alerts (%.3f alerts/s at this compression)",
			float64(r.BrokerCPU.Microseconds())/1000/float64(c.Lanes), float64(r.Unique)/float64(c.Lanes), r.Rate()/float64(c.Lanes))
	}
	return tw.Flush()
}

func pct(cpu, wall time.Duration) float64 {
	if wall <= 0 {
		return 0
	}
	return 100 * cpu.Seconds() / wall.Seconds()
}

func perAlert(cpu time.Duration, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(cpu.Milliseconds()) / float64(n)
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func kibPer(b int64, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(b) / 1024 / float64(n)
}
