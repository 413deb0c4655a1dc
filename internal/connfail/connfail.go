// Package connfail remembers why paho's connection attempts fail. A client
// that lets paho retry its first connection (SetConnectRetry) gets a
// Connect token that never reports the cause: it only times out, and
// "context deadline exceeded" or "<nil>" tells a technician nothing.
// Record's handler keeps the latest cause ("connection refused", "no such
// host", "not Authorized") for the error the client returns.
package connfail

import (
	"fmt"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// Record keeps the latest connection failure. The zero value is ready.
type Record struct {
	mu  sync.Mutex
	err error
}

// Handler is for mqtt.ClientOptions.SetConnectionNotificationHandler.
func (r *Record) Handler(_ mqtt.Client, n mqtt.ConnectionNotification) {
	f, ok := n.(mqtt.ConnectionNotificationFailed)
	if !ok || f.Reason == nil {
		return
	}
	r.mu.Lock()
	r.err = f.Reason
	r.mu.Unlock()
}

// Err is the latest failure, or nil.
func (r *Record) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Timeout is the error of a first connection to broker that did not
// succeed within d: it wraps the latest cause, or says none came back.
func (r *Record) Timeout(broker string, d time.Duration) error {
	if err := r.Err(); err != nil {
		return fmt.Errorf("cannot connect to %s (tried for %s): %w", broker, d, err)
	}
	return fmt.Errorf("cannot connect to %s: no answer within %s (a firewall dropping packets, a wrong port, or a server that does not speak MQTT)", broker, d)
}
