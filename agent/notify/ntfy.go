package notify

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"

	"github.com/tillwatch/tillwatch/agent/detect"
)

// ntfy publishes to an ntfy topic: POST the text to the topic URL
// (https://ntfy.sh/TOPIC or a self-hosted server) with the Title,
// Priority and Tags headers (non-ASCII titles RFC 2047 encoded), an
// access token as Bearer when given. ntfy.sh allows a burst of 60 then
// one request every 5 s; messages over 4096 bytes become attachments.
type ntfy struct{ c Config }

func newNtfy(c Config) (Channel, error) {
	if c.URL == "" {
		return nil, errors.New("notify: ntfy: url (the topic URL, e.g. https://ntfy.sh/store-12-alerts) is required")
	}
	return &ntfy{c: c}, nil
}

func (n *ntfy) Send(ctx context.Context, m Message) error {
	h := http.Header{}
	h.Set("Title", mime.BEncoding.Encode("utf-8", m.Title))
	prio, tags := "3", "warning"
	switch {
	case m.Resolved():
		prio, tags = "2", "white_check_mark"
	case m.Severity == detect.Critical:
		prio, tags = "5", "rotating_light"
	}
	h.Set("Priority", prio)
	h.Set("Tags", tags)
	if n.c.Secret != "" {
		h.Set("Authorization", "Bearer "+n.c.Secret)
	}
	if err := post(ctx, &n.c, n.c.URL, h, "text/plain; charset=utf-8", []byte(m.Text), nil); err != nil {
		return fmt.Errorf("ntfy: %w", err)
	}
	return nil
}
