package lane

import (
	"fmt"
	"time"

	"github.com/tillwatch/tillwatch/agent/recog"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/drivers/escpos"
	"github.com/tillwatch/tillwatch/drivers/ocr"
	"github.com/tillwatch/tillwatch/drivers/receipt"
	"github.com/tillwatch/tillwatch/drivers/slip"
	"github.com/tillwatch/tillwatch/drivers/template"
	"github.com/tillwatch/tillwatch/drivers/transbank"
	"github.com/tillwatch/tillwatch/drivers/zvt"
)

// device is what a lane runs for one device: its decoder and, for a
// protocol that can carry card data, how to make a capture redactor.
type device struct {
	decoder  drivers.Decoder
	redactor func() Redactor
	raster   *Raster // a printer whose images are read, nil otherwise
}

// protocols is the one table of protocols: for each, how a device's
// settings become its decoder and its redactor. A protocol that can carry
// a card number needs a redactor: printers too, since some registers print
// one in full. configs validates the names by role (configs/validate.go).
var protocols = map[string]func(d configs.Device, cfg *configs.Config) (device, error){
	"escpos":    openESCPOS,
	"zvt":       openZVT,
	"transbank": openTransbank,
	"template":  openTemplate,
}

// openProtocol builds a device of cfg's lane: its decoder and redactor
// from the table.
func openProtocol(d configs.Device, cfg *configs.Config) (device, error) {
	open, ok := protocols[d.Protocol]
	if !ok {
		return device{}, fmt.Errorf("protocol %q has no decoder yet", d.Protocol)
	}
	return open(d, cfg)
}

// openESCPOS reads receipts in the minor units of the lane's currency when
// their profile names no currency.
func openESCPOS(d configs.Device, cfg *configs.Config) (device, error) {
	prof, err := loadProfile(d.ReceiptProfile)
	if err != nil {
		return device{}, err
	}
	prof = prof.ForLane(cfg.Currency())
	dt := cfg.Detect
	printer, err := escpos.PrinterByName(d.Printer)
	if err != nil {
		return device{}, err
	}
	if d.DotsPerInch > 0 { // a fresh copy: the lane's own
		printer.DotsPerInch = d.DotsPerInch
	}
	mode := d.OCR
	if mode == "" {
		mode = ocr.None // a lane reads images only when told to
	}
	rec, err := ocr.Open(d.Glyphs, mode)
	if err != nil {
		return device{}, err
	}
	opts := escpos.Options{
		Printer:        printer,
		CodePage:       d.CodePage,
		ChineseDefault: d.ChineseDefault,
		JobTimeout:     dt.CutTimeout,
		StatusTimeout:  dt.StatusTimeout,
		DeviceObserved: d.Link.DeviceObserved(),
		Fields:         prof,
	}
	var ras *Raster
	if rec != nil {
		// The decoder and the redactors read from the results a
		// recog.Worker hands over (Lane.Recognised); by themselves (replay)
		// they run the recogniser.
		ras = &Raster{Name: d.Name, Recognizer: rec, Printer: printer, Cache: recog.NewCache(rec), Options: opts}
		rec = ras.Cache
	}
	opts.Recognizer = rec
	var dec drivers.Decoder = escpos.New(opts)
	// Card slips printed by the register become payments (a lane whose
	// terminal has no link; configs rejects it otherwise).
	sp, err := loadSlip(d.SlipProfile)
	if err != nil {
		return device{}, err
	}
	if sp != nil {
		dec = slip.NewDecoder(dec, sp)
	}
	red := func() Redactor { return escpos.NewRedactor() }
	if rec != nil { // card numbers printed as images are blanked too
		// A live line may be opened mid-image: see Redactors.RedactChunk.
		red = func() Redactor { return escpos.NewRasterRedactor(rec, printer).MidStream(IdleGap) }
	}
	return device{decoder: dec, redactor: red, raster: ras}, nil
}

func openZVT(d configs.Device, _ *configs.Config) (device, error) {
	// The terminal's slips (06 D3) complete results the link left
	// incomplete.
	sp, err := loadSlip(d.SlipProfile)
	if err != nil {
		return device{}, err
	}
	dec := zvt.New(zvt.Options{Framing: d.Framing, Currency: d.Currency, Charset: d.Charset, Slip: sp})
	return device{decoder: dec, redactor: func() Redactor { return zvt.NewRedactor() }}, nil
}

func openTransbank(d configs.Device, _ *configs.Config) (device, error) {
	dec := transbank.New(transbank.Options{Currency: d.Currency})
	return device{decoder: dec, redactor: func() Redactor { return transbank.NewRedactor() }}, nil
}

func openTemplate(d configs.Device, _ *configs.Config) (device, error) {
	t, err := template.Load(d.Template) // once, for the decoder and the redactor
	if err != nil {
		return device{}, err
	}
	red := func() Redactor { return template.NewRedactor(t) }
	if d.Currency != "" {
		t = t.WithCurrency(d.Currency)
	}
	return device{decoder: template.New(t), redactor: red}, nil
}

// loadSlip opens a slip profile; "" and "none" mean none.
func loadSlip(name string) (*slip.Profile, error) {
	if name == "" || name == "none" {
		return nil, nil
	}
	p, err := slip.Open(name)
	if err != nil {
		return nil, fmt.Errorf("slip profile: %w", err)
	}
	return p, nil
}

func loadProfile(name string) (*receipt.Profile, error) {
	if name == "" {
		name = "generic"
	}
	if p, err := receipt.Builtin(name); err == nil {
		return p, nil
	}
	p, err := receipt.Load(name)
	if err != nil {
		return nil, fmt.Errorf("receipt profile: %w", err)
	}
	return p, nil
}

// Redactor rewrites a link's raw bytes so no card data is left in them
// (for captures and raw monitor output). It may hold back an incomplete
// frame until a later call completes it.
type Redactor interface {
	Redact(dir drivers.Direction, data []byte) []byte
}

// Redactors holds one stream redactor per device whose protocol can carry
// card data; it implements capture.Redactor.
type Redactors map[string]Redactor

// Redactors returns fresh stream redactors for the lane's devices (each
// keeps its own partial-frame state, so every stream needs its own).
func (l *Lane) Redactors() Redactors {
	r := Redactors{}
	for n, mk := range l.redactors {
		r[n] = mk()
	}
	return r
}

// Redact returns the bytes of dev safe to write down. A raster printer's
// redactor, given no time, blanks every host byte (see RedactChunk).
func (r Redactors) Redact(dev string, dir drivers.Direction, data []byte) []byte {
	if red := r[dev]; red != nil {
		return red.Redact(dir, data)
	}
	return data
}

// timedRedactor is a redactor that needs the times of the line: a raster
// printer's (escpos.RasterRedactor.MidStream).
type timedRedactor interface {
	RedactAt(at time.Time, dir drivers.Direction, data []byte) []byte
	Opened(at time.Time)
}

// RedactChunk returns the bytes of c, read from dev, safe to write down.
// A raster printer's redactor starts unsynchronised, since a live line may
// be opened inside an image whose bytes it would read as text: it blanks
// every host byte (0x00) until the line has been quiet for IdleGap
// (counted from Opened when nothing came since), then reads normally. So
// at most the rest of the receipt in flight when the reader started is
// lost.
func (r Redactors) RedactChunk(dev string, c drivers.Chunk) []byte {
	if red, ok := r[dev].(timedRedactor); ok {
		return red.RedactAt(c.Time, c.Dir, c.Data)
	}
	return r.Redact(dev, c.Dir, c.Data)
}

// Overflows is how many times dev's redactor wrote an image run too long
// to hold back with its dots blanked (0 for a redactor that holds no
// image).
func (r Redactors) Overflows(dev string) int {
	if red, ok := r[dev].(interface{ Overflows() int }); ok {
		return red.Overflows()
	}
	return 0
}

// Opened tells dev's redactor that its line came up (or was last heard)
// at at: the quiet gap of RedactChunk counts from there.
func (r Redactors) Opened(dev string, at time.Time) {
	if red, ok := r[dev].(timedRedactor); ok {
		red.Opened(at)
	}
}
