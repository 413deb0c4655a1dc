package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// service is a local stand-in for a chat service: it checks each request
// against the service's documented format, signature and size limit, and
// records what it accepted. Every test here talks to one: the real
// services cannot be reached from a test.
type service struct {
	t      *testing.T
	now    *time.Time // the fake clock, set by the test before each step
	check  func(r *http.Request, body []byte) (text string, err error)
	answer string // the accepted answer's body
	down   func(at time.Time) bool

	mu       sync.Mutex
	times    []time.Time // accepted requests, fake time
	texts    []string
	bodies   [][]byte
	failures int
}

var idRE = regexp.MustCompile(`[0-9a-f]{16}`)

func (s *service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := t0
	if s.now != nil {
		now = *s.now
	}
	if s.down != nil && s.down(now) {
		s.failures++
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return
	}
	if r.Method != http.MethodPost {
		s.t.Errorf("method %s, want POST", r.Method)
	}
	text, err := s.check(r, body)
	if err != nil {
		s.t.Errorf("request refused: %v\n%s", err, body)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if strings.Contains(string(body), fullPAN) || strings.Contains(text, fullPAN) || strings.Contains(r.URL.String(), fullPAN) {
		s.t.Errorf("a full card number reached the service: %s", body)
	}
	s.times = append(s.times, now)
	s.texts = append(s.texts, text)
	s.bodies = append(s.bodies, body)
	io.WriteString(w, s.answer)
}

// ids counts each alert id in the accepted texts.
func (s *service) ids() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := map[string]int{}
	for _, t := range s.texts {
		for _, id := range idRE.FindAllString(t, -1) {
			n[id]++
		}
	}
	return n
}

func jsonBody(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("body is not JSON: %w", err)
	}
	return nil
}

// The services, as their documentation describes them.

func weComService(t *testing.T) *service {
	return &service{t: t, answer: `{"errcode":0,"errmsg":"ok"}`, check: func(r *http.Request, body []byte) (string, error) {
		if r.URL.Query().Get("key") != "robot-key" || r.URL.Path != "/cgi-bin/webhook/send" {
			return "", fmt.Errorf("url %s: want /cgi-bin/webhook/send?key=robot-key", r.URL)
		}
		var m struct {
			MsgType  string `json:"msgtype"`
			Markdown struct {
				Content string `json:"content"`
			} `json:"markdown"`
		}
		if err := jsonBody(body, &m); err != nil {
			return "", err
		}
		if m.MsgType != "markdown" || m.Markdown.Content == "" {
			return "", fmt.Errorf("msgtype %q, empty content", m.MsgType)
		}
		if len(m.Markdown.Content) > 4096 {
			return "", fmt.Errorf("markdown content %d bytes, over 4096", len(m.Markdown.Content))
		}
		return m.Markdown.Content, nil
	}}
}

func dingTalkService(t *testing.T, secret string) *service {
	s := &service{t: t, answer: `{"errcode":0,"errmsg":"ok"}`}
	s.check = func(r *http.Request, body []byte) (string, error) {
		q := r.URL.Query()
		if q.Get("access_token") != "robot-token" {
			return "", fmt.Errorf("no access_token in %s", r.URL.Path)
		}
		ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
		if err != nil {
			return "", fmt.Errorf("timestamp %q: %v", q.Get("timestamp"), err)
		}
		// DingTalk: sign = base64(HmacSHA256(secret, timestamp+"\n"+secret)),
		// timestamp within an hour of the server's clock.
		mac := hmac.New(sha256.New, []byte(secret))
		fmt.Fprintf(mac, "%d\n%s", ts, secret)
		if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); q.Get("sign") != want {
			return "", fmt.Errorf("sign %q, want %q", q.Get("sign"), want)
		}
		if d := time.Since(time.UnixMilli(ts)); d > time.Hour || d < -time.Hour {
			return "", fmt.Errorf("timestamp %d is %s off", ts, d)
		}
		var m struct {
			MsgType  string                       `json:"msgtype"`
			Markdown struct{ Title, Text string } `json:"markdown"`
		}
		if err := jsonBody(body, &m); err != nil {
			return "", err
		}
		if m.MsgType != "markdown" || m.Markdown.Title == "" || m.Markdown.Text == "" {
			return "", fmt.Errorf("msgtype %q title %q", m.MsgType, m.Markdown.Title)
		}
		if len(body) > 20000 {
			return "", fmt.Errorf("body %d bytes", len(body))
		}
		return m.Markdown.Text, nil
	}
	return s
}

func feishuService(t *testing.T, secret string) *service {
	s := &service{t: t, answer: `{"code":0,"msg":"success","data":{}}`}
	s.check = func(r *http.Request, body []byte) (string, error) {
		if !strings.HasPrefix(r.URL.Path, "/open-apis/bot/v2/hook/") {
			return "", fmt.Errorf("path %s", r.URL.Path)
		}
		var m struct {
			Timestamp string `json:"timestamp"`
			Sign      string `json:"sign"`
			MsgType   string `json:"msg_type"`
			Content   struct {
				Text string `json:"text"`
			} `json:"content"`
		}
		if err := jsonBody(body, &m); err != nil {
			return "", err
		}
		// Feishu: sign = base64(HmacSHA256(key timestamp+"\n"+secret, "")).
		mac := hmac.New(sha256.New, []byte(m.Timestamp+"\n"+secret))
		if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); m.Sign != want {
			return "", fmt.Errorf("sign %q, want %q", m.Sign, want)
		}
		if ts, err := strconv.ParseInt(m.Timestamp, 10, 64); err != nil || time.Since(time.Unix(ts, 0)).Abs() > time.Hour {
			return "", fmt.Errorf("timestamp %q", m.Timestamp)
		}
		if m.MsgType != "text" || m.Content.Text == "" {
			return "", fmt.Errorf("msg_type %q", m.MsgType)
		}
		if len(body) > 20<<10 {
			return "", fmt.Errorf("body %d bytes, over 20 KB", len(body))
		}
		return m.Content.Text, nil
	}
	return s
}

func telegramService(t *testing.T) *service {
	return &service{t: t, answer: `{"ok":true,"result":{"message_id":1}}`, check: func(r *http.Request, body []byte) (string, error) {
		if r.URL.Path != "/bot123:bot-token/sendMessage" {
			return "", fmt.Errorf("path %s", r.URL.Path)
		}
		var m struct {
			ChatID string `json:"chat_id"`
			Text   string `json:"text"`
		}
		if err := jsonBody(body, &m); err != nil {
			return "", err
		}
		if m.ChatID != "-100123" || m.Text == "" {
			return "", fmt.Errorf("chat_id %q", m.ChatID)
		}
		if n := utf8.RuneCountInString(m.Text); n > 4096 {
			return "", fmt.Errorf("text %d characters, over 4096", n)
		}
		return m.Text, nil
	}}
}

func ntfyService(t *testing.T) *service {
	return &service{t: t, answer: `{"id":"x","event":"message"}`, check: func(r *http.Request, body []byte) (string, error) {
		if r.URL.Path != "/store-12-alerts" {
			return "", fmt.Errorf("path %s", r.URL.Path)
		}
		title, err := new(mime.WordDecoder).DecodeHeader(r.Header.Get("Title"))
		if err != nil || title == "" {
			return "", fmt.Errorf("Title %q: %v", r.Header.Get("Title"), err)
		}
		if p := r.Header.Get("Priority"); p < "1" || p > "5" {
			return "", fmt.Errorf("Priority %q", p)
		}
		if r.Header.Get("Authorization") != "Bearer tk_ntfy" {
			return "", fmt.Errorf("Authorization %q", r.Header.Get("Authorization"))
		}
		if len(body) > 4096 {
			return "", fmt.Errorf("message %d bytes, over 4096", len(body))
		}
		return title + "\n" + string(body), nil
	}}
}

func webhookService(t *testing.T) *service {
	return &service{t: t, answer: `ok`, check: func(r *http.Request, body []byte) (string, error) {
		if r.Header.Get("Idempotency-Key") == "" {
			return "", fmt.Errorf("no Idempotency-Key")
		}
		var m WebhookBody
		if err := jsonBody(body, &m); err != nil {
			return "", err
		}
		var ids []string
		for _, a := range m.Alerts {
			ids = append(ids, a.ID)
		}
		return m.Title + " " + strings.Join(ids, " "), nil
	}}
}

// channelCase is a channel type with its stand-in service.
type channelCase struct {
	typ     string
	service func(t *testing.T) *service
	config  func(base string) Config
}

func channelCases() []channelCase {
	return []channelCase{
		{"wecom", weComService, func(b string) Config { return Config{URL: b + "/cgi-bin/webhook/send?key=robot-key"} }},
		{"dingtalk", func(t *testing.T) *service { return dingTalkService(t, "SECdemo") },
			func(b string) Config {
				return Config{URL: b + "/robot/send?access_token=robot-token", Secret: "SECdemo"}
			}},
		{"feishu", func(t *testing.T) *service { return feishuService(t, "fs-secret") },
			func(b string) Config { return Config{URL: b + "/open-apis/bot/v2/hook/abc-123", Secret: "fs-secret"} }},
		{"telegram", telegramService, func(b string) Config { return Config{URL: b, Secret: "123:bot-token", ChatID: "-100123"} }},
		{"ntfy", ntfyService, func(b string) Config { return Config{URL: b + "/store-12-alerts", Secret: "tk_ntfy"} }},
		{"webhook", webhookService, func(b string) Config { return Config{URL: b + "/hook"} }},
	}
}

// TestChannels sends one alert and then a digest through each channel to
// its stand-in service: the request has the documented shape, signature
// and size, carries the alert ids, and no full card number.
func TestChannels(t *testing.T) {
	for _, cc := range channelCases() {
		t.Run(cc.typ, func(t *testing.T) {
			svc := cc.service(t)
			srv := httptest.NewServer(svc)
			defer srv.Close()
			sp, err := spec(cc.typ)
			if err != nil {
				t.Fatal(err)
			}
			ch, err := sp.New(cc.config(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			_, q := openQueue(t, "")
			s := NewSink("test", q, ch, sp, SinkOptions{Voice: Voice{Lang: "zh-CN", Loc: time.UTC}})
			now := t0
			svc.now = &now
			put(t, q, alert(1, t0))
			drive(t, s, &now, t0.Add(time.Hour))
			put(t, q, alert(2, now), alert(3, now), alert(4, now))
			// The bucket is empty after the first send: the three wait
			// for one token and go together.
			drive(t, s, &now, t0.Add(time.Hour))
			if len(svc.times) != 2 {
				t.Fatalf("%d requests, want 2 (one alert, then a digest of 3)", len(svc.times))
			}
			ids := svc.ids()
			for i := 1; i <= 4; i++ {
				if id := alert(i, t0).ID; ids[id] != 1 {
					t.Errorf("alert %s delivered %d times", id, ids[id])
				}
			}
			if !strings.Contains(svc.texts[0], "刷卡成功未出票") {
				t.Errorf("first message is not the alert's Chinese title: %q", svc.texts[0])
			}
			if !strings.Contains(strings.Join(svc.texts, " "), "3") {
				t.Errorf("digest does not say how many: %q", svc.texts[1])
			}
			if n, _ := q.Len(); n != 0 {
				t.Errorf("%d alerts still pending", n)
			}
		})
	}
}
