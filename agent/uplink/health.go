package uplink

import "time"

// healthTicker publishes the first health message and returns the ticker
// for the next ones; its channel never fires when health is disabled.
func (s *session) healthTicker() *time.Ticker {
	t := time.NewTicker(s.cfg.HealthEvery)
	if s.cfg.HealthTopic == "" || s.cfg.Health == nil {
		t.Stop()
		return t
	}
	s.publishHealth()
	return t
}

// publishHealth publishes one retained health message without waiting for
// its PUBACK; a failure is logged and counted, the next tick tries again.
func (s *session) publishHealth() {
	p, err := s.cfg.Health()
	if err != nil {
		s.u.log.Warn("uplink: health payload", "error", err)
		return
	}
	s.c.Publish(s.cfg.HealthTopic, 1, true, p)
	s.u.count(func(st *Stats) { st.Health++ })
}
