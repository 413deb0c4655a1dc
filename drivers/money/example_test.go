package money_test

import (
	"fmt"

	"github.com/tillwatch/tillwatch/drivers/money"
)

func ExampleFormat() {
	fmt.Println(money.Format(2040, "EUR"), money.Format(8000, "CLP"), money.Format(1250, "KWD"))
	// Output: EUR 20.40 CLP 8000 KWD 1.250
}

func ExampleParse() {
	eur, _ := money.Parse("1500", "EUR")
	clp, _ := money.Parse("1500", "CLP")
	fmt.Println(eur, clp)
	// Output: 150000 1500
}

func ExampleParsePrinted() {
	p, ok := money.ParsePrinted("$8.000", "CLP")
	fmt.Println(p.Minor, p.Money, ok)
	// Output: 8000 true true
}

func ExampleLast() {
	fmt.Println(money.Last("TOTAL 2 x 3.50 7.00", "EUR"))
	// Output: 700 true
}
