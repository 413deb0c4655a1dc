package uplink

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"

	"github.com/tillwatch/tillwatch/configs"
)

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
			return nil, fmt.Errorf("uplink: mqtt tls ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("uplink: mqtt tls ca_file %s: no PEM certificate in it", t.CAFile)
		}
		tc.RootCAs = pool
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("uplink: mqtt tls client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}
