package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// email sends a message over SMTP (submission, port 587) after STARTTLS:
// the channel refuses a server that does not offer it, so the password
// and the text never cross the network in clear. Subject RFC 2047
// encoded, body text/plain UTF-8; X-Tillwatch-Alerts lists the ids.
// github.com/emersion/go-smtp is the client (also the tests' server).
type email struct {
	c    Config
	host string
}

func newEmail(c Config) (Channel, error) {
	if c.SMTP == "" || c.From == "" || len(c.To) == 0 {
		return nil, errors.New("notify: email: smtp (host:port), from and to are required")
	}
	host, _, err := net.SplitHostPort(c.SMTP)
	if err != nil {
		return nil, fmt.Errorf("notify: email: smtp %q: want host:port, e.g. smtp.example.com:587: %w", c.SMTP, err)
	}
	return &email{c: c, host: host}, nil
}

func (e *email) Send(ctx context.Context, m Message) error {
	err := e.send(ctx, e.compose(m))
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("email: %w", ctx.Err()) // the connection was closed for it
	}
	return err
}

// send talks to the server until the message is handed over or ctx ends:
// the connection is closed then, so nothing goes on after Send returned
// (a mail sent after its delivery was reported failed is sent twice).
func (e *email) send(ctx context.Context, msg []byte) error {
	cfg := &tls.Config{ServerName: e.host, MinVersion: tls.VersionTLS12, InsecureSkipVerify: e.c.InsecureTLS} //nolint:gosec // tests only
	d := net.Dialer{Timeout: 15 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", e.c.SMTP)
	if err != nil {
		return fmt.Errorf("email: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	c, err := smtp.NewClientStartTLS(conn, cfg)
	if err != nil {
		conn.Close()
		return fmt.Errorf("email: STARTTLS with %s: %w", e.c.SMTP, err)
	}
	defer c.Close()
	if e.c.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", e.c.Username, e.c.Secret)); err != nil {
			return fmt.Errorf("email: login as %s at %s: %w", e.c.Username, e.c.SMTP, err)
		}
	}
	if err := c.SendMail(e.c.From, e.c.To, bytes.NewReader(msg)); err != nil {
		return fmt.Errorf("email: send via %s: %w", e.c.SMTP, err)
	}
	return c.Quit()
}

// compose writes the RFC 5322 message.
func (e *email) compose(m Message) []byte {
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", e.c.From)
	h("To", strings.Join(e.c.To, ", "))
	h("Subject", mime.QEncoding.Encode("utf-8", m.Title))
	h("Date", e.c.now().Format(time.RFC1123Z))
	if len(m.IDs) > 0 {
		h("Message-ID", "<"+m.IDs[0]+"."+fmt.Sprint(len(m.IDs))+"@tillwatch>")
	}
	h("X-Tillwatch-Alerts", strings.Join(m.IDs, " "))
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "8bit")
	b.WriteString("\r\n")
	b.WriteString(strings.ReplaceAll(m.Text, "\n", "\r\n"))
	b.WriteString("\r\n")
	return b.Bytes()
}
