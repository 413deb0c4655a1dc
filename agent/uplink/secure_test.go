package uplink

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"

	"github.com/tillwatch/tillwatch/internal/testutil"
)

// selfSigned returns a server certificate for 127.0.0.1 and a pool that
// trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "tillwatch test broker"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// startMochi runs mochi with what the embedded helper does not offer: a
// TLS listener (tc != nil) or a password ledger (ledger != nil). It
// returns the broker URL.
func startMochi(t *testing.T, tc *tls.Config, ledger *auth.Ledger) string {
	t.Helper()
	srv := mqtt.New(&mqtt.Options{Logger: testLogOrDiscard(t)})
	var err error
	if ledger != nil {
		err = srv.AddHook(new(auth.Hook), &auth.Options{Ledger: ledger})
	} else {
		err = srv.AddHook(new(auth.AllowHook), nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	l := listeners.NewTCP(listeners.Config{ID: "l", Address: "127.0.0.1:0", TLSConfig: tc})
	if err := srv.AddListener(l); err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	if tc != nil {
		return "ssl://" + l.Address()
	}
	return "tcp://" + l.Address()
}

func TestTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	url := startMochi(t, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil)

	t.Run("trusted", func(t *testing.T) {
		q := openQueue(t)
		for i := range 3 {
			enqueue(t, q, i)
		}
		cfg := testConfig(url)
		cfg.TLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		u := startUplink(t, cfg, q)
		testutil.WaitFor(t, "drained over TLS", waitLong, func() bool { return queueLen(t, q) == 0 })
		testutil.WaitFor(t, "acks counted", waitLong, func() bool { return u.Stats().Acked == 3 })
		if st := u.Stats(); st.Acked != 3 {
			t.Fatalf("stats %+v, want 3 acked", st)
		}
	})
	t.Run("untrusted", func(t *testing.T) {
		q := openQueue(t)
		enqueue(t, q, 0)
		cfg := testConfig(url)
		cfg.TLS = &tls.Config{MinVersion: tls.VersionTLS12} // system roots: not ours
		u := startUplink(t, cfg, q)
		testutil.WaitFor(t, "a refused handshake", waitLong, func() bool { return strings.Contains(u.Stats().LastError, "certificate") })
		if u.Connected() || queueLen(t, q) != 1 {
			t.Fatalf("connected=%v pending=%d: want no connection and the entry kept", u.Connected(), queueLen(t, q))
		}
	})
}

// TestCredentials: the broker checks username and password; a wrong
// password is refused, and no log line or error ever shows either
// password.
func TestCredentials(t *testing.T) {
	const good, bad = "good-pw-7f3a", "bad-pw-91c2"
	url := startMochi(t, nil, &auth.Ledger{
		Auth: auth.AuthRules{{Username: "lane", Password: good, Allow: true}},
		ACL:  auth.ACLRules{{Username: "lane"}},
	})
	for _, tc := range []struct {
		name, password string
		ok             bool
	}{
		{"right password", good, true},
		{"wrong password", bad, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs testutil.Buffer
			q := openQueue(t)
			enqueue(t, q, 0)
			cfg := testConfig(url)
			cfg.Username, cfg.Password = "lane", tc.password
			r := &running{
				Uplink: New(cfg, q, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
				done:   make(chan error, 1),
			}
			ctx, cancel := context.WithCancel(context.Background())
			r.cancel = cancel
			go func() { r.done <- r.Run(ctx) }()
			if tc.ok {
				testutil.WaitFor(t, "drained", waitLong, func() bool { return queueLen(t, q) == 0 })
			} else {
				testutil.WaitFor(t, "refused", waitLong, func() bool { return strings.Contains(r.Stats().LastError, "connect") })
				if queueLen(t, q) != 1 {
					t.Fatal("entry gone without a connection")
				}
			}
			r.stop(t)
			out := logs.String() + r.Stats().LastError
			if out == "" || strings.Contains(out, good) || strings.Contains(out, bad) {
				t.Fatalf("logs empty or showing a password:\n%s", out)
			}
		})
	}
}
