// Package links builds a device's link (tap, serial bridge, TCP bridge,
// USB printer) from its config, and the Mailbox that carries what the
// links read to the one goroutine that consumes it, stamped with the
// capture's time.
package links
