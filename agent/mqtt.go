package agent

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/agent/uplink"
	"github.com/tillwatch/tillwatch/configs"
)

func (a *Agent) newUplink() (*uplink.Uplink, error) {
	m := a.cfg.MQTT
	pw, err := m.Password(os.Getenv)
	if err != nil {
		return nil, err
	}
	tc, err := TLSConfig(m)
	if err != nil {
		return nil, err
	}
	ann, err := a.discovery()
	if err != nil {
		return nil, err
	}
	subs, err := a.remoteSubscriptions()
	if err != nil {
		return nil, err
	}
	id := m.ClientID
	if id == "" {
		id = "tillwatch-" + a.cfg.Site + "-" + a.cfg.Lane
	}
	return uplink.New(uplink.Config{
		Broker: m.Broker, ClientID: id, Username: m.Username, Password: pw, TLS: tc,
		StatusTopic: StatusTopic(a.cfg),
		StatusExtra: map[string]any{"site": a.cfg.Site, "lane": a.cfg.Lane, "version": a.opts.Version},
		Announce:    ann,
		KeepAlive:   m.KeepAlive, ConnectTimeout: 10 * time.Second,
		BackoffMin: 500 * time.Millisecond, BackoffMax: m.BackoffMax, Inflight: m.Inflight,
		HealthTopic: HealthTopic(a.cfg), HealthEvery: m.HealthInterval, Health: a.healthPayload,
		Subscribe: subs,
	}, a.outbox, a.log.With("part", "uplink")), nil
}

// TLSConfig builds the uplink's TLS settings from the config (nil for a plain
// tcp:// broker without certificates).
func TLSConfig(m configs.MQTT) (*tls.Config, error) {
	t := m.TLS
	scheme, _, _ := strings.Cut(m.Broker, "://")
	secure := scheme == "ssl" || scheme == "tls" || scheme == "mqtts" || scheme == "wss"
	if !secure && t.CAFile == "" && t.CertFile == "" {
		return nil, nil
	}
	tc := &tls.Config{ServerName: t.ServerName, InsecureSkipVerify: t.InsecureSkipVerify, MinVersion: tls.VersionTLS12}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("agent: mqtt tls ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("agent: mqtt tls ca_file %s: no PEM certificate in it", t.CAFile)
		}
		tc.RootCAs = pool
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("agent: mqtt tls client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}
