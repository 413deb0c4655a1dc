package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/lane"
	"github.com/tillwatch/tillwatch/agent/reconcile"
	"github.com/tillwatch/tillwatch/configs"
)

type reconcileCmd struct {
	Statement string            `required:"" type:"existingfile" placeholder:"FILE" help:"The acquirer's daily transaction file (CSV; columns in the package doc of agent/reconcile)."`
	Config    string            `short:"c" type:"path" placeholder:"FILE" help:"The lane's config: its data_dir, site, lane, detect settings and device roles."`
	Journal   string            `type:"path" placeholder:"DIR" help:"The agent's data directory, instead of a config."`
	Site      string            `default:"site" help:"Site name in alerts when no config is given."`
	Lane      string            `default:"lane" help:"Lane name in alerts when no config is given."`
	Column    map[string]string `placeholder:"COL=HEADER" help:"Name a statement column: amount=交易金额, date=Datum, ... (repeatable)."`
	TZ        string            `default:"Local" help:"Time zone of the statement's times (e.g. Asia/Shanghai)."`
	Currency  string            `help:"Currency of the amounts when the statement has no currency column (default: the terminal's, else none)."`
	Encoding  string            `placeholder:"NAME" help:"The statement's encoding: utf-8, utf-16, gbk, windows-1252, latin-1 (default: detected from a BOM or the bytes)."`
	SkipBad   bool              `help:"Reconcile the rows that can be read and report the bad ones, instead of stopping."`
}

func (r *reconcileCmd) Run(e *env) error {
	if (r.Config == "") == (r.Journal == "") {
		return usageError{fmt.Errorf("reconcile: give -c CONFIG or --journal DIR (one of them)")}
	}
	loc, err := time.LoadLocation(r.TZ)
	if err != nil {
		return usageError{fmt.Errorf("reconcile: --tz %q: %w", r.TZ, err)}
	}
	dcfg := detect.DefaultConfig()
	dcfg.Site, dcfg.Lane = r.Site, r.Lane
	dir, currency := r.Journal, r.Currency
	if r.Config != "" {
		cfg, err := configs.Load(r.Config)
		if err != nil {
			return usageError{err}
		}
		dcfg, dir = lane.DetectConfig(cfg), cfg.DataDir
		for _, d := range cfg.Devices {
			if currency == "" && d.Role == configs.RoleTerminal {
				currency = d.Currency
			}
		}
	}
	f, err := os.Open(r.Statement)
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	defer f.Close()
	rows, err := reconcile.ReadStatement(f, reconcile.Options{Columns: r.Column, Location: loc, Currency: currency, Encoding: r.Encoding})
	var bad reconcile.BadRows
	if errors.As(err, &bad) {
		for _, b := range bad {
			fmt.Fprintf(e.stderr, "%s:%d:%d: %s: %v\n", r.Statement, b.Line, b.Column, b.Field, b.Err)
		}
		if !r.SkipBad {
			return usageError{fmt.Errorf("reconcile: %s: %d bad rows (above); fix them, or --skip-bad to reconcile the %d good ones", r.Statement, len(bad), len(rows))}
		}
		fmt.Fprintf(e.stderr, "reconcile: skipping %d bad rows of %s\n", len(bad), r.Statement)
	} else if err != nil {
		return usageError{fmt.Errorf("%s: %w", r.Statement, err)}
	}
	j, db, err := reconcile.OpenJournal(dir)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := reconcile.Reconcile(j, rows, dcfg)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	kinds := map[string]int{}
	for _, a := range res.Alerts {
		kinds[a.Kind]++
		if err := enc.Encode(a); err != nil {
			return err
		}
	}
	var parts []string
	for k, n := range kinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, n))
	}
	fmt.Fprintf(e.stderr, "reconcile: %d statement rows (%d already in the journal), %d register receipts, %d alerts %s\n",
		res.Rows, res.Known, res.Receipts, len(res.Alerts), strings.Join(parts, ", "))
	return db.Close()
}
