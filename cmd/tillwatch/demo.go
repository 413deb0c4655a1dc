package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tillwatch/tillwatch/demo"
)

type demoCmd struct {
	Dir    string `type:"path" help:"Where to keep the demo's database and capture (default: a new temp dir)."`
	Broker string `help:"Use this MQTT broker URL instead of the embedded one (e.g. tcp://127.0.0.1:1883)."`
	Log    bool   `help:"Show the agent's own log (info level) on stderr."`
	Lang   string `placeholder:"LANG" enum:",zh-CN,en,de" default:"" help:"The lane's language for alert texts: zh-CN, en or de (default: the system's)."`
	TZ     string `name:"tz" placeholder:"ZONE" help:"The lane's time zone for alert texts, e.g. Asia/Shanghai (default: the system's)."`
	Notify string `placeholder:"CHANNEL" enum:",ntfy" default:"" help:"Also send alerts through a notification channel to a local stand-in: ntfy (a local inbox page; no account needed)."`
}

func (c *demoCmd) Run(e *env) error {
	if c.TZ != "" {
		if _, err := time.LoadLocation(c.TZ); err != nil {
			return usageError{fmt.Errorf("demo: --tz %q: %w (an IANA name such as Asia/Shanghai or Europe/Berlin)", c.TZ, err)}
		}
	}
	fmt.Fprintln(e.stdout, "tillwatch demo: a simulated checkout lane, the agent, an MQTT broker and a subscriber, all in this process.")
	o := demo.Options{Dir: c.Dir, Broker: c.Broker, Out: e.stdout, Locale: c.Lang, TimeZone: c.TZ, Notify: c.Notify}
	if c.Log {
		o.Log = newLogger(e.stderr, "info")
	}
	res, err := demo.Run(e.ctx, o)
	if res != nil {
		fmt.Fprintf(e.stdout, "\n%d alerts received in %s.\n", len(res.Alerts), res.Duration.Round(100*1e6))
		if len(res.Missing) == 0 && err == nil {
			fmt.Fprintf(e.stdout, "Every expected alert arrived: %s.\n", strings.Join(kinds(res), ", "))
		}
		fmt.Fprintf(e.stdout, "Capture of the shift: %s\nReplay it offline:   %s replay %s\n", res.Capture, os.Args[0], res.Capture)
	}
	return err
}

func kinds(res *demo.Result) []string {
	var ks []string
	for _, a := range res.Alerts {
		ks = append(ks, a.Kind)
	}
	return ks
}
