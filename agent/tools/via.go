package tools

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/tillwatch/tillwatch/agent/links"
	"github.com/tillwatch/tillwatch/agent/tap"
	"github.com/tillwatch/tillwatch/capture"
	"github.com/tillwatch/tillwatch/drivers"
)

// Via is a running agent's local API: its tap (GET /api/tap) streams the
// lane's link input, redacted, while the agent keeps the ports.
type Via struct {
	URL   string // "http://127.0.0.1:9109"
	Token string // the agent's API token (data_dir/api-token)
	// HTTP is the client; nil is a plain one (a stream has no timeout).
	HTTP *http.Client
}

// ErrAgentEnded says the agent ended the stream (it stopped, or this end
// fell behind); the error text says which.
var ErrAgentEnded = errors.New("tools: the agent ended the stream")

// feed streams devs' input from the agent into mail until ctx is done.
func (v *Via) feed(ctx context.Context, devs []string, mail *links.Mailbox) error {
	q := url.Values{tap.ParamDevice: devs}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.URL+tap.Path+"?"+q.Encode(), nil)
	if err != nil {
		return fmt.Errorf("tools: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+v.Token)
	hc := v.HTTP
	if hc == nil {
		hc = &http.Client{}
	}
	res, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("tools: the agent's tap on %s: %w", v.URL, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
		return fmt.Errorf("tools: the agent's tap on %s answered %s: %s", v.URL, res.Status, strings.TrimSpace(string(b)))
	}
	rd := capture.NewReader(res.Body)
	if _, err := rd.Header(); err != nil {
		return fmt.Errorf("tools: the agent's tap: %w", err)
	}
	for {
		rec, err := rd.Next()
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, io.EOF) {
			why := res.Trailer.Get(tap.TrailerEnd)
			if why == "" {
				why = "the connection ended"
			}
			return fmt.Errorf("%w: %s", ErrAgentEnded, why)
		}
		if err != nil {
			return fmt.Errorf("tools: the agent's tap: %w", err)
		}
		if rec.Link != "" {
			mail.Link(rec.Dev, &drivers.Link{Head: drivers.Head{Time: rec.Time, Device: rec.Dev}, Up: rec.Link == capture.LinkUp, Reason: rec.Reason})
			continue
		}
		mail.Chunk(rec.Dev, drivers.Chunk{Time: rec.Time, Dir: rec.Dir, Data: rec.Data})
	}
}
