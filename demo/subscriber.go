package demo

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/tillwatch/tillwatch/internal/subscribe"
)

// subscribeAlerts connects the demo's remote alert subscriber, the one
// `tillwatch watch` uses (internal/subscribe): every lane's alerts (QoS 1),
// each id once, no lane statuses. It retries the first connection for
// wait and then says why it failed. filter is the alert filter it
// subscribed to.
func subscribeAlerts(ctx context.Context, broker string, wait time.Duration) (w *subscribe.Watcher, filter string, err error) {
	filter, _ = subscribe.Filter{}.Topics(subscribe.DefaultPrefix)
	w, err = subscribe.Dial(ctx, subscribe.Options{
		Broker: broker, ClientID: fmt.Sprintf("tillwatch-demo-sub-%d", os.Getpid()),
		NoStatus: true, ConnectTimeout: wait,
	})
	if err != nil {
		return nil, "", fmt.Errorf("demo: subscriber: %w", err)
	}
	return w, filter, nil
}
