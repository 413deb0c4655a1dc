// Package journalclient reaches a lane's electronic journal for the CLI:
// the running agent's local API (agent/journalapi) first, and when no
// agent answers, the journal in data_dir itself (Badger allows one
// process: the agent's, when it runs). Reprinting and publishing need the
// agent, which owns the printer's link and the outbox.
package journalclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/tillwatch/tillwatch/agent/apiguard"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/agent/journalapi"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/reconcile"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
)

// ErrNoAgent says no agent answered on the API address.
var ErrNoAgent = errors.New("no agent answers")

// Client reaches one lane's journal.
type Client struct {
	cfg      *configs.Config
	base     string // http://127.0.0.1:9109, "" when the listener is off
	http     *http.Client
	currency string
	// token is the agent's API token from data_dir ("" when unreadable:
	// tokenErr says why); state-changing calls need it.
	token    string
	tokenErr error
}

// New returns the client of cfg's lane.
func New(cfg *configs.Config) *Client {
	c := &Client{cfg: cfg, http: &http.Client{Timeout: 30 * time.Second}, currency: cfg.Currency()}
	c.token, c.tokenErr = apiguard.Read(cfg.DataDir)
	if a := cfg.HTTP.Address; a != "" {
		host, port, err := net.SplitHostPort(a)
		if err == nil {
			if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
				host = "127.0.0.1"
			}
			c.base = "http://" + net.JoinHostPort(host, port)
		}
	}
	return c
}

// Currency is the lane's currency, in which amounts are read.
func (c *Client) Currency() string { return c.currency }

// Source tells where an answer came from, for a person.
func (c *Client) Source(viaAgent bool) string {
	if viaAgent {
		return "from the running agent on " + c.base
	}
	return "from the journal in " + c.cfg.DataDir + " (no agent running)"
}

// Search finds entries by the API's query parameters v (parsed as q, see
// journalapi.ParseQuery); viaAgent says whether the agent answered.
func (c *Client) Search(ctx context.Context, v url.Values, q journal.Query) (res journalapi.SearchResult, viaAgent bool, err error) {
	err = c.call(ctx, http.MethodGet, "/api/journal/search?"+v.Encode(), &res)
	if !errors.Is(err, ErrNoAgent) {
		return res, err == nil, err
	}
	err = c.local(func(j *journal.Journal) error {
		res, err = journalapi.Search(j, q, c.currency)
		return err
	})
	return res, false, err
}

// Get returns one entry by its journal id.
func (c *Client) Get(ctx context.Context, id string) (journalapi.Entry, error) {
	var en journalapi.Entry
	err := c.call(ctx, http.MethodGet, "/api/journal/"+url.PathEscape(id), &en)
	if errors.Is(err, ErrNoAgent) {
		err = c.local(func(j *journal.Journal) error {
			en, err = journalapi.Get(j, id, c.currency)
			return err
		})
	}
	return en, err
}

// Reprint asks the agent to print receipt id again; without an agent the
// error wraps ErrNoAgent.
func (c *Client) Reprint(ctx context.Context, id string) (journalapi.ReprintResult, error) {
	var res journalapi.ReprintResult
	err := c.call(ctx, http.MethodPost, "/api/journal/"+url.PathEscape(id)+"/reprint", &res)
	return res, err
}

// Summary returns the settlement summary of the local day (YYYY-MM-DD);
// publish also queues it on .../settlement, which needs the agent (the
// error then wraps ErrNoAgent).
func (c *Client) Summary(ctx context.Context, day string, publish bool) (journalapi.SummaryResult, error) {
	method := http.MethodGet
	if publish {
		method = http.MethodPost
	}
	var res journalapi.SummaryResult
	err := c.call(ctx, method, "/api/settlement?"+url.Values{journalapi.ParamDate: {day}}.Encode(), &res)
	if !errors.Is(err, ErrNoAgent) || publish {
		return res, err
	}
	err = c.local(func(j *journal.Journal) error {
		res.Summary, err = journalapi.Summarize(j, c.cfg.Site, c.cfg.Lane, day, c.currency, c.cfg.Location())
		if err != nil {
			return err
		}
		return journalapi.AddCashiers(j, res.Summary, lane.DetectConfig(c.cfg))
	})
	return res, err
}

// call does one API request and decodes a 200 answer into out. An agent
// that does not answer is ErrNoAgent; an error answer is its message.
func (c *Client) call(ctx context.Context, method, path string, out any) error {
	if c.base == "" {
		return fmt.Errorf("journal: %w (http.address is off in %s)", ErrNoAgent, "the config")
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, nil)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("journal: %w on %s: %w", ErrNoAgent, c.base, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("journal: read the agent's answer: %w", err)
	}
	if res.StatusCode == http.StatusNotFound && len(b) > 0 && b[0] != '{' {
		// An older agent without the journal API.
		return fmt.Errorf("journal: %w: the agent on %s has no journal API", ErrNoAgent, c.base)
	}
	if res.StatusCode == http.StatusUnauthorized && c.tokenErr != nil {
		return fmt.Errorf("journal: the agent on %s wants its API token, and this user cannot read it (run as the agent's user or root): %w", c.base, c.tokenErr)
	}
	if res.StatusCode != http.StatusOK {
		var ae struct{ Error string }
		if json.Unmarshal(b, &ae) == nil && ae.Error != "" {
			return fmt.Errorf("journal: the agent answered %d: %s", res.StatusCode, ae.Error)
		}
		return fmt.Errorf("journal: the agent answered %s", res.Status)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("journal: the agent's answer: %w", err)
	}
	return nil
}

// local opens the journal in data_dir (when no agent runs).
func (c *Client) local(fn func(j *journal.Journal) error) error {
	j, db, err := reconcile.OpenJournal(c.cfg.DataDir)
	if errors.Is(err, buffer.ErrLocked) {
		return fmt.Errorf("journal: the agent holds %s but its API did not answer on %s (is http.address the agent's?): %w", c.cfg.DataDir, c.base, err)
	}
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer db.Close()
	return fn(j)
}
