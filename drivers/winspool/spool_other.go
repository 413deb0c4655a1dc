//go:build !windows

package winspool

// Printer is an open queue that takes RAW jobs (Windows only).
type Printer struct{}

// Open fails: the print spooler is Windows only.
func Open(name string) (*Printer, error) { return nil, ErrNotWindows }

// StartJob fails outside Windows.
func (p *Printer) StartJob(string) error { return ErrNotWindows }

// Write fails outside Windows.
func (p *Printer) Write([]byte) (int, error) { return 0, ErrNotWindows }

// EndJob fails outside Windows.
func (p *Printer) EndJob() error { return ErrNotWindows }

// Close does nothing outside Windows.
func (p *Printer) Close() error { return nil }

// Queues fails: the print spooler is Windows only.
func Queues() ([]Queue, error) { return nil, ErrNotWindows }
