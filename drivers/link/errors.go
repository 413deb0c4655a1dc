package link

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"syscall"

	bug "go.bug.st/serial"
)

// Sentinel kinds of open failure, matched with errors.Is on an *OpenError.
var (
	// ErrPermission: the user may not open the port.
	ErrPermission = errors.New("link: permission denied")
	// ErrBusy: another process holds the port.
	ErrBusy = errors.New("link: port busy")
	// ErrNotFound: no such port (unplugged, wrong path).
	ErrNotFound = errors.New("link: no such port")
)

// errClosed is what a Port returns once it has been closed.
var errClosed = errors.New("link: port closed")

// OpenError is an open failure: the path, the backend, the kind (one of
// the sentinels above, or nil when unknown) and the backend's error.
type OpenError struct {
	Path    string
	Backend string
	Kind    error
	Err     error
}

// Error names the path and backend and, for a known kind, what to do.
func (e *OpenError) Error() string {
	s := fmt.Sprintf("link: open %s (%s)", e.Path, e.Backend)
	if h := hint(e.Kind, e.Backend); h != "" {
		s += ": " + h
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the kind and the backend's error.
func (e *OpenError) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

func newOpenError(c SerialConfig, err error) *OpenError {
	return &OpenError{Path: c.Path, Backend: c.Backend, Kind: classify(err), Err: err}
}

// classify maps a backend's open error to one of the sentinels.
func classify(err error) error {
	var pe *bug.PortError
	if errors.As(err, &pe) {
		switch pe.Code() {
		case bug.PermissionDenied:
			return ErrPermission
		case bug.PortBusy:
			return ErrBusy
		case bug.PortNotFound:
			return ErrNotFound
		}
	}
	switch {
	case errors.Is(err, syscall.EBUSY):
		return ErrBusy
	case errors.Is(err, fs.ErrPermission):
		if runtime.GOOS == "windows" {
			// Windows answers "access denied" for a COM port in use.
			return ErrBusy
		}
		return ErrPermission
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ENXIO):
		return ErrNotFound
	}
	return nil
}

// hint says what a technician can do about an open failure.
func hint(kind error, backend string) string {
	if backend == BackendGadget {
		switch kind {
		case ErrPermission:
			return "permission denied: the printer gadget belongs to group lp (udev rule 60-tillwatch.rules); add the user to lp"
		case ErrNotFound:
			return "no printer gadget to the register: the register PC is off or not plugged into this board's USB-C port, or the gadget is not set up (tillwatch-gadget status)"
		case ErrBusy:
			return "the printer gadget is open in another program (only one may have it)"
		}
	}
	if backend == BackendUSBLP {
		switch kind {
		case ErrPermission:
			return "permission denied: add the user to the lp group (sudo usermod -aG lp $USER, then log in again) or fix the udev rule"
		case ErrNotFound:
			return "no such device: printer unplugged or off, or wrong path (ls /dev/usb/)"
		case ErrBusy:
			return "device busy: another program (CUPS, the POS software, another tillwatch) has it open"
		}
	}
	switch kind {
	case ErrPermission:
		return "permission denied: add the user to the dialout group (sudo usermod -aG dialout $USER, then log in again) or fix the udev rule"
	case ErrBusy:
		if runtime.GOOS == "windows" {
			return "port busy or access denied: another program (the POS software, a terminal program, another tillwatch) has it open"
		}
		return "port busy: another program (ModemManager, the POS software, another tillwatch) has it open"
	case ErrNotFound:
		return "no such port: unplugged or wrong path (see 'tillwatch ports')"
	}
	return ""
}
