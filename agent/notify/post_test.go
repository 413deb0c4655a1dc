package notify

import (
	"context"
	"strings"
	"testing"
)

// TestPostErrorsHoldNoKey: a robot address that cannot be used (a space
// typed into its host, a missing scheme) gives an error that names the
// host at most, never the address: robot addresses hold their keys, and
// the error is logged at every retry.
func TestPostErrorsHoldNoKey(t *testing.T) {
	const key = "693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa"
	for _, u := range []string{
		"https://qyapi.weixin .qq.com/cgi-bin/webhook/send?key=" + key,
		"qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + key,
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + key + "\x7f",
	} {
		err := postJSON(context.Background(), &Config{}, u, nil, map[string]string{"msgtype": "text"}, nil)
		if err == nil {
			t.Fatalf("%q: no error", u)
		}
		if strings.Contains(err.Error(), key) {
			t.Errorf("the error holds the robot's key: %v", err)
		}
	}
}
