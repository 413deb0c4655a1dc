package link

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
)

// Backend names of the lines that are not serial ports; they appear in
// errors and logs next to the address or path.
const (
	BackendTCP   = "tcp"   // a listener the register connects to, or a dialed device
	BackendUSBLP = "usblp" // a USB printer class device file (/dev/usb/lp0)
	BackendPTY   = "pty"   // a pseudo-terminal published at a symlink path
)

// noOpen marks lines whose ports are not opened by the runner's Opener
// (listeners and dialers run their own loops).
func noOpen(SerialConfig) (Port, error) {
	return nil, errors.New("link: internal: line has no opener")
}

// listen opens the host line's listener, retrying with backoff until it
// works or ctx is done (nil). It reports the host line Down once per
// outage and Up when listening. ln, if not nil, is used first.
func listen(ctx context.Context, r *runner, host *line, ln net.Listener) net.Listener {
	retry := newRetrier(r.retry)
	reported := false
	for ln == nil {
		var err error
		ln, err = (&net.ListenConfig{}).Listen(ctx, "tcp", host.cfg.Path)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		if !reported {
			r.emitState(host.idx, false, fmt.Errorf("link: listen %s: %w", host.cfg.Path, err))
			reported = true
		}
		if !retry.wait(ctx) {
			return nil
		}
	}
	r.emitState(host.idx, true, nil)
	return ln
}

// acceptor accepts connections on ln in its own goroutine and hands them
// over on conns, one at a time: the next Accept runs only once the last
// connection was taken. conns is closed when ctx is done or ln fails for
// good; wait returns once the goroutine is gone (ln is closed by then).
type acceptor struct {
	conns <-chan net.Conn
	err   error // why conns closed, valid after wait
	wg    sync.WaitGroup
}

func startAccept(ctx context.Context, r *runner, ln net.Listener) *acceptor {
	ch := make(chan net.Conn)
	a := &acceptor{conns: ch}
	stop := context.AfterFunc(ctx, func() { _ = ln.Close() })
	a.wg.Go(func() {
		defer close(ch)
		defer stop()
		defer ln.Close()
		retry := newRetrier(r.retry)
		for {
			c, err := ln.Accept()
			if err != nil {
				if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
					a.err = fmt.Errorf("link: accept %s: %w", ln.Addr(), err)
					return
				}
				// Out of file descriptors and the like: wait and retry.
				r.log.Warn("link: accept", "addr", ln.Addr().String(), "err", err)
				if !retry.wait(ctx) {
					return
				}
				continue
			}
			retry.reset()
			select {
			case ch <- c:
			case <-ctx.Done():
				_ = c.Close()
				return
			}
		}
	})
	return a
}

// wait returns once the accepting goroutine is gone.
func (a *acceptor) wait() { a.wg.Wait() }

// closeWrite half-closes c when it can (TCP), so the peer reads EOF.
func closeWrite(c net.Conn) error {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
