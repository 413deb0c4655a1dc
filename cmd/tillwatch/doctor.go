package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/tillwatch/tillwatch/agent/doctor"
	"github.com/tillwatch/tillwatch/agent/presence"
	"github.com/tillwatch/tillwatch/configs"
)

type doctorCmd struct {
	Config string `short:"c" required:"" type:"path" placeholder:"FILE" help:"Config file to check, with everything it names."`
}

// isTerminal reports whether w is a character device (a person watching).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// errProblems makes doctor exit 1 after it printed its findings.
var errProblems = errors.New("doctor: problems found (see FAIL lines above)")

func (c *doctorCmd) Run(e *env) error {
	cfg, err := configs.Load(c.Config)
	if err != nil {
		fmt.Fprintf(e.stdout, "FAIL  config %s\n", c.Config)
		return usageError{err}
	}
	fmt.Fprintf(e.stdout, "ok    config %s: site %s, lane %s, %d devices\n", c.Config, cfg.Site, cfg.Lane, len(cfg.Devices))
	ag, err := presence.Find(e.ctx, cfg)
	if err != nil {
		return err
	}
	if ag != nil {
		fmt.Fprintf(e.stdout, "ok    %s is running: its ports are not opened (that would take bytes from it)\n", ag)
	}
	var results []doctor.Result
	live := isTerminal(e.stdout)
	for _, chk := range doctor.Checks(cfg, ag) {
		if live { // progress for slow checks, overwritten by the result
			fmt.Fprintf(e.stdout, "....  %s", chk.Name)
		}
		r := chk.Run(e.ctx)
		results = append(results, r)
		if live {
			fmt.Fprint(e.stdout, "\r\033[K")
		}
		fmt.Fprintf(e.stdout, "%-4s  %s: %s\n", r.Status, chk.Name, r.Detail)
		if r.Hint != "" {
			fmt.Fprintf(e.stdout, "      -> %s\n", r.Hint)
		}
	}
	if doctor.Worst(results) == doctor.Fail {
		return errProblems
	}
	_, err = fmt.Fprintln(e.stdout, "no problems found")
	return err
}
