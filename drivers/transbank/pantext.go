package transbank

import "github.com/tillwatch/tillwatch/drivers"

// maskTextPANs masks card numbers and track data in free text (voucher
// lines), in place. Transbank terminals print only the last 4 digits; this
// guards against one that does not.
func maskTextPANs(b []byte) { drivers.MaskTextPANs(b) }
