package detect

import (
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// Severity ranks an alert.
type Severity string

// Severities.
const (
	Critical Severity = "critical"
	Warning  Severity = "warning"
	Info     Severity = "info"
)

// State says whether an alert opens or closes an incident.
type State string

// States.
const (
	Raised   State = "raised"
	Resolved State = "resolved"
)

// Alert kinds, as in the contract of ARCHITECTURE.md.
const (
	KindPaymentWithoutReceipt = "payment_without_receipt"
	KindAmountMismatch        = "amount_mismatch"
	KindPartialApproval       = "partial_approval"
	KindDuplicateCharge       = "duplicate_charge"
	KindRefundWithoutSale     = "refund_without_sale"
	KindReceiptWithoutPayment = "receipt_without_payment"
	KindPrintFailed           = "print_failed"
	KindPrinterFault          = "printer_fault"
	KindDeviceOffline         = "device_offline"
	KindSettlementMismatch    = "settlement_mismatch"
)

// Alert is the contract's alert object: the MQTT payload and the replay
// output. Amounts are integers in minor units plus Currency.
type Alert struct {
	ID       string    `json:"id"`
	Incident string    `json:"incident"`
	Kind     string    `json:"kind"`
	Severity Severity  `json:"severity"`
	State    State     `json:"state"`
	Site     string    `json:"site"`
	Lane     string    `json:"lane"`
	Time     time.Time `json:"time"`     // when it happened
	Detected time.Time `json:"detected"` // when the detector decided
	Summary  string    `json:"summary"`

	Payment  *PaymentEvidence `json:"payment,omitempty"`
	Receipt  *ReceiptEvidence `json:"receipt,omitempty"`
	Printer  *PrinterEvidence `json:"printer,omitempty"`
	Delta    *int64           `json:"delta,omitempty"` // terminal minus register, minor units
	Currency string           `json:"currency,omitempty"`
	Device   string           `json:"device,omitempty"`
	// Confidence says how sure a pairing of a receipt with a payment of
	// another amount is (amount_mismatch only): high, medium or low.
	Confidence Confidence `json:"confidence,omitempty"`
	// Damage, when set, is damage the decoders saw on the line where the
	// alert's evidence may sit (the payment a receipt lacks, ...): the
	// alert is a warning, the incident may not have happened.
	Damage *DamageEvidence `json:"damage,omitempty"`
	// Cashier is who rang the receipt, as the receipt printed it, when
	// the receipt profile finds one.
	Cashier string `json:"cashier,omitempty"`
}

// Confidence grades how sure an amount_mismatch is that its receipt and
// payment belong to one checkout.
type Confidence string

// Confidences.
const (
	High   Confidence = "high"
	Medium Confidence = "medium"
	Low    Confidence = "low"
)

// PaymentEvidence is the payment an alert is about. Card is masked.
type PaymentEvidence struct {
	Type       string    `json:"type"`
	Result     string    `json:"result"`
	Amount     int64     `json:"amount"`
	Requested  int64     `json:"requested,omitempty"`
	Currency   string    `json:"currency,omitempty"`
	AuthCode   string    `json:"auth_code,omitempty"`
	Trace      string    `json:"trace,omitempty"`
	ReceiptNo  string    `json:"receipt_no,omitempty"`
	Reference  string    `json:"reference,omitempty"`
	TerminalID string    `json:"terminal_id,omitempty"`
	Card       string    `json:"card,omitempty"`
	Time       time.Time `json:"time"`
}

// ReceiptEvidence is the receipt an alert is about.
type ReceiptEvidence struct {
	Number     string    `json:"number,omitempty"`
	Total      *int64    `json:"total,omitempty"`
	Due        *int64    `json:"due,omitempty"`
	CardTender *int64    `json:"card_tender,omitempty"`
	Time       time.Time `json:"time"`
	Cut        bool      `json:"cut"`
	// Recognised says the receipt was read from a printed image: by
	// which recogniser, how sure, whether its amounts were unsure.
	Recognised *drivers.Recognition `json:"recognised,omitempty"`

	cashier string // Alert.Cashier carries it
}

// PrinterEvidence is the printer state at the time of an alert.
type PrinterEvidence struct {
	Online          bool   `json:"online"`
	Offline         bool   `json:"offline,omitempty"`
	CoverOpen       bool   `json:"cover_open,omitempty"`
	PaperEnd        bool   `json:"paper_end,omitempty"`
	PaperNearEnd    bool   `json:"paper_near_end,omitempty"`
	CutterError     bool   `json:"cutter_error,omitempty"`
	Unrecoverable   bool   `json:"unrecoverable,omitempty"`
	AutoRecoverable bool   `json:"auto_recoverable,omitempty"`
	Error           bool   `json:"error,omitempty"`
	NoReply         bool   `json:"no_reply,omitempty"`
	Known           bool   `json:"known"` // false when no status was ever seen
	Via             string `json:"via,omitempty"`
}
