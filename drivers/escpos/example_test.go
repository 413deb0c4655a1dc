package escpos_test

import (
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
)

func ExampleDecoder() {
	d := escpos.New(escpos.Options{})
	at := time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)
	// ESC @, a bold line, a plain line, a full cut, a drawer kick.
	stream := []byte("\x1b@\x1bE\x01TOTAL 12.50\n\x1bE\x00CARD 12.50\n\x1dV\x00\x1bp\x00\x19\xfa")
	evs := d.Feed(drivers.Chunk{Time: at, Dir: drivers.FromHost, Data: stream})
	evs = append(evs, d.FlushAll()...) // end of input
	for _, e := range evs {
		if r, ok := e.(*drivers.Receipt); ok {
			fmt.Print(escpos.Render(r))
		}
	}
	// Output:
	// TOTAL 12.50
	// CARD 12.50
	// --- cut ---
	// --- drawer kick ---
}
