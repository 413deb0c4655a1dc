// Package winspool talks to the Windows print spooler for a lane whose
// register prints to a USB printer on Windows: it lists the printer queues
// with their ports and drivers, says whether a queue's driver sends the
// printer text or images, writes RAW jobs to a queue (Open), and plans the
// PowerShell steps that put tillwatch between the register's queue and the
// printer (InstallPlan).
//
// The spooler calls (winspool.drv through golang.org/x/sys/windows) run on
// Windows only; everything else here is plain Go and tested anywhere.
package winspool

import (
	"errors"
	"path"
	"strings"
)

// ErrNotWindows is what the spooler calls return on other systems.
var ErrNotWindows = errors.New("winspool: the print spooler exists only on Windows")

// Queue is one printer queue as the spooler lists it (PRINTER_INFO_2) with
// its driver's files (DRIVER_INFO_8).
type Queue struct {
	// Name is the queue's name ("EPSON TM-T20II Receipt").
	Name string
	// Port is where the queue prints: "USB001", a Standard TCP/IP port,
	// "COM1:", "LPT1:", "PORTPROMPT:".
	Port string
	// Driver is the driver's name ("Generic / Text Only").
	Driver string
	// Datatype is the queue's default datatype ("RAW", "NT EMF 1.008").
	Datatype string
	// Status is the queue's PRINTER_STATUS_* bits.
	Status uint32
	// DriverPath, DataFile and ConfigFile are the driver's files
	// (UNIDRV.DLL, TTY.GPD, ...), full paths.
	DriverPath, DataFile, ConfigFile string
	// DriverAttributes are the PRINTER_DRIVER_* bits (0x2: an XPS driver).
	DriverAttributes uint32
}

// driverXPS is PRINTER_DRIVER_XPS: a v4 driver, RAW jobs go as XPS_PASS.
const driverXPS = 0x2

// USB says whether the queue prints to a USB printer port (USB001, ...).
func (q Queue) USB() bool { return strings.HasPrefix(strings.ToUpper(q.Port), "USB") }

// Output is what a driver sends the printer.
type Output int

// What a driver sends.
const (
	OutputUnknown Output = iota
	// OutputText: the register's text goes to the printer as text.
	OutputText
	// OutputImages: each receipt is drawn and sent as images (raster),
	// unless the register prints in the printer's own (device) fonts.
	OutputImages
	// OutputPDL: a page language (PostScript, PCL, XPS) no receipt
	// printer reads.
	OutputPDL
)

// String is "text", "images", "page language" or "unknown".
func (o Output) String() string {
	return [...]string{"unknown", "text", "images", "page language"}[o]
}

// Sends says what the queue's driver sends the printer, and why it thinks
// so. It goes by the driver's name and files, not by watching a job: a
// capture of the printer's bytes (`tillwatch capture`) is the proof.
func (q Queue) Sends() (Output, string) {
	base := func(p string) string { return strings.ToUpper(path.Base(strings.ReplaceAll(p, `\`, "/"))) }
	name := strings.ToLower(q.Driver)
	switch {
	case q.Driver == "":
		return OutputUnknown, "no driver information"
	case strings.Contains(name, "generic / text only") || base(q.DataFile) == "TTY.GPD" || base(q.DriverPath) == "TTY.DLL":
		return OutputText, "Generic / Text Only: the register's text goes to the printer as text"
	case base(q.DriverPath) == "PSCRIPT5.DLL" || strings.Contains(name, "postscript"):
		return OutputPDL, "a PostScript driver: receipt printers do not read PostScript"
	case strings.Contains(name, " pcl") || strings.HasPrefix(name, "pcl"):
		return OutputPDL, "a PCL driver: receipt printers do not read PCL"
	case q.DriverAttributes&driverXPS != 0:
		return OutputImages, "a v4 (XPS) driver: each receipt is rendered as a page and sent as images"
	default:
		return OutputImages, "a graphics driver: it draws each receipt and sends images (raster), unless the register prints in the printer's own fonts (device fonts such as FontA11); images need a glyph dictionary (tillwatch profile learn)"
	}
}

// Printer status bits (PRINTER_STATUS_*), in the words a store manager reads.
var statusWords = []struct {
	bit  uint32
	word string
}{
	{0x00000001, "paused"}, {0x00000002, "error"}, {0x00000004, "being deleted"},
	{0x00000008, "paper jam"}, {0x00000010, "out of paper"}, {0x00000020, "manual feed"},
	{0x00000040, "paper problem"}, {0x00000080, "offline"}, {0x00000200, "busy"},
	{0x00000400, "printing"}, {0x00001000, "not available"}, {0x00002000, "waiting"},
	{0x00100000, "needs attention"}, {0x00400000, "cover open"}, {0x01000000, "power save"},
}

// StatusText is the queue's status in words ("ready" when no bit is set).
func StatusText(st uint32) string {
	var words []string
	for _, w := range statusWords {
		if st&w.bit != 0 {
			words = append(words, w.word)
		}
	}
	if len(words) == 0 {
		return "ready"
	}
	return strings.Join(words, ", ")
}

// Find returns the queue named name (names compare case-insensitively, as
// the spooler does).
func Find(qs []Queue, name string) (Queue, bool) {
	for _, q := range qs {
		if strings.EqualFold(q.Name, name) {
			return q, true
		}
	}
	return Queue{}, false
}
