// Package headless drives Debian's chromium in headless mode for tests of
// server-rendered pages: dump the DOM after the page loaded, or take a
// screenshot. Tests call Find and skip with a visible message when the
// browser is missing (.ci/run installs it: apt-get install -y chromium).
package headless

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// Browser is a chromium binary.
type Browser struct{ path string }

// Find returns the browser at /usr/bin/chromium (or $TILLWATCH_CHROMIUM).
func Find() (*Browser, error) {
	p := os.Getenv("TILLWATCH_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		return nil, fmt.Errorf("headless: no chromium (apt-get install -y chromium): %w", err)
	}
	return &Browser{path: p}, nil
}

// args are the flags of every run: no sandbox (tests run as root in CI),
// no GPU, nothing fetched from the network but the page, a fresh profile.
func (b *Browser) args(profile string, extra ...string) []string {
	return append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
		"--user-data-dir=" + profile,
	}, extra...)
}

// run runs chromium with a fresh profile under ctx (bounded by timeout).
func (b *Browser) run(ctx context.Context, timeout time.Duration, extra ...string) ([]byte, error) {
	profile, err := os.MkdirTemp("", "tillwatch-chromium-")
	if err != nil {
		return nil, fmt.Errorf("headless: %w", err)
	}
	defer os.RemoveAll(profile)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.path, b.args(profile, extra...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("headless: chromium %v: %w\n%s", extra, err, tail(stderr.Bytes(), 2000))
	}
	return stdout.Bytes(), nil
}

// DumpDOM loads url and returns the DOM as chromium serialises it once the
// page has loaded.
func (b *Browser) DumpDOM(ctx context.Context, url string) (string, error) {
	out, err := b.run(ctx, 60*time.Second, "--dump-dom", url)
	return string(out), err
}

// Screenshot loads url in a width x height window and writes a PNG to
// file.
func (b *Browser) Screenshot(ctx context.Context, url, file string, width, height int) error {
	_, err := b.run(ctx, 60*time.Second, "--hide-scrollbars",
		"--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height), "--screenshot="+file, url)
	if err != nil {
		return err
	}
	if st, err := os.Stat(file); err != nil || st.Size() == 0 {
		return fmt.Errorf("headless: no screenshot in %s (%v)", file, err)
	}
	return nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
