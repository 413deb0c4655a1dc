package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/receipt"
	"github.com/tillwatch/tillwatch/drivers/zvt"
)

type decodeCmd struct {
	Escpos decodeEscposCmd `cmd:"" help:"Decode an ESC/POS print stream (host->printer bytes) to the receipt as printed."`
	Zvt    decodeZvtCmd    `cmd:"" help:"Decode ZVT bytes (serial frames or bare APDUs) to payments."`
}

type decodeFlags struct {
	File string `arg:"" optional:"" default:"-" help:"Input file, or - for standard input."`
	JSON bool   `help:"Print events as JSON Lines instead of text."`
}

type decodeEscposCmd struct {
	decodeFlags
	Profile        string `default:"generic" help:"Receipt profile: a builtin name or a YAML file."`
	CodePage       string `default:"cp437" help:"Power-on code table: cp437, cp850, cp858, cp866, cp1252."`
	ChineseDefault bool   `help:"The printer powers up in Chinese (GBK) mode."`
}

func (c *decodeEscposCmd) Run(e *env) error {
	prof, err := receipt.Builtin(c.Profile)
	if err != nil {
		if prof, err = receipt.Load(c.Profile); err != nil {
			return usageError{err}
		}
	}
	dec := escpos.New(escpos.Options{CodePage: c.CodePage, ChineseDefault: c.ChineseDefault, Fields: prof})
	return c.decode(e, dec, drivers.FromHost, func(ev drivers.Event) string {
		if r, ok := ev.(*drivers.Receipt); ok {
			return escpos.Render(r)
		}
		return ""
	})
}

type decodeZvtCmd struct {
	decodeFlags
	From    string `default:"device" enum:"host,device" help:"Direction of the bytes: device (terminal->register) or host (register->terminal)."`
	Framing string `default:"auto" enum:"auto,serial,tcp" help:"Serial frames (DLE STX), bare APDUs (tcp) or auto."`
}

func (c *decodeZvtCmd) Run(e *env) error {
	dir := drivers.FromDevice
	if c.From == "host" {
		dir = drivers.FromHost
	}
	dec := zvt.New(zvt.Options{Framing: c.Framing})
	return c.decode(e, dec, dir, nil)
}

// decode feeds the whole input as one chunk, flushes, and prints the events.
func (f *decodeFlags) decode(e *env, dec drivers.Decoder, dir drivers.Direction, text func(drivers.Event) string) error {
	var in io.Reader = e.stdin
	if f.File != "-" {
		file, err := os.Open(f.File)
		if err != nil {
			return usageError{fmt.Errorf("decode: %w", err)}
		}
		defer file.Close()
		in = file
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return fmt.Errorf("decode: read %s: %w", f.File, err)
	}
	t0 := time.Unix(0, 0).UTC()
	evs := dec.Feed(drivers.Chunk{Time: t0, Dir: dir, Data: data})
	evs = append(evs, dec.Flush(t0.Add(24*time.Hour))...)
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for _, ev := range evs {
		if f.JSON {
			if err := enc.Encode(map[string]any{"type": ev.EventType(), "event": ev}); err != nil {
				return err
			}
			continue
		}
		s := ""
		if text != nil {
			s = text(ev)
		}
		if s == "" {
			b, err := json.Marshal(ev)
			if err != nil {
				return err
			}
			s = ev.EventType() + " " + string(b) + "\n"
		}
		if _, err := io.WriteString(e.stdout, s); err != nil {
			return err
		}
	}
	return nil
}
