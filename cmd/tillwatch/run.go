package main

import (
	"log/slog"

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
	log := newLogger(e, cfg.LogLevel)
	a, err := agent.New(cfg, agent.Options{Log: log, Version: version})
	if err != nil {
		return err
	}
	return a.Run(e.ctx)
}

// newLogger logs text to stderr at the configured level.
func newLogger(e *env, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: l}))
}
