//go:build !linux

package link

import "errors"

var errGadgetLinux = errors.New("USB printer gadgets and usblp devices are Linux only")

// OpenGadgetFile is Linux only: a printer gadget is a Linux USB device mode
// function.
func OpenGadgetFile(cfg SerialConfig) (Port, error) {
	return nil, &OpenError{Path: cfg.Path, Backend: BackendGadget, Err: errGadgetLinux}
}

// PortStatus is Linux only (usblp).
func (p *lpPort) PortStatus() (byte, error) { return 0, errNoStatus }

// PrinterDeviceID is Linux only (usblp).
func PrinterDeviceID(path string) (string, error) {
	return "", &OpenError{Path: path, Backend: BackendUSBLP, Err: errGadgetLinux}
}
