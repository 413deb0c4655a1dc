package link

import (
	"errors"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ioctl numbers: usblp's LPGETSTATUS (linux/lp.h) writes the port status
// to an int; the printer gadget's GADGET_SET_PRINTER_STATUS
// (linux/usb/g_printer.h, _IOWR('g', 0x22, unsigned char)) takes the
// status byte as the argument itself, not a pointer to it.
const (
	ioctlLPGetStatus        = 0x060b
	ioctlGadgetSetStatus    = 0xc0016722
	ioctlLPGetDeviceIDShift = 16 // LPIOC_GET_DEVICE_ID(len) = _IOC(_IOC_READ, 'P', 1, len)
)

// gadgetWriteWait is how long an answer for the register may wait for the
// register's driver to read it before it is dropped.
const gadgetWriteWait = 500 * time.Millisecond

// OpenGadgetFile opens a USB printer gadget device file read-write. The
// kernel lets one process have it open, and only while the register has
// the gadget configured (otherwise ENODEV: the PC is off, not plugged in
// or has not enumerated the gadget).
func OpenGadgetFile(cfg SerialConfig) (Port, error) {
	f, err := os.OpenFile(cfg.Path, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, &OpenError{Path: cfg.Path, Backend: BackendGadget, Kind: classify(err), Err: err}
	}
	return &gadgetPort{f: f}, nil
}

// gadgetPort is an open printer gadget. Its Read is released by Close.
type gadgetPort struct{ f *os.File }

func (p *gadgetPort) Read(b []byte) (int, error) { return p.f.Read(b) }

// Write sends b to the register (bulk IN). A register whose driver does
// not read answers would block the printer's side of the link: after
// gadgetWriteWait the bytes are dropped, as on a wire with nothing reading.
func (p *gadgetPort) Write(b []byte) (int, error) {
	_ = p.f.SetWriteDeadline(time.Now().Add(gadgetWriteWait)) // ErrNoDeadline: a blocking write
	n, err := p.f.Write(b)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return len(b), nil
	}
	return n, err
}

func (p *gadgetPort) Close() error { return p.f.Close() }

// SetPortStatus sets what the gadget answers to the register's
// GET_PORT_STATUS.
func (p *gadgetPort) SetPortStatus(st byte) error {
	return control(p.f, func(fd int) error { return unix.IoctlSetInt(fd, ioctlGadgetSetStatus, int(st)) })
}

// PortStatus asks the printer for its USB port status (GET_PORT_STATUS).
func (p *lpPort) PortStatus() (byte, error) {
	var st int
	err := control(p.f, func(fd int) (err error) {
		st, err = unix.IoctlGetInt(fd, ioctlLPGetStatus)
		return err
	})
	return byte(st), err
}

// control runs fn on the file's descriptor; ENOTTY (a file that is not
// such a device, e.g. a pty standing in for one) becomes errNoStatus.
func control(f *os.File, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	if errors.Is(ferr, unix.ENOTTY) || errors.Is(ferr, unix.EINVAL) {
		return errNoStatus
	}
	return ferr
}

// PrinterDeviceID reads a USB printer's IEEE 1284 device ID
// ("MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;...") with LPIOC_GET_DEVICE_ID.
func PrinterDeviceID(path string) (string, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOCTTY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", &OpenError{Path: path, Backend: BackendUSBLP, Kind: classify(err), Err: err}
	}
	defer f.Close()
	buf := make([]byte, 1024)
	req := uint(2)<<30 | uint(len(buf))<<ioctlLPGetDeviceIDShift | uint('P')<<8 | 1
	err = control(f, func(fd int) error {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(unsafe.Pointer(&buf[0])))
		if e != 0 {
			return e
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return deviceIDString(buf), nil
}
