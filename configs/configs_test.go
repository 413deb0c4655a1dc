package configs

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/internal/golden"
)

// TestBad loads every broken config in testdata/bad and compares the full
// error text with its .err golden file.
func TestBad(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad configs: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			cfg, err := Load(file)
			if err == nil {
				t.Fatalf("Load(%s) = %+v, want an error", file, cfg)
			}
			if cfg != nil {
				t.Errorf("Load returned a config with an error")
			}
			for _, e := range Errors(err) {
				if e.File != file || e.Line <= 0 {
					t.Errorf("error without file and line: %q", e)
				}
				if e.Field == "" && !strings.Contains(e.Msg, "YAML") && !strings.Contains(e.Msg, "document") {
					t.Errorf("error without field: %q", e)
				}
			}
			if len(Errors(err)) == 0 {
				t.Errorf("error is not a *configs.Error: %v", err)
			}
			golden.CheckString(t, strings.TrimSuffix(file, ".yaml")+".err", err.Error()+"\n")
		})
	}
}

func TestExample(t *testing.T) {
	cfg, err := Load("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Site != "store-042" || cfg.Lane != "lane-3" || cfg.MQTT.ClientID != "tillwatch-store-042-lane-3" {
		t.Errorf("identity: %q %q %q", cfg.Site, cfg.Lane, cfg.MQTT.ClientID)
	}
	if len(cfg.Devices) != 2 {
		t.Fatalf("devices: %d", len(cfg.Devices))
	}
	p, term := cfg.Devices[0], cfg.Devices[1]
	if p.Protocol != "escpos" || !p.ChineseDefault || p.Currency != "CNY" || p.Link.Mode != ModeTap || p.Link.DevicePort == "" || p.Link.Baud != 19200 {
		t.Errorf("printer: %+v", p)
	}
	if term.Protocol != "zvt" || term.Framing != "auto" || term.Link.Mode != ModeBridge || term.Link.StopBits != 2 {
		t.Errorf("terminal: %+v", term)
	}
	if cfg.Detect.MatchWindow != 120*time.Second || cfg.Detect.DuplicateWindow != 10*time.Minute {
		t.Errorf("detect: %+v", cfg.Detect)
	}
}

// TestDefaults checks that a minimal config gets every documented default.
func TestDefaults(t *testing.T) {
	cfg, err := Load("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs("testdata/data")
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	want := &Config{
		Site: "s1", Lane: "l1", DataDir: abs, LogLevel: "info",
		MQTT: MQTT{Broker: "tcp://127.0.0.1:1883", ClientID: "tillwatch-s1-l1", TopicPrefix: "tillwatch/v1", KeepAlive: 30 * time.Second, HealthInterval: def.MQTT.HealthInterval, Inflight: 16, BackoffMax: 30 * time.Second},
		Devices: []Device{
			DefaultDevice("printer", RolePrinter, "/dev/ttyUSB0"),
			DefaultDevice("terminal", RoleTerminal, "192.168.1.20:20007"),
		},
		Detect:        def.Detect,
		Outbox:        def.Outbox,
		HTTP:          HTTP{Address: DefaultHTTPAddress},
		HomeAssistant: def.HomeAssistant,
		Remote:        def.Remote,
		Journal:       def.Journal,
		Summary:       def.Summary,
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got  %+v\nwant %+v", cfg, want)
	}
}

// TestPositions checks line, column and field of single problems.
func TestPositions(t *testing.T) {
	const base = "site: s1\nlane: l1\ndata_dir: /d\nmqtt:\n  broker: tcp://h:1883\ndevices:\n  - name: p\n    role: printer\n    link:\n      host_port: /dev/ttyS0\n"
	tests := []struct {
		name, yaml, field string
		line, col         int
		msg               string
	}{
		{"value", strings.Replace(base, "role: printer", "role: scanner", 1), "devices[0].role", 8, 11, `"scanner" is not one of printer, terminal`},
		{"missing in item", strings.Replace(base, "      host_port: /dev/ttyS0\n", "      baud: 9600\n", 1), "devices[0].link.host_port", 10, 7, "required"},
		{"unknown key", base + "detect:\n  match_windw: 1m\n", "detect.match_windw", 12, 3, `did you mean "match_window"`},
		{"missing top", strings.Replace(base, "lane: l1\n", "", 1), "lane", 1, 1, "required"},
		{"alias", "x: &w 5m\n" + base, "x", 1, 1, "unknown field"},
		{"bad int", strings.Replace(base, "/dev/ttyS0\n", "/dev/ttyS0\n      data_bits: 7.5\n", 1), "devices[0].link.data_bits", 11, 18, `expected an integer, got "7.5"`},
		{"bool", strings.Replace(base, "role: printer", "role: printer\n    chinese_default: maybe", 1), "devices[0].chinese_default", 9, 22, "expected true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("lane.yaml", []byte(tt.yaml))
			errs := Errors(err)
			if len(errs) != 1 {
				t.Fatalf("want 1 error, got %v", err)
			}
			e := errs[0]
			if e.File != "lane.yaml" || e.Field != tt.field || e.Line != tt.line || e.Column != tt.col || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got %q (%+v), want %s at %d:%d containing %q", e, *e, tt.field, tt.line, tt.col, tt.msg)
			}
		})
	}
}

func TestAliasValue(t *testing.T) {
	y := "site: s1\nlane: l1\ndata_dir: /d\nmqtt: {broker: 'tcp://h:1'}\ndevices:\n  - {name: a, role: printer, link: &l {host_port: /dev/a, baud: 38400}}\n  - {name: b, role: terminal, link: {host_port: /dev/b, baud: 38400}}\ndetect:\n  match_window: &w 3m\n  receipt_wait: *w\n"
	cfg, err := Parse("a.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Detect.ReceiptWait != 3*time.Minute || cfg.Devices[0].Link.Baud != 38400 {
		t.Errorf("aliases not followed: %+v", cfg)
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{File: "f.yaml", Line: 3, Column: 5, Field: "mqtt.broker", Msg: "required"}, "f.yaml:3:5: mqtt.broker: required"},
		{Error{File: "f.yaml", Line: 3, Msg: "YAML syntax: bad"}, "f.yaml:3: YAML syntax: bad"},
		{Error{Field: "site", Msg: "required"}, "site: required"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	if Errors(nil) != nil || Errors(errors.New("x")) != nil {
		t.Error("Errors found *Error where there is none")
	}
}

func TestPassword(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(file, []byte("s3cret\r\nignored\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == PasswordEnv {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		file, env, want string
		err             bool
	}{
		{"", "", "", false},
		{"", "fromenv", "fromenv", false},
		{file, "", "s3cret", false},
		{file, "fromenv", "", true},
		{file + ".missing", "", "", true},
	}
	for _, tt := range tests {
		m := MQTT{PasswordFile: tt.file}
		got, err := m.Password(env(tt.env))
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("Password(file=%q env=%q) = %q, %v", tt.file, tt.env, got, err)
		}
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"broker", "client_id", "keepalive", "tls"}
	for word, want := range map[string]string{"brokr": "broker", "borker": "broker", "KeepAlive": "keepalive", "zzzzzz": "", "tsl": "tls"} {
		if got := suggest(word, keys); got != want {
			t.Errorf("suggest(%q) = %q, want %q", word, got, want)
		}
	}
}

func BenchmarkLoadExample(b *testing.B) {
	data, err := os.ReadFile("example.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Parse("example.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
