package demo

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tillwatch/tillwatch/agent/words"
)

// Inbox is a local stand-in for an ntfy server, so the demo shows a
// notification channel working without any account: it accepts what the
// agent's ntfy channel publishes to /demo-alerts (Title, Priority, Tags
// headers, the text as body), prints each message, and serves the
// messages as a page on /.
type Inbox struct {
	srv  *http.Server
	ln   net.Listener
	say  func(string, ...any)
	lang words.Lang       // the page's own words
	loc  *time.Location   // the page's clock times
	now  func() time.Time // stamps messages; time.Now
	mu   sync.Mutex
	msgs []InboxMessage
	got  chan struct{} // signalled on each message
}

// InboxMessage is one notification the inbox received.
type InboxMessage struct {
	At       time.Time
	Title    string
	Priority string
	Tags     string
	Text     string
}

// Topic is the path the demo's ntfy channel publishes to.
const Topic = "/demo-alerts"

// StartInbox listens on a free loopback port; its page speaks lang and
// tells the time in loc (the lane's language and zone, as the
// notifications do; nil: local time).
func StartInbox(say func(string, ...any), lang words.Lang, loc *time.Location) (*Inbox, error) {
	if loc == nil {
		loc = time.Local
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: inbox: %w", err)
	}
	in := &Inbox{ln: ln, say: say, lang: lang.OrDefault(), loc: loc, now: time.Now, got: make(chan struct{}, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+Topic, in.publish)
	mux.HandleFunc("GET /", in.page)
	in.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go in.srv.Serve(ln) //nolint:errcheck // ends with Close
	return in, nil
}

// URL is the topic URL for the channel.
func (in *Inbox) URL() string { return "http://" + in.ln.Addr().String() + Topic }

// Page is the inbox page's address.
func (in *Inbox) Page() string { return "http://" + in.ln.Addr().String() + "/" }

// Messages returns what arrived so far.
func (in *Inbox) Messages() []InboxMessage {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]InboxMessage(nil), in.msgs...)
}

// WaitFor waits until every id appears in a message, or ctx is done; it
// returns the ids still missing.
func (in *Inbox) WaitFor(ctx context.Context, ids []string) []string {
	for {
		var missing []string
		msgs := in.Messages()
		for _, id := range ids {
			found := false
			for _, m := range msgs {
				if strings.Contains(m.Text, id) {
					found = true
					break
				}
			}
			if !found {
				missing = append(missing, id)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return missing
		case <-in.got:
		}
	}
}

// Close stops the server.
func (in *Inbox) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := in.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("demo: inbox: %w", err)
	}
	return nil
}

func (in *Inbox) publish(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	title, err := new(mime.WordDecoder).DecodeHeader(r.Header.Get("Title"))
	if err != nil {
		title = r.Header.Get("Title")
	}
	m := InboxMessage{At: in.now(), Title: title, Priority: r.Header.Get("Priority"), Tags: r.Header.Get("Tags"), Text: string(b)}
	in.mu.Lock()
	in.msgs = append(in.msgs, m)
	in.mu.Unlock()
	select {
	case in.got <- struct{}{}:
	default:
	}
	in.say("  📱 ntfy [priority %s] %s\n           %s", m.Priority, m.Title, indent(m.Text))
	fmt.Fprintf(w, `{"id":"demo%d","event":"message"}`, len(in.msgs))
}

func indent(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		out = append(out, r)
		if r == '\n' {
			out = append(out, []rune("           ")...)
		}
	}
	return string(out)
}

var inboxPage = template.Must(template.New("inbox").Parse(`<!doctype html><html lang="{{.Lang}}"><meta charset="utf-8">
<meta http-equiv="refresh" content="3"><title>tillwatch demo: {{.W.Title}}</title>
<style>body{font-family:sans-serif;max-width:46em;margin:1em auto}div{border:1px solid #ccc;border-radius:.5em;padding:.6em;margin:.5em 0}
.p5{border-left:.4em solid #c0392b}.p3{border-left:.4em solid #e67e22}.p2{border-left:.4em solid #27ae60}pre{white-space:pre-wrap;margin:.3em 0 0}</style>
<h1>{{.W.Title}}</h1><p><small>{{.W.About}}</small></p>
{{range .Msgs}}<div class="p{{.Priority}}"><b>{{.Title}}</b> <small>{{(.At.In $.Loc).Format "15:04:05 MST"}}</small><pre>{{.Text}}</pre></div>{{else}}<p>{{.W.Empty}}</p>{{end}}`))

// inboxWords are the inbox page's own words.
type inboxWords struct{ Title, About, Empty string }

var inboxText = map[words.Lang]inboxWords{
	words.EN: {"ntfy inbox (demo)", "What the lane's ntfy channel published, newest first, as the ntfy app would show it.", "Nothing yet."},
	words.ZH: {"ntfy 收件箱（演示）", "收银台的 ntfy 通知渠道发出的消息，最新的在前，与 ntfy 手机应用中看到的相同。", "暂无消息。"},
	words.DE: {"ntfy-Posteingang (Demo)", "Was der ntfy-Kanal der Kasse gesendet hat, neueste zuerst, wie die ntfy-App es zeigt.", "Noch nichts."},
}

func (in *Inbox) page(w http.ResponseWriter, r *http.Request) {
	msgs := in.Messages()
	for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
		msgs[i], msgs[j] = msgs[j], msgs[i]
	}
	lang := in.lang
	if l, err := words.Parse(r.URL.Query().Get("lang")); err == nil && r.URL.Query().Has("lang") {
		lang = l
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	data := struct {
		Lang string
		Loc  *time.Location
		W    inboxWords
		Msgs []InboxMessage
	}{string(lang), in.loc, inboxText[lang], msgs}
	if err := inboxPage.Execute(w, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
