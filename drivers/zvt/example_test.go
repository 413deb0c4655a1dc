package zvt_test

import (
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/zvt"
)

// A sale over TCP: the register's 06 01 gives the terminal's 04 0F its type.
func Example() {
	d := zvt.New(zvt.Options{Framing: zvt.FramingTCP, Currency: "EUR"})
	now := time.Date(2026, 11, 22, 10, 15, 3, 0, time.UTC)
	d.Feed(drivers.Chunk{Time: now, Dir: drivers.FromHost, Data: zvt.AuthRequest(2040, 978)})
	evs := d.Feed(drivers.Chunk{Time: now, Dir: drivers.FromDevice, Data: zvt.StatusInfo(zvt.StatusFields{
		Result: 0, Amount: 2040, Currency: 978, Trace: "000470", PAN: "5598835555548074", AuthCode: "611804",
	})})
	for _, e := range evs {
		p := e.(*drivers.Payment)
		fmt.Println(p.Type, p.Result, p.Amount, p.Currency, p.Card, p.AuthCode)
	}
	// Output: sale approved 2040 EUR 559883******8074 611804
}
