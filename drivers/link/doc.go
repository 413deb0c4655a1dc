// Package link moves bytes between tillwatch and the devices of a checkout
// lane. It knows nothing of protocols: it opens ports, reads what passes,
// stamps each read with the time and hands it to a Sink, and it keeps a
// link alive through USB unplugs and devices that come and go.
//
// Two topologies are supported:
//
//   - Tap: read-only. A Y-cable gives the host's (register's) TX line and,
//     optionally, the device's TX line on a second port. Nothing is written.
//   - Bridge: the agent sits between host and device and forwards every read
//     to the other side at once (no buffering), while reporting both
//     directions to the Sink.
//
// Bridges exist for four kinds of wiring:
//
//   - Bridge: two serial ports (register side, device side).
//   - TCPBridge: the register connects to the agent's listener (printer
//     port 9100, ZVT port 20007) and each connection is mirrored by one to
//     the network device; half-closes pass through; the device is dialed
//     with backoff while it is unreachable (link Down), and a register
//     that connects meanwhile is closed at once.
//   - USBLP: the agent owns a USB printer class device file (/dev/usb/lp0,
//     read-write for status replies) and gives the register a virtual
//     port: a raw pty published at a symlink path (Linux), or a TCP
//     listener.
//   - USBGadget: a Linux board inline on USB: the register prints to the
//     board's printer gadget (/dev/g_printer0, the real printer's USB
//     identity copied), the agent forwards to the real printer
//     (/dev/usb/lp0) and copies its USB port status to the gadget; the
//     register's reads wait while the printer is down.
//
// Listener connections coming and going are not link transitions: the
// register side of a TCP listener is Up while the agent listens.
//
// Serial ports are opened through one of two backends:
//
//   - "gobug": go.bug.st/serial (default). Pure Go (no cgo) on Linux and
//     Windows; a blocked Read is released by Close on Unix; read timeouts
//     are select(2) on Unix and COMMTIMEOUTS on Windows.
//     https://pkg.go.dev/go.bug.st/serial
//   - "tarm": github.com/tarm/serial, a selectable fallback. On Linux its
//     Port is an *os.File put in blocking mode, so Close does not release a
//     pending Read: the backend therefore always sets ReadTimeout (termios
//     VMIN=0/VTIME) and the link polls. A VTIME expiry reads as io.EOF on
//     Linux; the backend tells it from a real hangup by how long the read
//     took. https://pkg.go.dev/github.com/tarm/serial
//
// Both backends configure a pty slave (tests use github.com/creack/pty):
// a pty accepts and ignores baud rate, parity and stop bits, and both put
// it in raw mode (no echo, no CR/LF mapping, no XON/XOFF), so every byte
// value passes unchanged.
//
// Serial ports poll (Read returns (0, nil) after 200ms without data) and
// are closed only by their own reader after its Read returned: go.bug.st
// closes the raw fd before waking a pending Read, which could otherwise
// read a file that reused the fd number. Ports from other Openers that do
// not poll are closed to release their Read.
//
// ListPorts lists the machine's serial ports with their stable
// /dev/serial/by-id names (go.bug.st/serial/enumerator, no USB probing).
//
// Links report Up/Down as *drivers.Link events. A link with two lines (a
// two-port tap or a bridge) is Up when every line is open and Down as soon
// as one is not; the Reason names the line ("host" or "device") and path.
// Each line reopens itself with exponential backoff and jitter, forever.
//
// Reads never carry card data into errors or logs: only paths, backends and
// OS error texts appear there; bytes go to the Sink only.
package link
