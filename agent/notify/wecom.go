package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
)

// weCom is a WeCom (企业微信) group robot: POST
// {"msgtype":"markdown","markdown":{"content":...}} to its webhook URL
// (…/cgi-bin/webhook/send?key=…); content at most 4096 bytes; 20
// messages a minute per robot; answer {"errcode":0,"errmsg":"ok"}, 45009
// when over the limit.
type weCom struct{ c Config }

func newWeCom(c Config) (Channel, error) {
	if c.URL == "" {
		return nil, errors.New("notify: wecom: url_file (the robot's webhook address, it holds the key) is required")
	}
	return &weCom{c: c}, nil
}

// weComRateLimited is WeCom's errcode for "api freq out of limit".
const weComRateLimited = 45009

func (w *weCom) Send(ctx context.Context, m Message) error {
	title := "**" + m.Title + "**"
	switch {
	case m.Resolved():
		title = `<font color="info">` + m.Title + `</font>`
	case m.Severity == detect.Critical:
		title = `<font color="warning">**` + m.Title + `**</font>`
	}
	body := map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": title + "\n" + m.Text}}
	var ans struct {
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := postJSON(ctx, &w.c, w.c.URL, nil, body, &ans); err != nil {
		return fmt.Errorf("wecom: %w", err)
	}
	switch ans.ErrCode {
	case 0:
		return nil
	case weComRateLimited:
		return &RateLimited{Wait: time.Minute, Err: fmt.Errorf("wecom: errcode %d: %s", ans.ErrCode, ans.ErrMsg)}
	}
	return fmt.Errorf("wecom: errcode %d: %s", ans.ErrCode, ans.ErrMsg)
}
