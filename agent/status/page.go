package status

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"time"
)

//go:embed page.html
var pageHTML string

// pageTmpl is parsed once; html/template escapes every value (receipt
// text and summaries come from devices).
var pageTmpl = template.Must(template.New("page").Parse(pageHTML))

// pageData is what the template renders.
type pageData struct {
	Snapshot
	Healthy bool
	Problem string
	Refresh int // seconds
	loc     *time.Location
}

// Clock formats t in the page's time zone ("–" for never).
func (d pageData) Clock(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(d.loc).Format("2006-01-02 15:04:05 MST")
}

// Ago says how long before the snapshot t was.
func (d pageData) Ago(t time.Time) string { return ago(d.Now, t) }

func (s *Server) page(w http.ResponseWriter, _ *http.Request) {
	herr := s.src.Health()
	d := pageData{Snapshot: s.src.Snapshot(), Healthy: herr == nil, Refresh: int(s.opts.Refresh / time.Second), loc: s.opts.Location}
	if d.Refresh < 1 {
		d.Refresh = 1
	}
	if herr != nil {
		d.Problem = herr.Error()
	}
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, d); err != nil {
		s.opts.Log.Error("status: render page", "error", err)
		http.Error(w, "status: render page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes()) // the client went away; nothing to tell it
}

// ago says how long before now t was, coarsely: "4s ago", "3m ago".
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "in " + (-d).Round(time.Second).String()
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}
