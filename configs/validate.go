package configs

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	topicName  = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	deviceName = regexp.MustCompile(`^[a-z0-9_-]+$`)
	currency   = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Allowed values of the enumerated fields.
var (
	logLevels = []string{"debug", "info", "warn", "error"}
	schemes   = []string{"tcp", "ssl", "tls", "mqtt", "mqtts", "ws", "wss"}
	roles     = []string{RolePrinter, RoleTerminal}
	protocols = map[string][]string{RolePrinter: {"escpos"}, RoleTerminal: {"zvt", "transbank", "template"}}
	framings  = []string{"auto", "serial", "tcp"}
	modes     = []string{ModeTap, ModeBridge}
	linkTypes = []string{TypeSerial, TypeTCP, TypeUSBLP, TypeUSBGadget, TypeSpooler}
	backends  = []string{"gobug", "tarm"}
	parities  = []string{"none", "even", "odd"}
)

// parent strips the last component of a dotted path ("a.b[2]" -> "a.b").
func parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// at returns the position of path, or of its nearest present parent.
func (d *decoder) at(path string) pos {
	for p := path; ; p = parent(p) {
		if at, ok := d.seen[p]; ok {
			return at
		}
		if p == "" {
			return pos{1, 1}
		}
	}
}

// fail records a validation problem of path unless path (or a parent of
// it) already failed to decode.
func (d *decoder) fail(path, format string, args ...any) {
	for p := path; p != ""; p = parent(p) {
		if d.bad[p] {
			return
		}
	}
	at := d.at(path)
	d.errs = append(d.errs, &Error{File: d.file, Line: at.line, Column: at.col, Field: path, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) set(path string) bool { _, ok := d.seen[path]; return ok }

// required reports path when v is empty.
func (d *decoder) required(path, v, hint string) bool {
	if v == "" {
		d.fail(path, "required (%s)", hint)
		return false
	}
	return true
}

// enum reports v when it is not one of allowed.
func (d *decoder) enum(path, v string, allowed []string) {
	if slices.Contains(allowed, v) {
		return
	}
	msg := fmt.Sprintf("%q is not one of %s", v, strings.Join(allowed, ", "))
	if s := suggest(v, allowed); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	d.fail(path, "%s", msg)
}

// file resolves a relative path against dir and reports it when missing.
func (d *decoder) existing(path string, v *string, dir string) {
	if *v == "" {
		return
	}
	written := *v
	if !filepath.IsAbs(*v) {
		*v = filepath.Join(dir, *v)
	}
	if _, err := os.Stat(*v); err != nil {
		d.fail(path, "cannot use %q: %v", written, unwrapPath(err))
	}
}

// unwrapPath keeps the reason of an *fs.PathError ("no such file or
// directory") since the message already names the file.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func (d *decoder) positive(path string, v time.Duration) {
	if v <= 0 {
		d.fail(path, "must be a positive duration, got %s", v)
	}
}

// validate checks the decoded config, fills the defaults that depend on
// other fields and resolves relative paths against dir.
func (d *decoder) validate(c *Config, dir string) {
	const charset = "letters, digits, '_' and '-' only: it is an MQTT topic level"
	for _, f := range []struct{ path, v, hint string }{
		{"site", c.Site, "the store name, e.g. store-042"},
		{"lane", c.Lane, "the lane name, e.g. lane-3"},
	} {
		if d.required(f.path, f.v, f.hint) && !topicName.MatchString(f.v) {
			d.fail(f.path, "%q: %s", f.v, charset)
		}
	}
	if d.required("data_dir", c.DataDir, "where the journal and outbox live, e.g. /var/lib/tillwatch") && !filepath.IsAbs(c.DataDir) {
		c.DataDir = filepath.Join(dir, c.DataDir)
	}
	d.enum("log_level", c.LogLevel, logLevels)
	if c.Locale != "" {
		d.enum("locale", c.Locale, Locales)
	}
	if c.TimeZone != "" {
		if _, err := time.LoadLocation(c.TimeZone); err != nil {
			d.fail("time_zone", "%q: not an IANA time zone such as Asia/Shanghai or Europe/Berlin (%v)", c.TimeZone, err)
		}
	}
	if c.Capture != "" && !filepath.IsAbs(c.Capture) {
		c.Capture = filepath.Join(dir, c.Capture)
	}
	d.validateMQTT(&c.MQTT, c.Site, c.Lane, dir)
	d.validateDevices(c.Devices, dir)
	d.validateDetect(&c.Detect)
	d.validateOutbox(&c.Outbox)
	d.validateHTTP(&c.HTTP)
	d.validateNotify(c.Notify, dir)
	d.validateVideo(c.Video)
	d.validateHomeAssistant(&c.HomeAssistant)
	for i, cmd := range c.Remote.Allow {
		d.enum(fmt.Sprintf("remote.allow[%d]", i), cmd, RemoteCommands)
	}
	if c.Journal.Retention < 0 {
		d.fail("journal.retention", "must be >= 0 (0 = keep everything), got %s", c.Journal.Retention)
	}
	if _, err := c.Summary.Offset(); err != nil {
		d.fail("summary.at", "%v", err)
	}
}

// Offset is At as the time after local midnight; ok false when At is "".
func (s Summary) Offset() (time.Duration, error) {
	if s.At == "" {
		return 0, nil
	}
	t, err := time.Parse("15:04", s.At)
	if err != nil {
		return 0, fmt.Errorf("%q: want a local time HH:MM (e.g. 00:05), or \"\" for no daily summary", s.At)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

func (d *decoder) validateOutbox(o *Outbox) {
	if o.MaxBytes < 0 {
		d.fail("outbox.max_bytes", "must be >= 0 (0 = no capacity), got %d", o.MaxBytes)
	}
	if o.MaxAge < 0 {
		d.fail("outbox.max_age", "must be >= 0 (0 = no age limit), got %s", o.MaxAge)
	}
	if o.MinFreeBytes < 0 {
		d.fail("outbox.min_free_bytes", "must be >= 0 (0 = no reserve), got %d", o.MinFreeBytes)
	}
}

func (d *decoder) validateHTTP(h *HTTP) {
	for i, name := range h.AllowedHosts {
		if name == "" || net.ParseIP(name) == nil && strings.ContainsAny(name, ":/ *") {
			d.fail(fmt.Sprintf("http.allowed_hosts[%d]", i), "%q: must be a host name without port or scheme (e.g. lane-3.shop.lan)", name)
		}
	}
	if h.Address == "" {
		return
	}
	_, port, err := net.SplitHostPort(h.Address)
	if err != nil {
		d.fail("http.address", "%q is not host:port (e.g. 127.0.0.1:9109; empty turns the listener off)", h.Address)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		d.fail("http.address", "%q: port must be a number 0..65535", h.Address)
	}
}

func (d *decoder) validateHomeAssistant(h *HomeAssistant) {
	if p := h.Prefix; p == "" || strings.ContainsAny(p, "+#") || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
		d.fail("homeassistant.prefix", "%q: must be topic levels without '+', '#', empty levels or leading/trailing '/'", p)
	}
}

func (d *decoder) validateMQTT(m *MQTT, site, lane, dir string) {
	if d.required("mqtt.broker", m.Broker, "e.g. tcp://127.0.0.1:1883") {
		u, err := url.Parse(m.Broker)
		switch {
		case err != nil:
			d.fail("mqtt.broker", "not a URL: %v", err)
		case !slices.Contains(schemes, u.Scheme):
			d.fail("mqtt.broker", "scheme %q is not one of %s (write it as scheme://host:port)", u.Scheme, strings.Join(schemes, ", "))
		case u.Hostname() == "":
			d.fail("mqtt.broker", "%q has no host", m.Broker)
		}
	}
	if m.ClientID == "" {
		m.ClientID = "tillwatch-" + site + "-" + lane
	}
	if p := m.TopicPrefix; p == "" || strings.ContainsAny(p, "+#") || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
		d.fail("mqtt.topic_prefix", "%q: must be topic levels without '+', '#', empty levels or leading/trailing '/'", p)
	}
	if m.KeepAlive < time.Second || m.KeepAlive > 65535*time.Second {
		d.fail("mqtt.keepalive", "must be between 1s and 65535s, got %s", m.KeepAlive)
	}
	if m.HealthInterval < time.Second {
		d.fail("mqtt.health_interval", "must be at least 1s, got %s", m.HealthInterval)
	}
	if m.Inflight < 1 || m.Inflight > 1000 {
		d.fail("mqtt.inflight", "must be between 1 and 1000, got %d", m.Inflight)
	}
	if m.BackoffMax < time.Second || m.BackoffMax > time.Hour {
		d.fail("mqtt.backoff_max", "must be between 1s and 1h, got %s", m.BackoffMax)
	}
	d.existing("mqtt.password_file", &m.PasswordFile, dir)
	t := &m.TLS
	if (t.CertFile == "") != (t.KeyFile == "") {
		missing := "mqtt.tls.key_file"
		if t.CertFile == "" {
			missing = "mqtt.tls.cert_file"
		}
		d.fail(missing, "required: a client certificate needs both cert_file and key_file")
	}
	d.existing("mqtt.tls.ca_file", &t.CAFile, dir)
	d.existing("mqtt.tls.cert_file", &t.CertFile, dir)
	d.existing("mqtt.tls.key_file", &t.KeyFile, dir)
}

func (d *decoder) validateDetect(t *Detect) {
	for _, e := range t.Check() {
		msg := e.Msg
		if e.Allowed != nil {
			if s := suggest(e.Value, e.Allowed); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
		}
		d.fail("detect."+e.Field, "%s", msg)
	}
}
