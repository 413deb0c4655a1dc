package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/drivers"
)

// webhook POSTs {"title","text","alerts":[alert JSON...]} to a URL, with
// Idempotency-Key (a hash of the alert ids: a retried digest has the same
// key) and the secret as a Bearer token when given.
type webhook struct{ c Config }

func newWebhook(c Config) (Channel, error) {
	if c.URL == "" {
		return nil, errors.New("notify: webhook: url or url_file is required")
	}
	return &webhook{c: c}, nil
}

// WebhookBody is what the webhook channel posts.
type WebhookBody struct {
	Title  string         `json:"title"`
	Text   string         `json:"text"`
	Alerts []detect.Alert `json:"alerts"`
}

func (w *webhook) Send(ctx context.Context, m Message) error {
	alerts := make([]detect.Alert, len(m.Alerts))
	for i, a := range m.Alerts {
		if a.Payment != nil {
			p := *a.Payment
			p.Card = drivers.MaskPAN(p.Card)
			a.Payment = &p
		}
		alerts[i] = a
	}
	b, err := json.Marshal(WebhookBody{Title: m.Title, Text: m.Text, Alerts: alerts})
	if err != nil {
		return fmt.Errorf("webhook: encode: %w", err)
	}
	drivers.MaskTextPANsStrict(b) // a number anywhere in the evidence
	sum := sha256.Sum256([]byte(strings.Join(m.IDs, ",")))
	h := http.Header{}
	h.Set("Idempotency-Key", hex.EncodeToString(sum[:8]))
	if w.c.Secret != "" {
		h.Set("Authorization", "Bearer "+w.c.Secret)
	}
	if err := post(ctx, &w.c, w.c.URL, h, "application/json", b, nil); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	return nil
}
