package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// feishu is a Feishu/Lark (飞书) custom bot: POST
// {"msg_type":"text","content":{"text":…}} to its webhook URL
// (…/open-apis/bot/v2/hook/…). With signature verification the body also
// carries "timestamp" (seconds, a string) and "sign" = base64 of
// HMAC-SHA256 keyed with "timestamp\nsecret" over an empty message. 100
// requests a minute and 5 a second per bot, bodies up to 20 KB; answer
// {"code":0,...}.
type feishu struct{ c Config }

func newFeishu(c Config) (Channel, error) {
	if c.URL == "" {
		return nil, errors.New("notify: feishu: url_file (the bot's webhook address, it holds the token) is required")
	}
	return &feishu{c: c}, nil
}

// FeishuSign is the signature of a timestamp in seconds.
func FeishuSign(timestamp int64, secret string) string {
	mac := hmac.New(sha256.New, []byte(strconv.FormatInt(timestamp, 10)+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// feishuRateLimited are Feishu's codes for "request trigger frequency limit".
var feishuRateLimited = map[int]bool{9499: true, 11232: true, 99991400: true}

func (f *feishu) Send(ctx context.Context, m Message) error {
	body := map[string]any{"msg_type": "text", "content": map[string]string{"text": m.Title + "\n" + m.Text}}
	if f.c.Secret != "" {
		ts := f.c.now().Unix()
		body["timestamp"] = strconv.FormatInt(ts, 10)
		body["sign"] = FeishuSign(ts, f.c.Secret)
	}
	var ans struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
	}
	if err := postJSON(ctx, &f.c, f.c.URL, nil, body, &ans); err != nil {
		return fmt.Errorf("feishu: %w", err)
	}
	switch {
	case ans.Code == 0:
		return nil
	case feishuRateLimited[ans.Code]:
		return &RateLimited{Wait: time.Minute, Err: fmt.Errorf("feishu: code %d: %s", ans.Code, ans.Msg)}
	}
	return fmt.Errorf("feishu: code %d: %s", ans.Code, ans.Msg)
}
