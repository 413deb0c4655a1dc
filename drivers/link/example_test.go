package link_test

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/link"
)

// printSink prints what the link saw.
type printSink struct{}

func (printSink) Chunk(dev string, c drivers.Chunk) {
	fmt.Printf("%s %s %s %d bytes\n", c.Time.Format("15:04:05.000"), dev, c.Dir, len(c.Data))
}

func (printSink) Link(dev string, ev *drivers.Link) {
	fmt.Printf("%s %s up=%v %s\n", ev.Time.Format("15:04:05.000"), dev, ev.Up, ev.Reason)
}

// A receipt printer tapped with a Y-cable: the register's TX line on one
// USB adapter, the printer's TX line (status replies) on another.
func ExampleTap() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	tap := &link.Tap{
		Device: "printer",
		Host:   link.SerialConfig{Path: "/dev/serial/by-id/usb-FTDI_FT232R_A1-if00-port0", Baud: 38400},
		Dev:    &link.SerialConfig{Path: "/dev/serial/by-id/usb-FTDI_FT232R_B2-if00-port0", Baud: 38400},
	}
	if err := tap.Run(ctx, printSink{}); err != nil {
		fmt.Println(err)
	}
}

// A card terminal behind the agent: the register talks to /dev/ttyS0, the
// terminal hangs off a USB adapter; the agent forwards both ways.
func ExampleBridge() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	br := &link.Bridge{
		Device: "terminal",
		Host:   link.SerialConfig{Path: "/dev/ttyS0"},
		Dev:    link.SerialConfig{Path: "/dev/serial/by-id/usb-Prolific_PL2303-if00-port0", Backend: link.BackendTarm},
		Retry:  link.Backoff{Max: 2 * time.Second},
	}
	if err := br.Run(ctx, printSink{}); err != nil {
		fmt.Println(err)
	}
}
