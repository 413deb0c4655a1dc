package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/configs"
)

type runCmd struct {
	Config string `short:"c" required:"" type:"path" placeholder:"FILE" help:"Config file (YAML); see configs/example.yaml."`
}

func (r *runCmd) Run(e *env) error {
	cfg, err := configs.Load(r.Config)
	if err != nil {
		return usageError{err}
	}
	runAgent := func(ctx context.Context, logTo io.Writer) error {
		a, err := agent.New(cfg, agent.Options{Log: newLogger(logTo, cfg.LogLevel), Version: version})
		if err != nil {
			return err
		}
		return a.Run(ctx)
	}
	ran, err := runService(serviceName, func(ctx context.Context) error {
		// Under the Windows service manager stderr goes nowhere: log to a
		// file beside the journal.
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return fmt.Errorf("run: %w", err)
		}
		f, err := os.OpenFile(filepath.Join(cfg.DataDir, "tillwatch.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return fmt.Errorf("run: log file: %w", err)
		}
		defer f.Close()
		return runAgent(ctx, f)
	})
	if ran {
		return err
	}
	return runAgent(e.ctx, e.stderr)
}

// newLogger logs text to w at the configured level.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
