package doctor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/agent/uplink"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/internal/sysinfo"
)

// checkBroker dials the broker, then speaks MQTT to it with the lane's TLS
// settings and credentials (a separate client id, so a running agent is not
// kicked off).
func checkBroker(ctx context.Context, cfg *configs.Config) Result {
	r := Result{Name: "broker " + cfg.MQTT.Broker}
	u, err := url.Parse(cfg.MQTT.Broker)
	if err != nil || u.Host == "" {
		r.Status, r.Detail = Fail, fmt.Sprintf("bad broker URL %q", cfg.MQTT.Broker)
		return r
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		r.Status, r.Detail, r.Hint = Fail, "unreachable: "+err.Error(), "check the network, firewall and broker address; alerts wait in the outbox meanwhile"
		return r
	}
	_ = conn.Close()
	tc, err := uplink.TLSConfig(cfg.MQTT)
	if err != nil {
		r.Status, r.Detail = Fail, err.Error()
		return r
	}
	pw, err := cfg.MQTT.Password(os.Getenv)
	if err != nil {
		r.Status, r.Detail = Fail, err.Error()
		return r
	}
	opts := mqtt.NewClientOptions().AddBroker(cfg.MQTT.Broker).
		SetClientID(fmt.Sprintf("tillwatch-doctor-%s-%s-%d", cfg.Site, cfg.Lane, os.Getpid())).
		SetUsername(cfg.MQTT.Username).SetPassword(pw).SetTLSConfig(tc).
		SetConnectTimeout(5 * time.Second).SetAutoReconnect(false).SetCleanSession(true)
	c := mqtt.NewClient(opts)
	tok := c.Connect()
	if !tok.WaitTimeout(8 * time.Second) {
		r.Status, r.Detail, r.Hint = Fail, "TCP connects but MQTT does not answer", "is this an MQTT port? TLS on a plain port (or the reverse) looks like this"
		return r
	}
	if err := tok.Error(); err != nil {
		r.Status, r.Detail = Fail, "MQTT connect: "+err.Error()
		switch {
		case strings.Contains(err.Error(), "certificate"), strings.Contains(err.Error(), "tls"):
			r.Hint = "TLS: check mqtt.tls.ca_file / server_name against the broker's certificate"
		case strings.Contains(strings.ToLower(err.Error()), "not authorized"), strings.Contains(err.Error(), "bad user name or password"):
			r.Hint = "credentials: check mqtt.username and mqtt.password_file / " + configs.PasswordEnv
		}
		return r
	}
	c.Disconnect(250)
	r.Detail = "MQTT connect ok"
	if tc != nil {
		r.Detail += " over TLS"
	}
	return r
}

// Disk space thresholds for the data directory.
const (
	diskWarn = 200 << 20
	diskFail = 20 << 20
)

func checkDisk(dir string) Result {
	r := Result{Name: "disk " + dir}
	free, err := sysinfo.FreeBytes(dir)
	if err != nil {
		r.Status, r.Detail = Warn, err.Error()
		return r
	}
	r.Detail = fmt.Sprintf("%d MiB free", free>>20)
	switch {
	case free < diskFail:
		r.Status, r.Hint = Fail, "the journal and outbox need room: free space or move data_dir"
	case free < diskWarn:
		r.Status, r.Hint = Warn, "little room left for the journal; the outbox sheds info alerts first when the disk fills"
	}
	return r
}

func checkClock(ctx context.Context) Result {
	r := Result{Name: "clock"}
	c, err := sysinfo.ClockSynced(ctx)
	switch {
	case errors.Is(err, sysinfo.ErrUnknown):
		r.Status, r.Detail = Warn, "cannot tell on this platform"
	case err != nil:
		r.Status, r.Detail = Warn, err.Error()
	case c.Synced:
		r.Detail = "synchronised (" + c.How + ")"
	default:
		r.Status, r.Detail = Warn, "NOT synchronised ("+c.How+")"
		r.Hint = "alert times and the matching of printer and terminal events rely on it: enable NTP (timedatectl set-ntp true)"
	}
	return r
}

// checkJournal opens the database read-write only when no agent holds it.
func checkJournal(dir string, now time.Time) Result {
	r := Result{Name: "journal " + dir}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		r.Status, r.Detail = Warn, "no journal yet (the agent creates it at first start)"
		return r
	}
	db, err := buffer.Open(dir, buffer.DefaultOptions(), nil)
	if errors.Is(err, buffer.ErrLocked) {
		r.Detail = "in use by a running agent"
		return r
	}
	if err != nil {
		r.Status, r.Detail = Fail, err.Error()
		return r
	}
	defer db.Close()
	pending, err := db.Queue("outbox").Len()
	if err != nil {
		r.Status, r.Detail = Fail, err.Error()
		return r
	}
	last, err := journal.New(db).Last()
	switch {
	case errors.Is(err, journal.ErrNotFound):
		r.Detail = "empty"
	case err != nil:
		r.Status, r.Detail = Fail, err.Error()
		return r
	default:
		r.Detail = fmt.Sprintf("last event %s ago", now.Sub(last).Round(time.Second))
	}
	r.Detail += fmt.Sprintf(", %d alerts waiting in the outbox", pending)
	return r
}
