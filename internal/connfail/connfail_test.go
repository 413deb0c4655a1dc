package connfail

import (
	"net"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// TestRecord: a client retrying its first connection to a closed port or a
// name that does not resolve times out; the record says why.
func TestRecord(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "tcp://" + ln.Addr().String()
	ln.Close()
	for _, tc := range []struct{ broker, want string }{
		{closed, "connection refused"},
		{"tcp://tillwatch-test.invalid:1883", "lookup tillwatch-test.invalid"}, // "no such host", or why the lookup failed offline
	} {
		t.Run(tc.want, func(t *testing.T) {
			var r Record
			c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(tc.broker).SetConnectRetry(true).
				SetConnectRetryInterval(50 * time.Millisecond).SetConnectionNotificationHandler(r.Handler))
			tok := c.Connect()
			deadline := time.Now().Add(10 * time.Second)
			for r.Err() == nil && time.Now().Before(deadline) {
				tok.WaitTimeout(50 * time.Millisecond)
			}
			c.Disconnect(0)
			err := r.Timeout(tc.broker, time.Second)
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.broker) {
				t.Fatalf("%v, want the cause %q", err, tc.want)
			}
		})
	}
	var r Record
	if err := r.Timeout("tcp://x:1883", time.Second); !strings.Contains(err.Error(), "no answer") {
		t.Fatalf("no cause: %v", err)
	}
}
