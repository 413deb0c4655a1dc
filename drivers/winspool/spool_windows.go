//go:build windows

package winspool

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// winspool.drv, called through golang.org/x/sys/windows (the module has
// no winspool wrappers; github.com/alexbrainman/printer, which has them,
// cannot be fetched here). Signatures and structures as in the Win32
// documentation (winspool.h).
var (
	modWinspool           = windows.NewLazySystemDLL("winspool.drv")
	procOpenPrinterW      = modWinspool.NewProc("OpenPrinterW")
	procClosePrinter      = modWinspool.NewProc("ClosePrinter")
	procStartDocPrinterW  = modWinspool.NewProc("StartDocPrinterW")
	procEndDocPrinter     = modWinspool.NewProc("EndDocPrinter")
	procStartPagePrinter  = modWinspool.NewProc("StartPagePrinter")
	procEndPagePrinter    = modWinspool.NewProc("EndPagePrinter")
	procWritePrinter      = modWinspool.NewProc("WritePrinter")
	procEnumPrintersW     = modWinspool.NewProc("EnumPrintersW")
	procGetPrinterDriverW = modWinspool.NewProc("GetPrinterDriverW")
)

// EnumPrinters flags.
const (
	printerEnumLocal       = 0x2
	printerEnumConnections = 0x4
)

// docInfo1 is DOC_INFO_1W.
type docInfo1 struct {
	DocName    *uint16
	OutputFile *uint16
	Datatype   *uint16
}

// printerInfo2 is PRINTER_INFO_2W.
type printerInfo2 struct {
	ServerName, PrinterName, ShareName, PortName, DriverName *uint16
	Comment, Location                                        *uint16
	DevMode                                                  uintptr
	SepFile, PrintProcessor, Datatype, Parameters            *uint16
	SecurityDescriptor                                       uintptr
	Attributes, Priority, DefaultPriority                    uint32
	StartTime, UntilTime, Status, Jobs, AveragePPM           uint32
}

// driverInfo8 is DRIVER_INFO_8W up to the driver attributes.
type driverInfo8 struct {
	Version                                         uint32
	Name, Environment, DriverPath, DataFile         *uint16
	ConfigFile, HelpFile, DependentFiles            *uint16
	MonitorName, DefaultDataType, PreviousNames     *uint16
	DriverDate                                      windows.Filetime
	DriverVersion                                   uint64
	MfgName, OEMURL, HardwareID, Provider           *uint16
	PrintProcessor, VendorSetup, ColorProfiles, Inf *uint16
	PrinterDriverAttributes                         uint32
}

// call runs a winspool function that returns a BOOL (or a job id): zero
// is failure, with the thread's last error.
func call(p *windows.LazyProc, args ...uintptr) (uintptr, error) {
	r, _, err := p.Call(args...)
	if r == 0 {
		if errors.Is(err, windows.ERROR_SUCCESS) {
			err = windows.ERROR_GEN_FAILURE
		}
		return 0, err
	}
	return r, nil
}

func str(p *uint16) string {
	if p == nil {
		return ""
	}
	return windows.UTF16PtrToString(p)
}

// Printer is an open queue that takes RAW jobs.
type Printer struct {
	h        windows.Handle
	name     string
	datatype string // RAW, or XPS_PASS for a v4 (XPS) driver
}

// Open opens the queue named name for RAW jobs.
func Open(name string) (*Printer, error) {
	n, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, fmt.Errorf("winspool: queue %q: %w", name, err)
	}
	var h windows.Handle
	if _, err := call(procOpenPrinterW, uintptr(unsafe.Pointer(n)), uintptr(unsafe.Pointer(&h)), 0); err != nil {
		return nil, fmt.Errorf("winspool: open queue %q: %w", name, err)
	}
	p := &Printer{h: h, name: name, datatype: "RAW"}
	if d, err := driverOf(h); err == nil && d.PrinterDriverAttributes&driverXPS != 0 {
		p.datatype = "XPS_PASS" // a v4 driver passes RAW bytes only as XPS_PASS
	}
	return p, nil
}

// StartJob starts a RAW job named doc (as the queue window shows it).
func (p *Printer) StartJob(doc string) error {
	d, err := windows.UTF16PtrFromString(doc)
	if err != nil {
		return fmt.Errorf("winspool: %q: job name: %w", p.name, err)
	}
	dt, _ := windows.UTF16PtrFromString(p.datatype)
	di := docInfo1{DocName: d, Datatype: dt}
	if _, err := call(procStartDocPrinterW, uintptr(p.h), 1, uintptr(unsafe.Pointer(&di))); err != nil {
		return fmt.Errorf("winspool: %q: start job: %w", p.name, err)
	}
	if _, err := call(procStartPagePrinter, uintptr(p.h)); err != nil {
		_, _ = call(procEndDocPrinter, uintptr(p.h))
		return fmt.Errorf("winspool: %q: start page: %w", p.name, err)
	}
	return nil
}

// Write adds b to the job.
func (p *Printer) Write(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	var n uint32
	if _, err := call(procWritePrinter, uintptr(p.h), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uintptr(unsafe.Pointer(&n))); err != nil {
		return int(n), fmt.Errorf("winspool: %q: write: %w", p.name, err)
	}
	return int(n), nil
}

// EndJob ends the job: the spooler prints it.
func (p *Printer) EndJob() error {
	_, perr := call(procEndPagePrinter, uintptr(p.h))
	if _, err := call(procEndDocPrinter, uintptr(p.h)); err != nil {
		return fmt.Errorf("winspool: %q: end job: %w", p.name, err)
	}
	if perr != nil {
		return fmt.Errorf("winspool: %q: end page: %w", p.name, perr)
	}
	return nil
}

// Close closes the queue.
func (p *Printer) Close() error {
	if _, err := call(procClosePrinter, uintptr(p.h)); err != nil {
		return fmt.Errorf("winspool: %q: close: %w", p.name, err)
	}
	return nil
}

// driverOf reads an open queue's DRIVER_INFO_8.
func driverOf(h windows.Handle) (*driverInfo8, error) {
	buf := make([]byte, 4096)
	for {
		var need uint32
		_, err := call(procGetPrinterDriverW, uintptr(h), 0, 8, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), uintptr(unsafe.Pointer(&need)))
		if err == nil {
			return (*driverInfo8)(unsafe.Pointer(&buf[0])), nil
		}
		if !errors.Is(err, windows.ERROR_INSUFFICIENT_BUFFER) || int(need) <= len(buf) {
			return nil, err
		}
		buf = make([]byte, need)
	}
}

// Queues lists the local and connected printer queues with their ports,
// drivers and status.
func Queues() ([]Queue, error) {
	buf := make([]byte, 16<<10)
	var n uint32
	for {
		var need uint32
		_, err := call(procEnumPrintersW, printerEnumLocal|printerEnumConnections, 0, 2,
			uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), uintptr(unsafe.Pointer(&need)), uintptr(unsafe.Pointer(&n)))
		if err == nil {
			break
		}
		if !errors.Is(err, windows.ERROR_INSUFFICIENT_BUFFER) || int(need) <= len(buf) {
			return nil, fmt.Errorf("winspool: list printer queues: %w", err)
		}
		buf = make([]byte, need)
	}
	if n == 0 {
		return nil, nil
	}
	infos := unsafe.Slice((*printerInfo2)(unsafe.Pointer(&buf[0])), n)
	qs := make([]Queue, 0, n)
	for _, pi := range infos {
		q := Queue{Name: str(pi.PrinterName), Port: str(pi.PortName), Driver: str(pi.DriverName), Datatype: str(pi.Datatype), Status: pi.Status}
		if p, err := Open(q.Name); err == nil {
			if d, err := driverOf(p.h); err == nil {
				q.DriverPath, q.DataFile, q.ConfigFile = str(d.DriverPath), str(d.DataFile), str(d.ConfigFile)
				q.DriverAttributes = d.PrinterDriverAttributes
			}
			_ = p.Close()
		}
		qs = append(qs, q)
	}
	return qs, nil
}
