package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tillwatch/tillwatch/agent/tools"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/money"
)

type monitorCmd struct {
	Config  string   `short:"c" required:"" type:"existingfile" placeholder:"FILE" help:"Config naming the devices and their ports."`
	Devices []string `short:"d" name:"device" help:"Device(s) to watch (default: all)."`
	Hex     bool     `help:"Also show the raw bytes as hex (terminal links redacted)."`
	JSON    bool     `help:"One JSON object per event instead of text."`
}

func (c *monitorCmd) Run(e *env) error {
	cfg, err := configs.Load(c.Config)
	if err != nil {
		return usageError{err}
	}
	via, err := besideAgent(e, cfg, "monitor")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "monitoring %s (Ctrl-C to stop)\n", strings.Join(deviceNames(cfg, c.Devices), ", "))
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	// A reader that went away (monitor | head) ends the monitor with the
	// write error instead of decoding on into nowhere.
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	var writeErr error
	write := func(err error) {
		if err != nil && writeErr == nil {
			writeErr = fmt.Errorf("monitor: write: %w", err)
			cancel()
		}
	}
	err = tools.Monitor(ctx, cfg, tools.MonitorOptions{Devices: c.Devices, Raw: c.Hex, Log: newLogger(e.stderr, "warn"), Via: via}, func(it tools.MonitorItem) {
		if !c.JSON {
			_, err := fmt.Fprint(e.stdout, formatItem(it))
			write(err)
			return
		}
		if it.Event != nil {
			write(enc.Encode(map[string]any{"device": it.Device, "type": it.Event.EventType(), "event": it.Event}))
		}
		if it.Chunk != nil {
			write(enc.Encode(map[string]any{"device": it.Device, "type": "bytes", "from": it.Chunk.Dir.String(), "time": it.Chunk.Time, "hex": hex.EncodeToString(it.Chunk.Data)}))
		}
	})
	if writeErr != nil {
		return writeErr
	}
	return err
}

// formatItem renders a monitored item for a person.
func formatItem(it tools.MonitorItem) string {
	if it.Chunk != nil {
		return fmt.Sprintf("%s %-8s %-6s %d bytes\n%s", it.Chunk.Time.Local().Format("15:04:05.000"), it.Device, it.Chunk.Dir, len(it.Chunk.Data), hex.Dump(it.Chunk.Data))
	}
	ts := it.Event.When().Local().Format("15:04:05.000")
	switch ev := it.Event.(type) {
	case *drivers.Receipt:
		return fmt.Sprintf("%s %-8s RECEIPT\n%s\n", ts, it.Device, escpos.Render(ev))
	case *drivers.Payment:
		return fmt.Sprintf("%s %-8s PAYMENT %s %s %s (requested %s) card %s auth %s trace %s receipt %s\n", ts, it.Device,
			ev.Type, strings.ToUpper(string(ev.Result)), money.Format(ev.Amount, ev.Currency), money.Format(ev.Requested, ev.Currency),
			orDash(ev.Card), orDash(ev.AuthCode), orDash(ev.Trace), orDash(ev.ReceiptNo))
	case *drivers.PrinterStatus:
		return fmt.Sprintf("%s %-8s PRINTER %s (via %s)\n", ts, it.Device, printerFlags(ev), orDash(ev.Via))
	case *drivers.Link:
		state := "DOWN " + ev.Reason
		if ev.Up {
			state = "UP"
		}
		return fmt.Sprintf("%s %-8s LINK %s\n", ts, it.Device, state)
	default:
		b, _ := json.Marshal(ev)
		return fmt.Sprintf("%s %-8s %s %s\n", ts, it.Device, strings.ToUpper(ev.EventType()), b)
	}
}

func printerFlags(s *drivers.PrinterStatus) string {
	var f []string
	for _, x := range []struct {
		on   bool
		name string
	}{{s.Offline, "offline"}, {s.CoverOpen, "cover open"}, {s.PaperEnd, "paper end"}, {s.PaperNearEnd, "paper near end"},
		{s.CutterError, "cutter error"}, {s.Unrecoverable, "unrecoverable error"}, {s.AutoRecoverable, "auto-recoverable error"},
		{s.Error, "error"}, {s.NoReply, "no reply to a status request"}} {
		if x.on {
			f = append(f, x.name)
		}
	}
	if len(f) == 0 {
		return "ok"
	}
	return strings.Join(f, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func deviceNames(cfg *configs.Config, chosen []string) []string {
	if len(chosen) > 0 {
		return chosen
	}
	var n []string
	for _, d := range cfg.Devices {
		n = append(n, d.Name)
	}
	return n
}
