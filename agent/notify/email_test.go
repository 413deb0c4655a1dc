package notify

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// mailbox is a real SMTP server (github.com/emersion/go-smtp) that
// offers STARTTLS, refuses to log in before it, and keeps what it got.
type mailbox struct {
	mu    sync.Mutex
	mails []string
	tls   []bool // each mail came over TLS
}

type mailSession struct {
	mb   *mailbox
	conn *smtp.Conn
	user string
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "alerts@store12.example" || pass != "mail-pass" {
			return errors.New("bad login")
		}
		s.user = user
		return nil
	}), nil
}
func (s *mailSession) Mail(string, *smtp.MailOptions) error {
	if s.user == "" {
		return smtp.ErrAuthRequired
	}
	return nil
}
func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.mb.mu.Lock()
	s.mb.mails = append(s.mb.mails, string(b))
	s.mb.tls = append(s.mb.tls, isTLS)
	s.mb.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestEmail sends an alert and a digest to a real SMTP server over
// STARTTLS with a login: both arrive over TLS with a UTF-8 subject, the
// ids listed, and no full card number.
func TestEmail(t *testing.T) {
	mb := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &mailSession{mb: mb, conn: c}, nil }))
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	sp, _ := spec("email")
	ch, err := sp.New(Config{SMTP: ln.Addr().String(), Username: "alerts@store12.example", Secret: "mail-pass",
		From: "alerts@store12.example", To: []string{"manager@store12.example"}, InsecureTLS: true})
	if err != nil {
		t.Fatal(err)
	}
	_, q := openQueue(t, "")
	s := NewSink("mail", q, ch, sp, SinkOptions{Voice: Voice{Lang: "zh-CN", Loc: time.UTC}})
	now := t0
	put(t, q, alert(1, t0))
	drive(t, s, &now, t0.Add(time.Hour))
	put(t, q, alert(2, now), alert(3, now))
	drive(t, s, &now, t0.Add(time.Hour))
	if len(mb.mails) != 2 {
		t.Fatalf("%d mails, want 2", len(mb.mails))
	}
	dec := new(mime.WordDecoder)
	for i, raw := range mb.mails {
		if !mb.tls[i] {
			t.Errorf("mail %d came in clear", i)
		}
		if strings.Contains(raw, fullPAN) {
			t.Errorf("mail %d holds a full card number", i)
		}
		m, err := mail.ReadMessage(strings.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		subj, err := dec.DecodeHeader(m.Header.Get("Subject"))
		if err != nil || subj == "" {
			t.Errorf("subject %q: %v", m.Header.Get("Subject"), err)
		}
		if i == 0 && subj != "刷卡成功未出票" {
			t.Errorf("subject %q", subj)
		}
		if i == 1 && !strings.Contains(m.Header.Get("X-Tillwatch-Alerts"), alert(3, t0).ID) {
			t.Errorf("digest ids %q", m.Header.Get("X-Tillwatch-Alerts"))
		}
	}
}

// TestEmailGivesUpWithItsContext: a mail server that takes the connection
// and never answers (hung) is left as soon as the delivery's context ends:
// the connection is closed then, not a minute later, so no mail goes out
// after its delivery was reported failed (and retried: sent twice).
func TestEmailGivesUpWithItsContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ch, err := newEmail(Config{SMTP: ln.Addr().String(), From: "alerts@store12.example", To: []string{"manager@store12.example"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sent := make(chan error, 1)
	go func() { sent <- ch.Send(ctx, Message{Title: "t", Text: "x", IDs: []string{"a1"}}) }()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cancel()
	if err := <-sent; !errors.Is(err, context.Canceled) {
		t.Fatalf("Send: %v, want the context's error", err)
	}
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.Read(make([]byte, 64)); !errors.Is(err, io.EOF) {
		t.Fatalf("the agent's end of the connection is still open after Send returned: %v", err)
	}
}
