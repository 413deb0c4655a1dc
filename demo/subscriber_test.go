package demo

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestSubscribeUnreachable: a broker that refuses connections is an error
// naming the broker and the cause (it ended "subscriber connect ...: <nil>").
func TestSubscribeUnreachable(t *testing.T) {
	_, _, err := subscribeAlerts(context.Background(), "tcp://127.0.0.1:1", 500*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "tcp://127.0.0.1:1") || !strings.Contains(err.Error(), "connection refused") ||
		strings.Contains(err.Error(), "<nil>") {
		t.Fatalf("subscriber to a closed port: %v", err)
	}
}
