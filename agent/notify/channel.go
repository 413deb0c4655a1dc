package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Channel sends a message to one service. Send returns nil only once the
// service accepted the message.
type Channel interface {
	Send(ctx context.Context, m Message) error
}

// Config is one channel's settings with its secrets already read.
type Config struct {
	Name   string
	Type   string
	URL    string // service or webhook URL (robots: holds their key)
	Secret string // signing secret, bot token, SMTP password or bearer token
	ChatID string // Telegram
	// E-mail.
	SMTP     string // host:port, STARTTLS
	Username string
	From     string
	To       []string
	// Client does HTTP requests; default one with a 15s timeout.
	Client *http.Client
	// Now is the clock of signatures; default time.Now.
	Now func() time.Time
	// InsecureTLS lets tests reach a server with a self-signed certificate.
	InsecureTLS bool
}

func (c *Config) client() *http.Client {
	if c.Client != nil {
		return c.Client
	}
	return &http.Client{Timeout: 15 * time.Second}
}

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// RateLimited is a service's answer that it is rate limiting us; the sink
// waits Wait (at least) before the next try.
type RateLimited struct {
	Wait time.Duration
	Err  error
}

func (e *RateLimited) Error() string {
	return fmt.Sprintf("notify: rate limited for %s: %v", e.Wait, e.Err)
}

func (e *RateLimited) Unwrap() error { return e.Err }

// waitOf is how long err asks to wait, 0 when it does not say.
func waitOf(err error) time.Duration {
	var rl *RateLimited
	if errors.As(err, &rl) {
		return rl.Wait
	}
	return 0
}
