package agent

import (
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/template"
	"github.com/tillwatch/tillwatch/drivers/transbank"
	"github.com/tillwatch/tillwatch/drivers/zvt"
)

// streamRedactor rewrites a link's raw bytes so no card data is left in
// them (for captures and raw monitor output). It may hold back an
// incomplete frame until a later call completes it.
type streamRedactor interface {
	Redact(dir drivers.Direction, data []byte) []byte
}

// redactors holds one stream redactor per device whose protocol can carry
// card data.
type redactors map[string]streamRedactor

// newRedactors picks each device's redactor by protocol. Add a case here
// for every protocol that can carry a card number: printers too, since
// some registers print one in full.
func newRedactors(devs []configs.Device) redactors {
	r := redactors{}
	for _, d := range devs {
		switch d.Protocol {
		case "escpos":
			r[d.Name] = escpos.NewRedactor()
		case "zvt":
			r[d.Name] = zvt.NewRedactor()
		case "transbank":
			r[d.Name] = transbank.NewRedactor()
		case "template":
			t, err := template.Load(d.Template)
			if err != nil {
				r[d.Name] = dropAll{} // configs checked it; never write what cannot be checked
				continue
			}
			r[d.Name] = template.NewRedactor(t)
		}
	}
	return r
}

// dropAll is the redactor of a link whose redactor could not be built.
type dropAll struct{}

// Redact implements streamRedactor: nothing is safe to keep.
func (dropAll) Redact(drivers.Direction, []byte) []byte { return nil }

// redact returns the bytes of dev safe to write down.
func (r redactors) redact(dev string, dir drivers.Direction, data []byte) []byte {
	if red := r[dev]; red != nil {
		return red.Redact(dir, data)
	}
	return data
}
