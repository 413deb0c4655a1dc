package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/notify"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
)

// watchNotify runs watch --notify: the channels of a notify file, their
// queues in a Badger database of their own.
type watchNotify struct {
	db   *buffer.DB
	set  *notify.Set
	stop context.CancelFunc
	done chan struct{}
}

// openNotify opens the channels of --notify, or returns nil without it.
func (c *watchCmd) openNotify(ctx context.Context, log *slog.Logger) (*watchNotify, error) {
	if c.Notify == "" {
		return nil, nil
	}
	nf, err := configs.LoadNotify(c.Notify)
	if err != nil {
		return nil, usageError{err}
	}
	loc := time.Local
	if nf.TimeZone != "" {
		loc, _ = time.LoadLocation(nf.TimeZone) // validated by LoadNotify
	}
	if c.TZ != "" {
		if l, err := time.LoadLocation(c.TZ); err == nil {
			loc = l
		}
	}
	lang := words.Of(nf.Locale)
	if c.Lang != "" {
		lang = words.Of(c.Lang)
	}
	db, err := buffer.Open(c.NotifyDB, buffer.DefaultOptions(), log)
	if err != nil {
		return nil, fmt.Errorf("watch: --notify-data %s: %w", c.NotifyDB, err)
	}
	set, err := notify.Open(db, nf.Notify, notify.SetOptions{Voice: notify.Voice{Lang: lang, Loc: loc}, Log: log})
	if err != nil {
		db.Close()
		return nil, usageError{fmt.Errorf("watch: --notify %s: %w", c.Notify, err)}
	}
	nctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	n := &watchNotify{db: db, set: set, stop: stop, done: make(chan struct{})}
	go func() { defer close(n.done); set.Run(nctx) }()
	return n, nil
}

// offer queues an alert for every channel that takes it.
func (n *watchNotify) offer(al detect.Alert, errw io.Writer) {
	if n == nil {
		return
	}
	if err := n.set.Offer(al); err != nil {
		fmt.Fprintf(errw, "tillwatch: %v\n", err)
	}
}

// close gives the channels up to 15s to deliver what is queued (the rest
// goes on the next run), then stops them.
func (n *watchNotify) close() {
	if n == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	n.set.Drain(ctx)
	cancel()
	n.stop()
	<-n.done
	n.db.Close()
}
