package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// dingTalk is a DingTalk (钉钉) custom robot: POST
// {"msgtype":"markdown","markdown":{"title":…,"text":…}} to its webhook
// URL (…/robot/send?access_token=…). With 加签 (a secret SEC…) the URL
// also carries timestamp (ms) and sign = URL-encoded base64 of
// HMAC-SHA256(key secret, "timestamp\nsecret"). 20 messages a minute per
// robot, then it is muted for 10 minutes (errcode 130101).
type dingTalk struct{ c Config }

func newDingTalk(c Config) (Channel, error) {
	if c.URL == "" {
		return nil, errors.New("notify: dingtalk: url_file (the robot's webhook address, it holds the access token) is required")
	}
	return &dingTalk{c: c}, nil
}

// dingTalkTooFast is DingTalk's errcode for "send too fast".
const dingTalkTooFast = 130101

// DingTalkSign is the 加签 signature of a millisecond timestamp.
func DingTalkSign(timestampMS int64, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestampMS, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func (d *dingTalk) Send(ctx context.Context, m Message) error {
	u := d.c.URL
	if d.c.Secret != "" {
		ts := d.c.now().UnixMilli()
		sep := "&"
		if !strings.Contains(u, "?") {
			sep = "?"
		}
		u += sep + "timestamp=" + strconv.FormatInt(ts, 10) + "&sign=" + url.QueryEscape(DingTalkSign(ts, d.c.Secret))
	}
	text := "#### " + m.Title + "\n\n" + strings.ReplaceAll(m.Text, "\n", "\n\n")
	body := map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": m.Title, "text": text}}
	var ans struct {
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := postJSON(ctx, &d.c, u, nil, body, &ans); err != nil {
		return fmt.Errorf("dingtalk: %w", err)
	}
	switch ans.ErrCode {
	case 0:
		return nil
	case dingTalkTooFast:
		return &RateLimited{Wait: 10 * time.Minute, Err: fmt.Errorf("dingtalk: errcode %d: %s", ans.ErrCode, ans.ErrMsg)}
	}
	return fmt.Errorf("dingtalk: errcode %d: %s", ans.ErrCode, ans.ErrMsg)
}
