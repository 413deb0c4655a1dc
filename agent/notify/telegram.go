package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// telegram is a Telegram bot: POST {"chat_id":…,"text":…} to
// {url}/bot{token}/sendMessage (url default https://api.telegram.org);
// text at most 4096 characters; about 20 messages a minute to one group;
// answer {"ok":true,...}, or 429 with parameters.retry_after.
type telegram struct {
	c   Config
	api string
}

// TelegramAPI is the Bot API's address.
const TelegramAPI = "https://api.telegram.org"

func newTelegram(c Config) (Channel, error) {
	if c.Secret == "" || c.ChatID == "" {
		return nil, errors.New("notify: telegram: secret_file (the bot token) and chat_id are required")
	}
	api := strings.TrimRight(c.URL, "/")
	if api == "" {
		api = TelegramAPI
	}
	return &telegram{c: c, api: api}, nil
}

func (t *telegram) Send(ctx context.Context, m Message) error {
	body := map[string]any{"chat_id": t.c.ChatID, "text": m.Title + "\n" + m.Text, "disable_web_page_preview": true}
	var ans struct {
		OK          bool   `json:"ok"`
		Description string `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	err := postJSON(ctx, &t.c, t.api+"/bot"+t.c.Secret+"/sendMessage", nil, body, &ans)
	if rl := (*RateLimited)(nil); errors.As(err, &rl) {
		return fmt.Errorf("telegram: %w", err)
	}
	if err != nil {
		return fmt.Errorf("telegram: %w", err)
	}
	if !ans.OK {
		if ans.Parameters.RetryAfter > 0 {
			return &RateLimited{Wait: time.Duration(ans.Parameters.RetryAfter) * time.Second, Err: errors.New("telegram: " + ans.Description)}
		}
		return errors.New("telegram: " + ans.Description)
	}
	return nil
}
