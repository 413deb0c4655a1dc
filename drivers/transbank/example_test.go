package transbank_test

import (
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/transbank"
)

func Example() {
	d := transbank.New(transbank.Options{})
	t := time.Date(2026, 4, 7, 8, 50, 34, 0, time.UTC)
	resp := transbank.Frame([]byte("0210|00|597029414300|IT750050|ABC123|708410|8000|00|0|3331|000143|DB|000000|  ********331      |DB|07042026|085034||||"))
	for _, ev := range d.Feed(drivers.Chunk{Time: t, Dir: drivers.FromDevice, Data: resp}) {
		p := ev.(*drivers.Payment)
		fmt.Println(p.Type, p.Result, p.Amount, p.Currency, p.AuthCode, p.ReceiptNo, p.Card)
	}
	// Output: sale approved 8000 CLP 708410 143 ************3331
}
