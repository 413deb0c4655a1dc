// Command tillwatch watches a checkout lane: it reads what the register sends
// to the receipt printer and what the card terminal answers, detects money
// and trust leaks within seconds, keeps an electronic journal and publishes
// alerts over MQTT. Run `tillwatch --help` for the verbs.

// The runtime would re-read the cgroup CPU limit every second to adjust
// GOMAXPROCS, waking an idle agent for nothing; a lane's limit does not
// change while it runs (issue 15).
//
//go:debug updatemaxprocs=0
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/alecthomas/kong"
	"github.com/tillwatch/tillwatch/agent/topic"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes of the CLI contract.
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2
)

// cli is the grammar: one field per verb, each in its own file.
type cli struct {
	Run     runCmd     `cmd:"" help:"Run the agent with a config file."`
	Demo    demoCmd    `cmd:"" help:"A self-contained lane: embedded MQTT broker, simulated printer and terminal on ptys, alerts printed as they arrive."`
	Replay  replayCmd  `cmd:"" help:"Replay capture files offline and print alerts as JSON Lines."`
	Decode  decodeCmd  `cmd:"" help:"Decode device bytes to text or JSON."`
	Ports   portsCmd   `cmd:"" help:"List serial ports with USB ids and their stable /dev/serial/by-id names."`
	Profile profileCmd `cmd:"" help:"Fit a receipt profile to a POS: which field is found on which line."`
	Monitor monitorCmd `cmd:"" help:"Live decoded view of a config's devices: receipts as text, payments, printer status (--hex for raw bytes)."`
	Capture captureCmd `cmd:"" help:"Record a config's devices to a capture file (terminal card data masked) for replay."`
	Doctor  doctorCmd  `cmd:"" help:"Check an installation: config, ports and permissions, broker and TLS, disk, clock, journal."`
	Setup   setupCmd   `cmd:"" help:"First run on a lane: choose the printer's and terminal's ports, listen to a receipt and a payment to suggest the settings, write a commented config and check it with doctor."`
	Service serviceCmd `cmd:"" help:"Install or remove the Windows service."`
	Watch   watchCmd   `cmd:"" help:"Subscribe to a fleet's alerts and lane statuses: deduplicated, filtered, as a table or JSON Lines; optionally forwarded to a webhook."`
	Version versionCmd `cmd:"" help:"Print the version."`
	Help    helpCmd    `cmd:"" help:"Show the verbs, or help for one verb (tillwatch help journal search)."`

	VersionFlag kong.VersionFlag `name:"version" help:"Print the version and exit."`

	// Standalone terminals: the acquirer's statement against the journal.
	Reconcile reconcileCmd `cmd:"" help:"Compare an acquirer's statement (CSV) with the journal; alerts as JSON Lines."`
	Journal   journalCmd   `cmd:"" help:"The electronic journal: search, show, reprint a receipt, the daily settlement summary (works while the agent runs)."`
}

// usageError marks errors that exit with code 2 (bad usage or bad config).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// env is what every verb gets: its streams and a context cancelled on
// SIGINT/SIGTERM.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	stdin  io.Reader
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses args and runs one verb; it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c cli
	exited := -1
	if len(args) > 0 && args[0] == "help" {
		// "tillwatch help VERB..." is "tillwatch VERB... --help".
		args = append(append([]string(nil), args[1:]...), "--help")
	}
	parser, err := kong.New(&c,
		kong.Name("tillwatch"),
		kong.Description("Detects card payments without receipts, wrong amounts and failed prints at a checkout lane."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exited = code }),
		kong.UsageOnError(),
		kong.Vars{"version": "tillwatch " + version, "topic_prefix": topic.Prefix},
	)
	if err != nil {
		fmt.Fprintf(stderr, "tillwatch: %v\n", err)
		return exitRuntime
	}
	kctx, err := parser.Parse(args)
	if exited >= 0 { // --help, --version
		return exited
	}
	if err != nil {
		fmt.Fprintf(stderr, "tillwatch: %v\n", err)
		return exitUsage
	}
	e := &env{ctx: ctx, stdout: stdout, stderr: stderr, stdin: stdin}
	if err := kctx.Run(e); err != nil {
		fmt.Fprintf(stderr, "tillwatch: %v\n", err)
		var ue usageError
		if errors.As(err, &ue) {
			return exitUsage
		}
		return exitRuntime
	}
	return exitOK
}

type versionCmd struct{}

// helpCmd is only in the grammar so that the verb list shows it: run
// rewrites "help VERB..." to "VERB... --help" before parsing.
type helpCmd struct {
	Verb []string `arg:"" optional:"" help:"The verb (and sub-verb)."`
}

func (helpCmd) Run(*env) error { return nil }

func (versionCmd) Run(e *env) error {
	_, err := fmt.Fprintf(e.stdout, "tillwatch %s\n", version)
	return err
}
