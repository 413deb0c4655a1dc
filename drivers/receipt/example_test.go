package receipt_test

import (
	"fmt"

	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/receipt"
)

func ExampleProfile_Extract() {
	p, err := receipt.Builtin("generic")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := &drivers.Receipt{Lines: []drivers.Line{
		{Text: "流水号: 0001"}, {Text: "合计: 128.00"}, {Text: "应收: 120.00"}, {Text: "银行卡: 120.00"},
	}}
	p.Extract(r)
	fmt.Println(r.Number, *r.Total, *r.Due, r.Tenders[0].Kind, r.Tenders[0].Amount)
	// Output: 0001 12800 12000 card 12000
}
