package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/agent/tools"
	"github.com/tillwatch/tillwatch/configs"
)

type captureCmd struct {
	Config   string        `short:"c" required:"" type:"existingfile" placeholder:"FILE" help:"Config naming the devices and their ports."`
	Devices  []string      `short:"d" name:"device" help:"Device(s) to record (default: all)."`
	Output   string        `short:"o" required:"" type:"path" placeholder:"FILE" help:"Capture file to write (JSON Lines; appended when it exists)."`
	Duration time.Duration `help:"Stop after this long (default: until Ctrl-C)."`
}

func (c *captureCmd) Run(e *env) error {
	cfg, err := configs.Load(c.Config)
	if err != nil {
		return usageError{err}
	}
	ctx := e.ctx
	if c.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Duration)
		defer cancel()
	}
	via, err := besideAgent(e, cfg, "capture")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "recording %s to %s (Ctrl-C to stop; card data in terminal frames is masked)\n", strings.Join(deviceNames(cfg, c.Devices), ", "), c.Output)
	st, err := tools.Capture(ctx, cfg, tools.CaptureOptions{
		Devices: c.Devices, Path: c.Output, Log: newLogger(e.stderr, "warn"), Via: via,
		Progress: func(st tools.CaptureStats) { fmt.Fprintf(e.stderr, "  %s\n", progressLine(st)) },
	})
	fmt.Fprintf(e.stderr, "done: %s\nreplay it: tillwatch replay %s\n", progressLine(st), c.Output)
	return err
}

func progressLine(st tools.CaptureStats) string {
	var devs []string
	for d := range st.Links {
		devs = append(devs, d)
	}
	for d := range st.Bytes {
		if _, ok := st.Links[d]; !ok {
			devs = append(devs, d)
		}
	}
	sort.Strings(devs)
	parts := []string{fmt.Sprintf("%d records", st.Records)}
	for _, d := range devs {
		state := "down"
		if st.Links[d] {
			state = "up"
		}
		parts = append(parts, fmt.Sprintf("%s %s %d bytes", d, state, st.Bytes[d]))
	}
	return strings.Join(parts, ", ")
}
