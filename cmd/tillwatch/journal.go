package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"time"

	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/agent/journalapi"
	"github.com/tillwatch/tillwatch/agent/journalclient"
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

// newJournalClient loads the config and returns its lane's journal client.
func newJournalClient(path string) (*journalclient.Client, *configs.Config, error) {
	cfg, err := configs.Load(path)
	if err != nil {
		return nil, nil, usageError{err}
	}
	return journalclient.New(cfg), cfg, nil
}

func (s *journalSearchCmd) Run(e *env) error {
	c, cfg, err := newJournalClient(s.Config)
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
	q, err := journalapi.ParseQuery(v, c.Currency(), cfg.Location())
	if err != nil {
		return usageError{err}
	}
	res, via, err := c.Search(e.ctx, v, q)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "journal: %d entries %s\n", len(res.Entries), c.Source(via))
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
	return journalapi.WriteTable(e.stdout, rows, cfg.Location())
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
	c, cfg, err := newJournalClient(s.Config)
	if err != nil {
		return err
	}
	if _, err := journal.Time(s.ID); err != nil {
		return usageError{fmt.Errorf("journal show: %q is not a journal id (32 hex digits, as search shows them)", s.ID)}
	}
	en, err := c.Get(e.ctx, s.ID)
	if err != nil {
		return err
	}
	if s.JSON {
		return json.NewEncoder(e.stdout).Encode(en)
	}
	text, err := journalapi.Show(en, cfg.Location())
	if err != nil {
		return err
	}
	_, err = io.WriteString(e.stdout, text)
	return err
}

func (s *journalReprintCmd) Run(e *env) error {
	c, _, err := newJournalClient(s.Config)
	if err != nil {
		return err
	}
	if _, err := journal.Time(s.ID); err != nil {
		return usageError{fmt.Errorf("journal reprint: %q is not a journal id (32 hex digits, as search shows them)", s.ID)}
	}
	res, err := c.Reprint(e.ctx, s.ID)
	if errors.Is(err, journalclient.ErrNoAgent) {
		return fmt.Errorf("journal reprint needs the running agent (it owns the printer's link): %w; start it with tillwatch run -c %s", err, s.Config)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reprinted %s (marked COPY / 副本)\n", res.ID)
	return nil
}

func (s *journalSummaryCmd) Run(e *env) error {
	c, cfg, err := newJournalClient(s.Config)
	if err != nil {
		return err
	}
	day := s.Date
	if day == "" {
		day = time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	}
	if _, _, err := journalapi.Day(day, cfg.Location()); err != nil {
		return usageError{err}
	}
	res, err := c.Summary(e.ctx, day, s.Publish)
	if s.Publish && errors.Is(err, journalclient.ErrNoAgent) {
		return fmt.Errorf("journal summary --publish needs the running agent (it owns the outbox): %w", err)
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
