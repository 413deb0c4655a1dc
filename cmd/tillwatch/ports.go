package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/tillwatch/tillwatch/drivers/link"
)

type portsCmd struct {
	JSON bool `help:"Print the ports as JSON."`
}

func (c *portsCmd) Run(e *env) error {
	ports, err := link.ListPorts()
	if err != nil {
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ports)
	}
	if len(ports) == 0 {
		_, err := fmt.Fprintln(e.stdout, "no serial ports found (is the USB adapter plugged in?)")
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PORT\tUSB VID:PID\tSERIAL\tSTABLE NAME (use this in configs)")
	for _, p := range ports {
		usb := "-"
		if p.USB {
			usb = p.VID + ":" + p.PID
		}
		serial := p.Serial
		if serial == "" {
			serial = "-"
		}
		byID := strings.Join(p.ByID, ", ")
		if byID == "" {
			byID = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Path, usb, serial, byID)
	}
	return tw.Flush()
}
