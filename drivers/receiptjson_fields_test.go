package drivers

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestHandJSONHasEveryField fills every field of a Receipt and a Payment
// (but those that send a receipt to encoding/json: Recognised, a line's
// Confidence) and compares the hand encoders with encoding/json: a field
// added to the structs and not to appendReceiptJSON / appendPaymentJSON
// would otherwise be dropped from the journal without a sound (the fuzz
// targets set only the fields they know).
func TestHandJSONHasEveryField(t *testing.T) {
	var r Receipt
	fillAll(t, reflect.ValueOf(&r).Elem(), "Receipt")
	want, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := appendReceiptJSON(nil, &r); !ok || !bytes.Equal(got, want) {
		t.Errorf("appendReceiptJSON = %s, %v\nencoding/json     = %s", got, ok, want)
	}
	var p Payment
	fillAll(t, reflect.ValueOf(&p).Elem(), "Payment")
	if want, err = json.Marshal(&p); err != nil {
		t.Fatal(err)
	}
	if got, ok := appendPaymentJSON(nil, &p); !ok || !bytes.Equal(got, want) {
		t.Errorf("appendPaymentJSON = %s, %v\nencoding/json     = %s", got, ok, want)
	}
}

// fillAll sets v and what it holds to values that are not zero.
func fillAll(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(path)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillAll(t, v.Elem(), path)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillAll(t, v.Index(0), path+"[0]")
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 12, 2, 10, 0, 0, 5, time.FixedZone("CET", 3600))))
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.Name == "Recognised" || f.Name == "Confidence" {
				continue // the hand encoders leave these to encoding/json
			}
			fillAll(t, v.Field(i), path+"."+f.Name)
		}
	default:
		t.Fatalf("%s: a %s field: teach fillAll (and the hand JSON encoders) about it", path, v.Kind())
	}
}
