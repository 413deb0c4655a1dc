// Package drivers holds the event types shared by every decoder, the Decoder
// interface they implement and the one card-number masking function used at
// every decoder boundary.
//
// Decoders (drivers/escpos, drivers/zvt, ...) are pure: they are fed bytes
// with the time they were seen and return events. They never read a port,
// never panic on device bytes and never let a full card number out.
package drivers

import "time"

// Direction says which way a chunk of bytes travelled on a link.
type Direction uint8

const (
	// FromHost is register -> device (print data, terminal commands).
	FromHost Direction = iota
	// FromDevice is device -> register (printer status, terminal answers).
	FromDevice
)

// String returns "host" or "device", the capture file's spelling.
func (d Direction) String() string {
	if d == FromDevice {
		return "device"
	}
	return "host"
}

// Chunk is one read from a link: bytes, when they were seen, and their direction.
type Chunk struct {
	Time time.Time
	Dir  Direction
	Data []byte
}

// Decoder turns the bytes of one device into events. Implementations are
// incremental (any chunking of the same bytes yields the same events), pure
// (no I/O, time comes from the chunks) and never panic.
type Decoder interface {
	// Feed consumes one chunk and returns the events it completed.
	Feed(c Chunk) []Event
	// Flush is called when the line has been idle (now is the current
	// time) and at end of input; it returns events for anything that is
	// complete by then (a print job that was never cut, a status request
	// never answered). A decoder may return nothing.
	Flush(now time.Time) []Event
}

// Event is what a decoder emits. The concrete types are *Receipt, *Payment,
// *PrinterStatus, *Settlement, *Link and *Damage.
type Event interface {
	// EventType names the event: "receipt", "payment", "printer_status",
	// "settlement", "link" or "damage".
	EventType() string
	// When is the time the event happened (the time of its decisive byte).
	When() time.Time
	// Source names the configured device the event came from.
	Source() string
	// SetSource stamps the device name; the agent calls it once per event.
	SetSource(dev string)
}

// Head carries the fields every event has.
type Head struct {
	Time   time.Time `json:"time"`
	Device string    `json:"device,omitempty"`
}

// When implements Event.
func (h *Head) When() time.Time { return h.Time }

// Source implements Event.
func (h *Head) Source() string { return h.Device }

// SetSource implements Event.
func (h *Head) SetSource(dev string) { h.Device = dev }

// TenderKind classifies a receipt tender line.
type TenderKind string

// Tender kinds. Which of them the lane's terminal settles is a profile setting.
const (
	TenderCard    TenderKind = "card"
	TenderCash    TenderKind = "cash"
	TenderWallet  TenderKind = "wallet"
	TenderVoucher TenderKind = "voucher"
	TenderOther   TenderKind = "other"
)

// Tender is one payment line of a receipt.
type Tender struct {
	Kind   TenderKind `json:"kind"`
	Label  string     `json:"label"`
	Amount int64      `json:"amount"` // minor units
}

// Line is one printed line of a receipt.
type Line struct {
	Text string `json:"text"`
	// Bold, DoubleHeight, DoubleWidth, Underline, Inverse and Align
	// describe how the line was printed (the style at its first character).
	Bold         bool   `json:"bold,omitempty"`
	DoubleHeight bool   `json:"double_height,omitempty"`
	DoubleWidth  bool   `json:"double_width,omitempty"`
	Underline    bool   `json:"underline,omitempty"`
	Inverse      bool   `json:"inverse,omitempty"`
	Align        string `json:"align,omitempty"` // "", "center", "right"
	// Source is "ocr" for a line recognised from a printed image, "" for
	// text the register sent as text.
	Source string `json:"source,omitempty"`
	// Confidence is how sure the recogniser is of an "ocr" line, 0 to 1.
	Confidence float64 `json:"confidence,omitempty"`
}

// Recognition sums up the lines of a receipt recognised from printed
// images (driver-printed receipts).
type Recognition struct {
	// Engine names the recogniser ("glyphs <dictionary>", "tesseract 5.3.0").
	Engine string `json:"engine"`
	// Lines and Glyphs count what was recognised; Unknown counts glyphs
	// no recogniser could read (shown as U+FFFD, never guessed).
	Lines   int `json:"lines"`
	Glyphs  int `json:"glyphs"`
	Unknown int `json:"unknown,omitempty"`
	// Confidence is the lowest line confidence, 0 to 1.
	Confidence float64 `json:"confidence"`
	// AmountsUnsure says a line holding digits could not be read with
	// confidence: the receipt's amounts may be missing (the profile reads
	// no amount from such a line).
	AmountsUnsure bool `json:"amounts_unsure,omitempty"`
}

// Receipt is one print job: from ESC @ or the first printed byte to the cut
// (or to whatever ended it without a cut).
type Receipt struct {
	Head
	Start        time.Time `json:"start"`
	Lines        []Line    `json:"lines"`
	Cut          bool      `json:"cut"`
	DrawerKick   bool      `json:"drawer_kick,omitempty"`
	GraphicsOnly bool      `json:"graphics_only,omitempty"`
	// Ended says why the job ended: "cut", "init" (ESC @ after content),
	// "idle" (no byte for the job timeout) or "eof".
	Ended string `json:"ended"`
	// Unconfirmed is set when the register asked the printer to confirm
	// the job printed (ESC/POS GS ( H fn 48) and no confirmation came in
	// time: the bytes reached the printer, the paper did not.
	Unconfirmed bool `json:"unconfirmed,omitempty"`
	// Unanswered is set when a status request the register sent during the
	// job or right after its cut (DLE EOT, GS r: the usual "did it
	// print?") went unanswered for the status timeout while the printer's
	// replies could be seen: the printer may not have printed it.
	Unanswered bool `json:"unanswered,omitempty"`
	// Fields found by the receipt profile; nil when not found.
	Profile  string   `json:"profile,omitempty"`
	Number   string   `json:"number,omitempty"`
	Total    *int64   `json:"total,omitempty"` // minor units
	Due      *int64   `json:"due,omitempty"`   // amount due, minor units
	Tenders  []Tender `json:"tenders,omitempty"`
	Change   *int64   `json:"change,omitempty"`
	Currency string   `json:"currency,omitempty"` // ISO 4217 alpha, e.g. "CNY"
	Reprint  bool     `json:"reprint,omitempty"`
	// Cashier is who rang the receipt, as it printed (masked like any
	// text), when the profile has cashier labels and finds one.
	Cashier string `json:"cashier,omitempty"`
	// Unknown counts commands the decoder did not know and skipped.
	Unknown int `json:"unknown,omitempty"`
	// Recognised is set when some lines were recognised from printed
	// images (Line.Source "ocr").
	Recognised *Recognition `json:"recognised,omitempty"`
}

// EventType implements Event.
func (*Receipt) EventType() string { return "receipt" }

// PaymentType is what a terminal transaction did.
type PaymentType string

// Payment types.
const (
	PaySale      PaymentType = "sale"
	PayRefund    PaymentType = "refund"
	PayVoid      PaymentType = "void" // reversal of an earlier sale
	PayPreAuth   PaymentType = "preauth"
	PayPreAuthRv PaymentType = "preauth_reversal"
	PayCapture   PaymentType = "capture" // booking of a pre-authorisation
	PayUnknown   PaymentType = "unknown"
)

// Result is a transaction's outcome.
type Result string

// Results. Only approved transactions move money.
const (
	Approved Result = "approved"
	Declined Result = "declined"
	Aborted  Result = "aborted"
)

// Payment is one terminal transaction result. Card is masked (first 6 and
// last 4 digits at most, see MaskPAN); no other card data is ever set.
type Payment struct {
	Head
	Type       PaymentType `json:"type"`
	Result     Result      `json:"result"`
	ResultCode int         `json:"result_code"`
	Amount     int64       `json:"amount"`              // approved amount, minor units
	Requested  int64       `json:"requested,omitempty"` // requested amount, minor units, 0 if unknown
	Currency   string      `json:"currency,omitempty"`  // ISO 4217 alpha
	AuthCode   string      `json:"auth_code,omitempty"`
	Trace      string      `json:"trace,omitempty"`
	ReceiptNo  string      `json:"receipt_no,omitempty"`
	Reference  string      `json:"reference,omitempty"`
	TerminalID string      `json:"terminal_id,omitempty"`
	Card       string      `json:"card,omitempty"` // masked PAN
	CardName   string      `json:"card_name,omitempty"`
	// OriginalTrace and OriginalReceipt name the transaction a void,
	// reversal or refund refers to.
	OriginalTrace   string `json:"original_trace,omitempty"`
	OriginalReceipt string `json:"original_receipt,omitempty"`
	Text            string `json:"text,omitempty"` // terminal's additional text
}

// EventType implements Event.
func (*Payment) EventType() string { return "payment" }

// PrinterStatus is a printer state as reported by the printer (or inferred
// from its silence).
type PrinterStatus struct {
	Head
	Online          bool `json:"online"`
	Offline         bool `json:"offline,omitempty"`
	CoverOpen       bool `json:"cover_open,omitempty"`
	PaperEnd        bool `json:"paper_end,omitempty"`
	PaperNearEnd    bool `json:"paper_near_end,omitempty"`
	CutterError     bool `json:"cutter_error,omitempty"`
	Unrecoverable   bool `json:"unrecoverable,omitempty"`
	AutoRecoverable bool `json:"auto_recoverable,omitempty"`
	Error           bool `json:"error,omitempty"`
	// NoReply is set when a status request was left unanswered.
	NoReply bool `json:"no_reply,omitempty"`
	// Source says what reported it: "asb", "dle_eot_1".."dle_eot_4", "gs_r", "timeout".
	Via string `json:"via,omitempty"`
	// Partial is true when the reply covers only some flags (a DLE EOT n
	// answer tells only its own class); flags it does not cover are false.
	Partial bool `json:"partial,omitempty"`
}

// EventType implements Event.
func (*PrinterStatus) EventType() string { return "printer_status" }

// Fault reports whether the status means a receipt cannot print.
func (s *PrinterStatus) Fault() bool {
	return s.Offline || s.CoverOpen || s.PaperEnd || s.CutterError || s.Unrecoverable ||
		s.AutoRecoverable || s.Error || s.NoReply
}

// Settlement is a terminal's end-of-day total.
type Settlement struct {
	Head
	Total      int64  `json:"total"` // minor units
	Count      int    `json:"count"`
	Currency   string `json:"currency,omitempty"`
	Trace      string `json:"trace,omitempty"`
	TerminalID string `json:"terminal_id,omitempty"`
	From       string `json:"receipt_from,omitempty"`
	To         string `json:"receipt_to,omitempty"`
}

// EventType implements Event.
func (*Settlement) EventType() string { return "settlement" }

// Link reports a link going up or down.
type Link struct {
	Head
	Up     bool   `json:"up"`
	Reason string `json:"reason,omitempty"`
}

// EventType implements Event.
func (*Link) EventType() string { return "link" }
