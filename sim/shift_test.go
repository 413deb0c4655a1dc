package sim

import (
	"testing"
	"time"
)

// TestCardSaleOrder: the register's request goes out before the terminal's
// answer, at the action's time (a regression: composite literal evaluation
// order once put the request last).
func TestCardSaleOrder(t *testing.T) {
	ws, err := Compile([]Action{{At: time.Second, Sale: &CardSale{Requested: 100, Trace: "000001", ReceiptNo: "0001"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 6 {
		t.Fatalf("%d writes, want 6", len(ws))
	}
	if ws[0].At != time.Second || ws[0].Wire != TerminalHost || ws[0].Data[0] != 0x10 {
		t.Errorf("first write = %+v, want the framed request on terminal-host at 1s", ws[0])
	}
	for i := 1; i < len(ws); i++ {
		if ws[i].At <= ws[i-1].At {
			t.Errorf("write %d at %s not after write %d at %s", i, ws[i].At, i-1, ws[i-1].At)
		}
	}
}

// TestDemoShiftCompiles checks the demo script compiles and fits the
// demo's one-minute budget with room for the receipt wait.
func TestDemoShiftCompiles(t *testing.T) {
	ws, err := Compile(DemoShift())
	if err != nil {
		t.Fatal(err)
	}
	if d := Duration(ws); d > 35*time.Second {
		t.Errorf("demo shift lasts %s; the demo must end within 60s", d)
	}
}
