package status

import (
	"maps"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
)

// collector turns one Snapshot per scrape into metrics: the agent counts
// once, and /metrics never disagrees with the page.
type collector struct {
	src Source

	info, chunks, bytes, events, alerts *prometheus.Desc
	outbox, linkUp, uplink, healthy     *prometheus.Desc
	damaged                             *prometheus.Desc
}

func newCollector(src Source) *collector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("tillwatch_"+name, help, labels, nil)
	}
	return &collector{
		src:     src,
		info:    d("info", "The lane this agent watches (value 1).", "site", "lane", "version"),
		chunks:  d("chunks_total", "Chunks of bytes read from device links."),
		bytes:   d("bytes_total", "Bytes read from device links."),
		events:  d("events_total", "Decoded events journaled."),
		alerts:  d("alerts_total", "Alerts stored in the outbox, by kind.", "kind"),
		outbox:  d("outbox_depth", "Alerts waiting in the outbox for delivery."),
		linkUp:  d("link_up", "1 while the device's link is up.", "device", "role"),
		uplink:  d("uplink_connected", "1 while connected to the MQTT broker."),
		healthy: d("healthy", "1 while /healthz answers 200."),
		damaged: d("damaged_frames_total", "Frames a device's decoder saw damaged on the line (failed checks, frames cut short, impossible commands).", "device"),
	}
}

// Describe implements prometheus.Collector.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.info, c.chunks, c.bytes, c.events, c.alerts, c.outbox, c.linkUp, c.uplink, c.healthy, c.damaged} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	s := c.src.Snapshot()
	m := func(d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, t, v, labels...)
	}
	m(c.info, prometheus.GaugeValue, 1, s.Site, s.Lane, s.Version)
	m(c.chunks, prometheus.CounterValue, float64(s.Counters.Chunks))
	m(c.bytes, prometheus.CounterValue, float64(s.Counters.Bytes))
	m(c.events, prometheus.CounterValue, float64(s.Counters.Events))
	for _, k := range slices.Sorted(maps.Keys(s.AlertsByKind)) {
		m(c.alerts, prometheus.CounterValue, float64(s.AlertsByKind[k]), k)
	}
	if s.OutboxDepth >= 0 {
		m(c.outbox, prometheus.GaugeValue, float64(s.OutboxDepth))
	}
	for _, d := range s.Devices {
		m(c.linkUp, prometheus.GaugeValue, b2f(d.Up), d.Name, d.Role)
		m(c.damaged, prometheus.CounterValue, float64(d.Damaged), d.Name)
	}
	m(c.uplink, prometheus.GaugeValue, b2f(s.Uplink.Connected))
	m(c.healthy, prometheus.GaugeValue, b2f(c.src.Health() == nil))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
