package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tillwatch/tillwatch/agent/apiguard"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/agent/journalapi"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/reconcile"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
)

// journalCmd groups the electronic journal verbs. Each asks the running
// agent's local API first (http.address) and, when no agent answers, opens
// the journal in data_dir itself (reprint needs the agent).
type journalCmd struct {
	Search  journalSearchCmd  `cmd:"" help:"Find receipts and payments by date, amount, receipt number, card last 4, auth code; a table or --json."`
	Show    journalShowCmd    `cmd:"" help:"Show one entry: a receipt as printed, or a payment's fields."`
	Reprint journalReprintCmd `cmd:"" help:"Print a receipt again on the lane printer, marked COPY / 副本 (needs the running agent and a bridged printer)."`
	Summary journalSummaryCmd `cmd:"" help:"The day's settlement summary: receipts per tender, card payments, terminal settlements (--publish sends it over MQTT)."`
}

type journalFlags struct {
	Config string `short:"c" required:"" type:"existingfile" placeholder:"FILE" help:"The lane's config (http.address, data_dir, currency)."`
	JSON   bool   `help:"JSON (Lines) instead of text."`
}

type journalSearchCmd struct {
	journalFlags
	Date    string   `placeholder:"YYYY-MM-DD" help:"That local day."`
	From    string   `placeholder:"TIME" help:"From (RFC 3339 or local 2026-11-22 10:00)."`
	To      string   `placeholder:"TIME" help:"Until (exclusive)."`
	Amount  string   `placeholder:"68.00" help:"Amount in the lane's currency: a receipt's total, due or tender, a payment's amount."`
	Receipt string   `placeholder:"N" help:"Receipt number, or a payment's receipt, trace or reference number."`
	Last4   string   `name:"last4" placeholder:"NNNN" help:"Last four digits of the card."`
	Cashier string   `placeholder:"NAME" help:"Receipts rung by this cashier (part of the name or number as the receipt prints it)."`
	Auth    string   `placeholder:"CODE" help:"Auth code."`
	Type    []string `placeholder:"TYPE" help:"Event types (receipt, payment, settlement, printer_status, link); default receipt,payment."`
	Limit   int      `default:"100" help:"At most this many entries."`
}

type journalShowCmd struct {
	journalFlags
	ID string `arg:"" help:"The entry's id (as search shows it)."`
}

type journalReprintCmd struct {
	Config string `short:"c" required:"" type:"existingfile" placeholder:"FILE" help:"The lane's config (http.address)."`
	ID     string `arg:"" help:"The receipt's id (as search shows it)."`
}

type journalSummaryCmd struct {
	journalFlags
	Date    string `placeholder:"YYYY-MM-DD" help:"The local day; default yesterday."`
	Publish bool   `help:"Also publish it on .../settlement (needs the running agent)."`
}

// journalClient reaches a lane's journal: the agent's API, else the data
// directory.
type journalClient struct {
	cfg      *configs.Config
	base     string // http://127.0.0.1:9109, "" when the listener is off
	http     *http.Client
	currency string
	// token is the agent's API token from data_dir ("" when unreadable:
	// tokenErr says why); state-changing calls need it.
	token    string
	tokenErr error
}

func newJournalClient(path string) (*journalClient, error) {
	cfg, err := configs.Load(path)
	if err != nil {
		return nil, usageError{err}
	}
	c := &journalClient{cfg: cfg, http: &http.Client{Timeout: 30 * time.Second}, currency: cfg.Currency()}
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
	return c, nil
}

// errNoAgent says no agent answered on the API address.
var errNoAgent = errors.New("no agent answers")

// call does one API request and decodes a 200 answer into out. An agent
// that does not answer is errNoAgent; an error answer is its message.
func (c *journalClient) call(ctx context.Context, method, path string, out any) error {
	if c.base == "" {
		return fmt.Errorf("journal: %w (http.address is off in %s)", errNoAgent, "the config")
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
		return fmt.Errorf("journal: %w on %s: %w", errNoAgent, c.base, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("journal: read the agent's answer: %w", err)
	}
	if res.StatusCode == http.StatusNotFound && len(b) > 0 && b[0] != '{' {
		// An older agent without the journal API.
		return fmt.Errorf("journal: %w: the agent on %s has no journal API", errNoAgent, c.base)
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
func (c *journalClient) local(fn func(j *journal.Journal) error) error {
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

// source tells where an answer came from (stderr).
func (c *journalClient) source(viaAgent bool) string {
	if viaAgent {
		return "from the running agent on " + c.base
	}
	return "from the journal in " + c.cfg.DataDir + " (no agent running)"
}

func (s *journalSearchCmd) Run(e *env) error {
	c, err := newJournalClient(s.Config)
	if err != nil {
		return err
	}
	v := url.Values{}
	for k, x := range map[string]string{
		journalapi.ParamDate: s.Date, journalapi.ParamFrom: s.From, journalapi.ParamTo: s.To,
		journalapi.ParamAmount: s.Amount, journalapi.ParamReceipt: s.Receipt, journalapi.ParamLast4: s.Last4,
		journalapi.ParamAuth: s.Auth, journalapi.ParamCashier: s.Cashier,
	} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if len(s.Type) > 0 {
		v.Set(journalapi.ParamType, joinComma(s.Type))
	}
	v.Set(journalapi.ParamLimit, strconv.Itoa(s.Limit))
	q, err := journalapi.ParseQuery(v, c.currency, c.cfg.Location())
	if err != nil {
		return usageError{err}
	}
	var res journalapi.SearchResult
	err = c.call(e.ctx, http.MethodGet, "/api/journal/search?"+v.Encode(), &res)
	via := err == nil
	if errors.Is(err, errNoAgent) {
		err = c.local(func(j *journal.Journal) error {
			res, err = journalapi.Search(j, q, c.currency)
			return err
		})
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "journal: %d entries %s\n", len(res.Entries), c.source(via))
	if s.JSON {
		enc := json.NewEncoder(e.stdout)
		for _, en := range res.Entries {
			if err := enc.Encode(en); err != nil {
				return err
			}
		}
		return nil
	}
	rows := make([]journalapi.Row, len(res.Entries))
	for i, en := range res.Entries {
		rows[i] = en.Row
	}
	return journalapi.WriteTable(e.stdout, rows, c.cfg.Location())
}

func joinComma(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}

func (s *journalShowCmd) Run(e *env) error {
	c, err := newJournalClient(s.Config)
	if err != nil {
		return err
	}
	if _, err := journal.Time(s.ID); err != nil {
		return usageError{fmt.Errorf("journal show: %q is not a journal id (32 hex digits, as search shows them)", s.ID)}
	}
	var en journalapi.Entry
	err = c.call(e.ctx, http.MethodGet, "/api/journal/"+url.PathEscape(s.ID), &en)
	if errors.Is(err, errNoAgent) {
		err = c.local(func(j *journal.Journal) error {
			en, err = journalapi.Get(j, s.ID, c.currency)
			return err
		})
	}
	if err != nil {
		return err
	}
	if s.JSON {
		return json.NewEncoder(e.stdout).Encode(en)
	}
	text, err := journalapi.Show(en, c.cfg.Location())
	if err != nil {
		return err
	}
	_, err = io.WriteString(e.stdout, text)
	return err
}

func (s *journalReprintCmd) Run(e *env) error {
	c, err := newJournalClient(s.Config)
	if err != nil {
		return err
	}
	if _, err := journal.Time(s.ID); err != nil {
		return usageError{fmt.Errorf("journal reprint: %q is not a journal id (32 hex digits, as search shows them)", s.ID)}
	}
	var res journalapi.ReprintResult
	err = c.call(e.ctx, http.MethodPost, "/api/journal/"+url.PathEscape(s.ID)+"/reprint", &res)
	if errors.Is(err, errNoAgent) {
		return fmt.Errorf("journal reprint needs the running agent (it owns the printer's link): %w; start it with tillwatch run -c %s", err, s.Config)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reprinted %s (marked COPY / 副本)\n", res.ID)
	return nil
}

func (s *journalSummaryCmd) Run(e *env) error {
	c, err := newJournalClient(s.Config)
	if err != nil {
		return err
	}
	day := s.Date
	if day == "" {
		day = time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	}
	if _, _, err := journalapi.Day(day, c.cfg.Location()); err != nil {
		return usageError{err}
	}
	method := http.MethodGet
	if s.Publish {
		method = http.MethodPost
	}
	var res journalapi.SummaryResult
	err = c.call(e.ctx, method, "/api/settlement?"+url.Values{journalapi.ParamDate: {day}}.Encode(), &res)
	if errors.Is(err, errNoAgent) {
		if s.Publish {
			return fmt.Errorf("journal summary --publish needs the running agent (it owns the outbox): %w", err)
		}
		err = c.local(func(j *journal.Journal) error {
			res.Summary, err = journalapi.Summarize(j, c.cfg.Site, c.cfg.Lane, day, c.currency, c.cfg.Location())
			if err != nil {
				return err
			}
			return journalapi.AddCashiers(j, res.Summary, lane.DetectConfig(c.cfg))
		})
	}
	if err != nil {
		return err
	}
	if s.JSON {
		return json.NewEncoder(e.stdout).Encode(res.Summary)
	}
	if err := journalapi.WriteSummary(e.stdout, res.Summary); err != nil {
		return err
	}
	if res.Published {
		fmt.Fprintln(e.stdout, "queued for MQTT on .../settlement")
	}
	return nil
}
