package zvt

import (
	"errors"
	"testing"
)

// TestBCDInt: every nibble must be a decimal digit; a bad high or low
// nibble is ErrBCD with the byte's offset, never a number.
func TestBCDInt(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want int64
		bad  int // offset of the bad byte, -1 for none
	}{
		{[]byte{0x00, 0x00, 0x00, 0x00, 0x20, 0x40}, 2040, -1},
		{[]byte{0x99, 0x99}, 9999, -1},
		{[]byte{0x00, 0x1A}, 0, 1}, // low nibble A
		{[]byte{0x00, 0xA1}, 0, 1}, // high nibble A
		{[]byte{0x1F, 0x00}, 0, 0}, // F padding is no digit in an amount
		{[]byte{0xE0}, 0, 0},       // E (a masked digit) neither
	} {
		got, err := bcdInt(c.in)
		var de *DecodeError
		switch {
		case c.bad < 0 && (err != nil || got != c.want):
			t.Errorf("bcdInt(% X) = %d, %v; want %d", c.in, got, err, c.want)
		case c.bad >= 0 && (!errors.Is(err, ErrBCD) || !errors.As(err, &de) || de.Offset != c.bad):
			t.Errorf("bcdInt(% X) = %d, %v; want ErrBCD at offset %d", c.in, got, err, c.bad)
		}
	}
}

// TestStatusAmountBadBCD: a 04 0F whose amount (BMP 04) holds an invalid
// nibble is refused whole (ErrBCD), so it never becomes a payment of a
// wrong amount.
func TestStatusAmountBadBCD(t *testing.T) {
	for _, amount := range [][]byte{
		{0x00, 0x00, 0x00, 0x00, 0x1A, 0x00},
		{0x00, 0x00, 0x00, 0x00, 0x20, 0x4A},
		{0x00, 0x00, 0x00, 0x00, 0xA0, 0x40},
	} {
		data := append([]byte{bmpResult, 0x00, bmpAmount}, amount...)
		_, err := DecodeStatus(&APDU{Class: 0x04, Instr: 0x0F, Data: data})
		if !errors.Is(err, ErrBCD) {
			t.Errorf("amount % X: %v, want ErrBCD", amount, err)
		}
	}
}
