package configs

import (
	"slices"
	"time"

	"github.com/tillwatch/tillwatch/drivers/settings"
)

// Config is one lane's agent configuration: who it is, where it keeps its
// data, where it sends alerts, which devices it listens to and how it
// detects incidents. Load and Parse return it validated with every default
// filled in; relative file paths are already resolved against the directory
// of the config file.
type Config struct {
	// Site names the store; it goes in MQTT topics ([A-Za-z0-9_-]+).
	Site string `yaml:"site"`
	// Lane names the checkout lane; same charset as Site.
	Lane string `yaml:"lane"`
	// DataDir holds the Badger database (journal and outbox).
	DataDir string `yaml:"data_dir"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `yaml:"log_level"`
	// Locale is the lane's language for alert texts, channels, the video
	// feed and the status page: zh-CN, en or de ("" = the system's
	// language, English when it is none of these).
	Locale string `yaml:"locale"`
	// TimeZone is the lane's IANA time zone (e.g. Asia/Shanghai): clock
	// times in alert texts, the day boundary of summaries and journal
	// retention ("" = the system's).
	TimeZone string `yaml:"time_zone"`
	// Capture, when set, is the path of a capture file (JSON Lines, see
	// package capture) that records every byte of every link.
	Capture string `yaml:"capture"`
	// MQTT is the alert uplink.
	MQTT MQTT `yaml:"mqtt"`
	// Devices are the printers and terminals of the lane (at least one).
	Devices []Device `yaml:"devices"`
	// Detect tunes the detection rules.
	Detect Detect `yaml:"detect"`
	// Outbox bounds the alert outbox (store-and-forward).
	Outbox Outbox `yaml:"outbox"`
	// HTTP is the local status listener (/healthz, /metrics, status page).
	HTTP HTTP `yaml:"http"`
	// HomeAssistant configures Home Assistant MQTT discovery.
	HomeAssistant HomeAssistant `yaml:"homeassistant"`
	// Remote configures remote commands over MQTT (off by default).
	Remote Remote `yaml:"remote"`
	// Journal sets the electronic journal's retention.
	Journal Journal `yaml:"journal"`
	// Summary schedules the daily settlement summary.
	Summary Summary `yaml:"summary"`
	// Notify lists the notification channels (chat robots, Telegram,
	// ntfy, e-mail, webhooks); see package agent/notify.
	Notify []Notify `yaml:"notify"`
	// Video lists POS text feeds to video recorders; see package
	// agent/videofeed.
	Video []Video `yaml:"video"`
}

// Locales are the languages Locale may name.
var Locales = []string{"zh-CN", "en", "de"}

// Location is the lane's time zone: TimeZone, or the system's (time.Local)
// when it is empty or cannot be loaded (Load and Parse refuse a bad one).
func (c *Config) Location() *time.Location {
	if c == nil || c.TimeZone == "" {
		return time.Local
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return time.Local
	}
	return loc
}

// Journal configures the electronic journal.
type Journal struct {
	// Retention is how long events are kept (default 2160h = 90 days; 0
	// keeps everything). The agent prunes once a day.
	Retention time.Duration `yaml:"retention"`
}

// Summary schedules the daily settlement summary on .../settlement.
type Summary struct {
	// At is the local time ("00:05", default) after which the previous
	// day's summary is published; "" turns the daily summary off (the
	// API still makes one on demand).
	At string `yaml:"at"`
}

// RemoteCommands are the commands remote.allow may list.
var RemoteCommands = []string{"ping", "status", "journal_search"}

// Remote configures remote commands: with Enabled, the agent subscribes
// to {topic_prefix}/{site}/{lane}/cmd/+ and answers the commands in Allow
// (see docs/remote.md for the broker ACL it expects).
type Remote struct {
	// Enabled turns remote commands on (default false).
	Enabled bool `yaml:"enabled"`
	// Allow lists the commands answered (default all of RemoteCommands);
	// the others get a "not allowed" reply.
	Allow []string `yaml:"allow"`
}

// Outbox bounds the alert outbox; see package buffer for the shedding
// policy.
type Outbox struct {
	// MaxBytes is the outbox's byte capacity (default 64 MiB): beyond it
	// info alerts are shed first, then warnings; critical ones never.
	MaxBytes int64 `yaml:"max_bytes"`
	// MaxAge drops undelivered alerts stored longer ago (default 720h).
	MaxAge time.Duration `yaml:"max_age"`
	// MinFreeBytes is the free disk space kept for the database (default
	// 32 MiB): below it nothing more is stored and alerts wait in memory.
	MinFreeBytes int64 `yaml:"min_free_bytes"`
}

// DefaultTopicPrefix is mqtt.topic_prefix's default: the MQTT contract's
// first topic levels. It is agent/topic's Prefix (configs sits below agent
// and cannot import it; a test in agent/topic keeps the two the same).
const DefaultTopicPrefix = "tillwatch/v1"

// DefaultHTTPAddress is where a loaded config's status listener listens
// unless the file says otherwise: loopback only.
const DefaultHTTPAddress = "127.0.0.1:9109"

// HTTP configures the local status listener.
type HTTP struct {
	// Address is host:port; empty turns the listener off. Load and Parse
	// default it to DefaultHTTPAddress; Default leaves it off, so that
	// programs and tests that build configs bind nothing unasked.
	Address string `yaml:"address"`
	// AllowedHosts are host names (no port) under which the listener may
	// be reached besides loopback names and IP addresses (the Host header
	// of any other name is refused: DNS rebinding).
	AllowedHosts []string `yaml:"allowed_hosts"`
}

// HomeAssistant configures Home Assistant MQTT discovery: each lane shows
// up as a device with an online sensor and an alert event entity.
type HomeAssistant struct {
	// Discovery publishes the retained discovery configs on every connect.
	Discovery bool `yaml:"discovery"`
	// Prefix is Home Assistant's discovery prefix, default "homeassistant".
	Prefix string `yaml:"prefix"`
}

// MQTT configures the uplink to the MQTT broker.
type MQTT struct {
	// Broker is a URL: tcp|ssl|tls|mqtt|mqtts|ws|wss://host:port.
	Broker string `yaml:"broker"`
	// ClientID defaults to "tillwatch-{site}-{lane}".
	ClientID string `yaml:"client_id"`
	// Username is optional.
	Username string `yaml:"username"`
	// PasswordFile is a file holding the password (its first line). The
	// password never goes in the config file; TILLWATCH_MQTT_PASSWORD is
	// the alternative (see Password).
	PasswordFile string `yaml:"password_file"`
	// TopicPrefix is the first topic levels, default DefaultTopicPrefix.
	TopicPrefix string `yaml:"topic_prefix"`
	// KeepAlive is the MQTT keepalive interval, default 30s.
	KeepAlive time.Duration `yaml:"keepalive"`
	// HealthInterval is how often the health message is published,
	// default 60s.
	HealthInterval time.Duration `yaml:"health_interval"`
	// Inflight is how many alerts may be published and not yet
	// acknowledged at once, default 16.
	Inflight int `yaml:"inflight"`
	// BackoffMax caps the wait between reconnect attempts (with jitter,
	// doubling from 500ms), default 30s.
	BackoffMax time.Duration `yaml:"backoff_max"`
	// TLS configures TLS for ssl, tls, mqtts and wss brokers.
	TLS TLS `yaml:"tls"`
}

// TLS configures the uplink's TLS. Files are PEM; all are optional, but a
// client certificate needs its key.
type TLS struct {
	// CAFile holds the CAs to trust instead of the system pool.
	CAFile string `yaml:"ca_file"`
	// CertFile is the client certificate (needs KeyFile).
	CertFile string `yaml:"cert_file"`
	// KeyFile is the client key (needs CertFile).
	KeyFile string `yaml:"key_file"`
	// ServerName overrides the name checked in the server certificate.
	ServerName string `yaml:"server_name"`
	// InsecureSkipVerify turns certificate checks off (tests only).
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
}

// Device is one printer or terminal on the lane.
type Device struct {
	// Name is unique within the lane ([a-z0-9_-]+); events carry it.
	Name string `yaml:"name"`
	// Role is RolePrinter or RoleTerminal.
	Role string `yaml:"role"`
	// Protocol is "escpos" for printers, "zvt", "transbank" or "template"
	// for terminals; it defaults from Role (escpos, zvt).
	Protocol string `yaml:"protocol"`
	// Template (template only, required there) is a shipped template name
	// (linelog, mispos) or the path of a YAML template (see
	// drivers/template).
	Template string `yaml:"template"`
	// ReceiptProfile (escpos only) is a builtin profile name or the path
	// of a YAML profile; default "generic". IsProfilePath tells which.
	ReceiptProfile string `yaml:"receipt_profile"`
	// Printer (escpos only) is the printer profile: how the model numbers
	// its ESC t code tables, its double-byte set, Chinese power-on mode,
	// Star Line Mode and clone commands (`tillwatch profile list`);
	// default "epson".
	Printer string `yaml:"printer"`
	// CodePage (escpos only) overrides the printer's power-up code table:
	// cp437 (the default without a printer profile), cp850, cp858, cp866,
	// cp1252 and the other tables `tillwatch profile list` names.
	CodePage string `yaml:"code_page"`
	// ChineseDefault (escpos only) says the printer powers up in Chinese
	// (GBK double-byte) mode.
	ChineseDefault bool `yaml:"chinese_default"`
	// DotsPerInch (escpos only) is the print head's horizontal density,
	// which turns positions given in GS P motion units into dots: 180
	// (Epson TM-T88, TM-U and Star printers), 203 (most 80 and 58 mm
	// thermal printers). 0: the printer profile's (203).
	DotsPerInch int `yaml:"dots_per_inch"`
	// Glyphs (escpos only) is the glyph dictionary that reads receipts
	// a printer driver prints as images (tillwatch profile learn); a path,
	// relative to the config file.
	Glyphs string `yaml:"glyphs"`
	// OCR (escpos only) says whether Tesseract reads printed images: auto
	// (when installed: the lines the glyph dictionary cannot read; the
	// default with glyphs), tesseract (required; alone without glyphs) or
	// none ("" means none without glyphs: images stay graphics-only).
	OCR string `yaml:"ocr"`
	// Framing (zvt only) is auto (default), serial or tcp.
	Framing string `yaml:"framing"`
	// Charset (zvt only) is the character set of the terminal's slip text:
	// auto (default), cp437 or latin1.
	Charset string `yaml:"charset"`
	// SlipProfile reads card slips: a builtin name (unionpay, de-en), the
	// path of a YAML slip profile, or none. zvt: the terminal's slips
	// complete results the link left incomplete; default de-en. escpos:
	// slips printed through the register's printer become payments; only
	// on a lane without a terminal device (default none).
	SlipProfile string `yaml:"slip_profile"`
	// Currency is the ISO 4217 alpha code assumed when the device does not
	// say; default DefaultCurrency(protocol): "EUR", "CLP" for transbank,
	// the template's for template. Config.Currency, the lane's currency,
	// sets the minor units receipts are read in.
	Currency string `yaml:"currency"`
	// Link says how the agent reaches the device's wires.
	Link Link `yaml:"link"`
}

// Roles.
const (
	RolePrinter  = "printer"
	RoleTerminal = "terminal"
)

// Link modes.
const (
	// ModeTap listens read-only (Y-cable): HostPort is the host's TX line,
	// DevicePort (optional) the device's TX line.
	ModeTap = "tap"
	// ModeBridge forwards between HostPort (register side) and DevicePort
	// (device side), byte for byte.
	ModeBridge = "bridge"
)

// Link types.
const (
	// TypeSerial is a serial port (or two): a tap or a bridge.
	TypeSerial = "serial"
	// TypeTCP is a TCP bridge: the register connects to Listen and the
	// agent forwards to the network device at Connect.
	TypeTCP = "tcp"
	// TypeUSBLP is a USB printer class device file (DevicePort) that the
	// agent owns, with a virtual port for the register: a pty published at
	// HostPort, or a TCP listener at Listen.
	TypeUSBLP = "usblp"
	// TypeUSBGadget is a board inline on USB: the register prints to the
	// board's printer gadget (HostPort, default /dev/g_printer0) and the
	// agent forwards to the real USB printer (DevicePort, /dev/usb/lp0).
	TypeUSBGadget = "usbgadget"
	// TypeSpooler is a Windows register printing to a USB printer: the
	// register's queue prints to the agent's TCP port (Listen) and the
	// agent prints on through a RAW queue on the printer's USB port
	// (DevicePort names that queue).
	TypeSpooler = "spooler"
)

// DefaultGadget is the printer gadget's device file.
const DefaultGadget = "/dev/g_printer0"

// Link is the wiring of one device: ports and serial settings.
type Link struct {
	// Type is TypeSerial (default), TypeTCP, TypeUSBLP, TypeUSBGadget or
	// TypeSpooler.
	Type string `yaml:"type"`
	// Mode is ModeTap (default) or ModeBridge; tcp, usblp and usbgadget
	// links are always bridges.
	Mode string `yaml:"mode"`
	// HostPort is the host's TX line (tap) or the register-side port
	// (bridge); usblp: the absolute path where the agent publishes the
	// register's virtual serial port (a symlink to a pty); usbgadget: the
	// printer gadget the register prints to (default /dev/g_printer0).
	HostPort string `yaml:"host_port"`
	// DevicePort is the device's TX line (tap, optional) or the device
	// side (bridge, required); usblp and usbgadget: the printer device file;
	// spooler: the print queue the agent writes to.
	DevicePort string `yaml:"device_port"`
	// Listen is the host:port the register connects to (tcp; usblp
	// instead of HostPort).
	Listen string `yaml:"listen"`
	// Connect is the network device's host:port (tcp).
	Connect string `yaml:"connect"`
	// Backend is the serial library: gobug (go.bug.st/serial, default) or
	// tarm (github.com/tarm/serial).
	Backend string `yaml:"backend"`
	// Baud is the line speed, default 9600.
	Baud int `yaml:"baud"`
	// DataBits is 5..8, default 8.
	DataBits int `yaml:"data_bits"`
	// Parity is none (default), even or odd.
	Parity string `yaml:"parity"`
	// StopBits is 1 (default) or 2.
	StopBits int `yaml:"stop_bits"`
}

// DeviceObserved says whether the link carries what the device answers:
// every bridge does, a tap only with a device line.
func (l Link) DeviceObserved() bool {
	if l.Type == TypeSpooler {
		return false // the spooler gives no answers from the printer
	}
	return l.DevicePort != "" || l.Mode == ModeBridge || l.Type == TypeTCP || l.Type == TypeUSBLP || l.Type == TypeUSBGadget
}

// CanWrite says whether the link can write toward its device: bridges can,
// a tap (a read-only Y-cable) cannot.
func (l Link) CanWrite() bool {
	return l.Type == TypeTCP || l.Type == TypeUSBLP || l.Type == TypeUSBGadget || l.Type == TypeSpooler || l.Mode == ModeBridge
}

// Detect tunes the detection rules (see ARCHITECTURE.md, detection
// semantics): settings.Detect, the one type of these settings, shared with
// the detector and the capture header.
type Detect = settings.Detect

// Default returns a configuration with every default filled in and the
// required fields set to demo values (site "demo", lane "lane-1", a local
// broker, data in ./tillwatch-data) but no devices: callers add theirs.
func Default() *Config {
	return &Config{
		Site:     "demo",
		Lane:     "lane-1",
		DataDir:  "tillwatch-data",
		LogLevel: "info",
		MQTT: MQTT{
			Broker:      "tcp://127.0.0.1:1883",
			ClientID:    "tillwatch-demo-lane-1",
			TopicPrefix: DefaultTopicPrefix,
			KeepAlive:   30 * time.Second,
			// Health every minute: cheap, and a dashboard sees a stale lane.
			HealthInterval: 60 * time.Second,
			Inflight:       16,
			BackoffMax:     30 * time.Second,
		},
		Outbox:        Outbox{MaxBytes: 64 << 20, MaxAge: 720 * time.Hour, MinFreeBytes: 32 << 20},
		Detect:        DefaultDetect(),
		HomeAssistant: HomeAssistant{Prefix: "homeassistant"},
		Remote:        Remote{Allow: slices.Clone(RemoteCommands)},
		Journal:       Journal{Retention: 90 * 24 * time.Hour},
		Summary:       Summary{At: "00:05"},
	}
}

// DefaultDetect returns the default detection settings.
func DefaultDetect() Detect {
	return settings.Default()
}

// DefaultLink returns the default link settings for a host port.
func DefaultLink(hostPort string) Link {
	return Link{Type: TypeSerial, Mode: ModeTap, HostPort: hostPort, Backend: "gobug", Baud: 9600, DataBits: 8, Parity: "none", StopBits: 1}
}

// DefaultDevice returns a device of the given role with the defaults of
// its role's default protocol filled in.
func DefaultDevice(name, role, hostPort string) Device {
	d := Device{Name: name, Role: role, Link: DefaultLink(hostPort)}
	switch role {
	case RolePrinter:
		d.Protocol, d.ReceiptProfile, d.CodePage, d.SlipProfile = "escpos", "generic", "cp437", "none"
	case RoleTerminal:
		d.Protocol, d.Framing, d.Charset, d.SlipProfile = "zvt", "auto", "auto", "de-en"
	}
	d.Currency = DefaultCurrency(d.Protocol)
	return d
}
