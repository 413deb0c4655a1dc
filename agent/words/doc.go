// Package words says alerts in the words of the people who read them: a
// title and a one-sentence summary for every alert kind and state in
// Chinese (zh-CN), English (en) and German (de), clock times in the
// lane's time zone with the zone shown, money with its currency's
// decimals and the language's separators.
//
// The detector (package detect) stays pure and writes English for logs
// and tests; Localize rewrites an alert's Summary from its kind, state,
// severity and evidence alone, where alerts are encoded for the outside
// (the outbox writer, replay), so the MQTT payload, the channels, the
// video feed, watch, the demo and the status page all carry the same text.
// Everything a summary says is in the alert itself, so a consumer that
// holds only the JSON can render any language again.
//
// Severity of a raised alert that the detector lowered to a warning tells
// that a link was down at the time (the detector does so only then for
// payment_without_receipt, receipt_without_payment, refund_without_sale
// and settlement_mismatch); the summary says so. An alert lowered because
// its evidence may sit in bytes damaged on the line carries Alert.Damage,
// and its summary says that instead (damage.go).
package words
