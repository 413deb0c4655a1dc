package lane

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/transbank"
)

// TestLaneTransbankAndTemplate builds a lane with a Transbank terminal and
// a MIS-POS template terminal, feeds each its bytes and checks the
// payments; captures of the template link are redacted.
func TestLaneTransbankAndTemplate(t *testing.T) {
	cfg := configs.Default()
	tb := configs.DefaultDevice("tbk", configs.RoleTerminal, "/dev/null")
	tb.Protocol, tb.Currency = "transbank", "CLP"
	mp := configs.DefaultDevice("mis", configs.RoleTerminal, "/dev/null")
	mp.Protocol, mp.Template, mp.Currency = "template", "mispos", ""
	cfg.Devices = []configs.Device{tb, mp}
	lane, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	sale := transbank.Frame([]byte("0210|00|597029414300|IT750050|ABC123|162529|9000|03|3000|6590|000142|CR|003000|3000000000000000000|VI|07042026|084918||||"))
	evs, err := lane.Feed("tbk", drivers.Chunk{Time: t0, Dir: drivers.FromDevice, Data: sale})
	if err != nil || len(evs) != 1 {
		t.Fatalf("transbank: %v %v", evs, err)
	}
	if p := evs[0].(*drivers.Payment); p.Device != "tbk" || p.Amount != 9000 || p.Currency != "CLP" || p.ReceiptNo != "142" {
		t.Errorf("transbank payment %+v", *p)
	}
	mis, err := os.ReadFile("../../drivers/template/testdata/mispos/input")
	if err != nil {
		t.Fatal(err)
	}
	evs, err = lane.Feed("mis", drivers.Chunk{Time: t0, Dir: drivers.FromDevice, Data: mis})
	if err != nil || len(evs) != 2 {
		t.Fatalf("mispos: %v %v", evs, err)
	}
	if p := evs[0].(*drivers.Payment); p.Device != "mis" || p.Amount != 12850 || p.Currency != "CNY" || p.Card != "622848******1234" {
		t.Errorf("mispos payment %+v", *p)
	}

	red := lane.Redactors()
	if _, ok := red["tbk"]; !ok {
		t.Error("transbank has no redactor (a full number in its last-4 field would reach captures)")
	}
	line := []byte("TXN SALE RESP=00 AMT=1.00 CARD=4111111111111111\n")
	lc := cfg.Devices[1]
	lc.Name, lc.Template = "log", "linelog"
	cfg.Devices = []configs.Device{lc}
	logLane, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if out := string(logLane.Redactors().Redact("log", drivers.FromDevice, line)); strings.Contains(out, "4111111111111111") || !strings.Contains(out, "411111******1111") {
		t.Errorf("linelog capture not redacted: %q", out)
	}
	lc.Template = "/nonexistent/t.yaml"
	cfg.Devices = []configs.Device{lc}
	if _, err := New(cfg); err == nil {
		t.Error("a template that cannot load built a lane (its link would be captured unredacted)")
	}
}
