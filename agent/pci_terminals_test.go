package agent_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/apiguard"
	"github.com/tillwatch/tillwatch/agent/tap"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers/template"
	"github.com/tillwatch/tillwatch/drivers/transbank"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/pcitest"
	"github.com/tillwatch/tillwatch/internal/testutil"
	"github.com/tillwatch/tillwatch/sim"
)

func misTLV(tag uint16, v []byte) []byte {
	return append([]byte{byte(tag >> 8), byte(tag), byte(len(v))}, v...)
}

// TestNoFullCardNumberEscapesOtherTerminals is the whole-pipeline card
// data proof for the terminals other than ZVT (demo/pci_test.go covers
// ZVT): Luhn-valid full card numbers and track 2 data go in on the wire of
// a Transbank terminal, a line-log template terminal and a MIS-POS
// template terminal; afterwards neither the Badger directory, the capture,
// the stream technician verbs read through the agent (GET /api/tap, kept
// as tap.jsonl), the MQTT payloads nor the agent's debug log hold any of
// them.
func TestNoFullCardNumberEscapesOtherTerminals(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	pans := map[string]string{
		"transbank": "4111111111111111",
		"linelog":   "5500005555555559",
		"mispos":    "6212345678901234569", // 19 digits, Luhn-valid
	}
	track := pans["linelog"] + "=25121017654321098"

	wires := lanetest.Wires(t)
	logs := &testutil.Buffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b := lanetest.Broker(t, log)
	var mu sync.Mutex
	var payloads [][]byte
	if err := b.Subscribe("tillwatch/v1/#", func(_ string, p []byte) {
		mu.Lock()
		defer mu.Unlock()
		payloads = append(payloads, p)
	}); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	cfg := configs.Default()
	cfg.Site, cfg.Lane, cfg.DataDir = "pci", "lane-9", filepath.Join(dir, "data")
	cfg.Capture = filepath.Join(dir, "capture.jsonl")
	cfg.MQTT.Broker, cfg.MQTT.ClientID = b.URL(), "tillwatch-pci-lane-9"
	cfg.Detect.ReceiptWait, cfg.Detect.MatchWindow = 2*time.Second, 5*time.Second
	printer := configs.DefaultDevice("printer", configs.RolePrinter, wires.Path(sim.PrinterHost))
	tbk := configs.DefaultDevice("tbk", configs.RoleTerminal, wires.Path(sim.TerminalHost))
	tbk.Protocol, tbk.Currency, tbk.Framing = "transbank", "CLP", ""
	logt := configs.DefaultDevice("log", configs.RoleTerminal, wires.Path(sim.TerminalDevice))
	logt.Protocol, logt.Template, logt.Currency, logt.Framing = "template", "linelog", "CNY", ""
	mis := configs.DefaultDevice("mis", configs.RoleTerminal, wires.Path(sim.PrinterDevice))
	mis.Protocol, mis.Template, mis.Currency, mis.Framing = "template", "mispos", "CNY", ""
	cfg.Devices = []configs.Device{printer, tbk, logt, mis}
	cfg.HTTP.Address = "127.0.0.1:0"

	ln := lanetest.Start(t, cfg, agent.Options{Log: log})
	ln.WaitReady(t, 30*time.Second)
	ctx, stopTap := context.WithCancel(t.Context())
	defer stopTap()

	tapped := make(chan error, 1)
	go func() { tapped <- tapTo(ctx, ln.Agent, cfg.DataDir, filepath.Join(dir, "tap.jsonl")) }()
	testutil.WaitFor(t, "a technician verb on the agent's tap", 10*time.Second, func() bool { return ln.Watchers() == 1 })

	write := func(w sim.Wire, data []byte) {
		t.Helper()
		if _, err := wires.Writer(w).Write(data); err != nil {
			t.Fatal(err)
		}
	}
	// Transbank: a sale answer whose last-4 field carries a full number.
	write(sim.TerminalHost, transbank.Frame([]byte(fmt.Sprintf(
		"0210|00|597029414300|IT750050|ABC123|162529|9000|03|3000|%s|000142|CR|003000|3000000000000000000|VI|07042026|084918||||", pans["transbank"]))))
	// Line log: a sale with the full card, a track 2 line and the number in free text.
	write(sim.TerminalDevice, []byte(fmt.Sprintf(
		"2026-11-22 10:15:03 TXN SALE RESP=00 AMT=128.50 AUTH=A1 TRACE=000123 TID=T1 CARD=%s\n2026-11-22 10:15:04 TRACK %s NOTE %s\n",
		pans["linelog"], track, pans["linelog"])))
	// MIS-POS: an approval with the full card in 9F0B.
	tpl, err := template.Load("mispos")
	if err != nil {
		t.Fatal(err)
	}
	body := append(misTLV(0x9F02, []byte{0, 0, 0, 0, 0x12, 0x50}), misTLV(0x9F0B, []byte(pans["mispos"]))...)
	body = append(body, misTLV(0x9F0E, []byte("000777"))...)
	body = append(body, misTLV(0x9F14, []byte("00"))...)
	write(sim.PrinterDevice, tpl.Frame(body))

	// Each approved sale has no receipt: three payment_without_receipt
	// alerts carry the (masked) cards to MQTT.
	testutil.WaitFor(t, "three payment_without_receipt alerts", 30*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, p := range payloads {
			if bytes.Contains(p, []byte(`"kind":"payment_without_receipt"`)) {
				n++
			}
		}
		return n >= 3
	})
	stopTap() // the stream ends with the agent
	if err := ln.Stop(); err != nil {
		t.Fatalf("agent: %v", err)
	}
	if err := <-tapped; err != nil {
		t.Fatalf("tap: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "tap.jsonl")); err != nil || fi.Size() < 1000 {
		t.Fatalf("the tap stream holds too little to prove anything: %v %v", fi, err)
	}

	mu.Lock()
	all := bytes.Join(payloads, []byte("\n"))
	mu.Unlock()
	// Transbank's card field is a last-4 field: a full number there keeps only its last 4.
	for _, masked := range []string{"************1111", "550000******5559", "621234*********4569"} {
		if !bytes.Contains(all, []byte(masked)) {
			t.Errorf("no alert shows the masked card %s: the payloads would prove nothing", masked)
		}
	}
	needles := pcitest.Needles{"track 2 tail": []byte("7654321098")}
	for name, pan := range pans {
		needles[name+" PAN"] = []byte(pan)
		needles[name+" PAN middle digits"] = []byte(pan[6 : len(pan)-4])
		bcd, _ := hex.DecodeString(pan[:len(pan)/2*2])
		needles[name+" PAN as BCD"] = bcd
	}
	if len(logs.Bytes()) == 0 {
		t.Fatal("empty debug log: the log check would prove nothing")
	}
	pcitest.Find(t, needles, dir, map[string][]byte{"MQTT payloads": all, "agent log": logs.Bytes()})
	if fi, err := os.Stat(cfg.Capture); err != nil || fi.Size() == 0 {
		t.Errorf("capture missing or empty: %v", err)
	}
}

// tapTo copies the agent's tap stream (what monitor and capture read
// through it) to path until ctx is done.
func tapTo(ctx context.Context, ag *agent.Agent, dataDir, path string) error {
	tok, err := apiguard.Read(dataDir)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+ag.StatusAddr()+tap.Path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("tap: %s", res.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, res.Body)
	if ctx.Err() != nil {
		err = nil // the agent stopped: the stream ends
	}
	return errors.Join(err, f.Close())
}
