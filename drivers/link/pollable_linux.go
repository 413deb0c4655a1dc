package link

import (
	"os"

	"golang.org/x/sys/unix"
)

// pollable returns a duplicate of fd in non-blocking mode as an *os.File,
// which Go registers with its network poller. O_NONBLOCK belongs to the
// open file, so the backend's descriptor becomes non-blocking too; the
// backend is then only used to configure and to close the port.
func pollable(fd int, name string) (*os.File, error) {
	nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err := unix.SetNonblock(nfd, true); err != nil {
		_ = unix.Close(nfd)
		return nil, err
	}
	return os.NewFile(uintptr(nfd), name), nil
}
