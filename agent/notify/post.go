package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// postJSON POSTs v as JSON to u and decodes a JSON answer into out (when
// not nil). A 429 is RateLimited (Retry-After honoured); another non-2xx
// answer is an error. Errors never carry the URL: robot URLs hold keys.
func postJSON(ctx context.Context, c *Config, u string, header http.Header, v, out any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	return post(ctx, c, u, header, "application/json; charset=utf-8", body, out)
}

func post(ctx context.Context, c *Config, u string, header http.Header, ctype string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("request to %s: the address is not valid: %w", hostOf(u), noURL(err))
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("User-Agent", "tillwatch")
	resp, err := c.client().Do(req)
	if err != nil {
		return fmt.Errorf("POST to %s: %w", hostOf(u), noURL(err))
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode == http.StatusTooManyRequests {
		wait := time.Minute
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			wait = time.Duration(s) * time.Second
		}
		return &RateLimited{Wait: wait, Err: fmt.Errorf("%s answered 429: %s", hostOf(u), short(b))}
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %s: %s", hostOf(u), resp.Status, short(b))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s: unreadable answer %q: %w", hostOf(u), short(b), err)
		}
	}
	return nil
}

// noURL drops the URL from a *url.Error (it may hold a key), keeping its
// cause.
func noURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// hostOf names a URL's host only.
func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return "the service"
	}
	return p.Host
}

func short(b []byte) string {
	if len(b) > 200 {
		b = b[:200]
	}
	return string(bytes.TrimSpace(b))
}
