package agent_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/tillwatch/tillwatch/agent"
	"github.com/tillwatch/tillwatch/agent/journal"
	"github.com/tillwatch/tillwatch/agent/topic"
	"github.com/tillwatch/tillwatch/buffer"
	"github.com/tillwatch/tillwatch/configs"
	"github.com/tillwatch/tillwatch/demo"
	"github.com/tillwatch/tillwatch/drivers"
	"github.com/tillwatch/tillwatch/internal/lanetest"
	"github.com/tillwatch/tillwatch/internal/mqttbroker"
	"github.com/tillwatch/tillwatch/internal/mqtttest"
	"github.com/tillwatch/tillwatch/internal/testutil"
)

// remoteLane is a running agent on its own ptys and Badger.
type remoteLane struct {
	ag  *lanetest.Lane
	cfg *configs.Config
}

// startRemoteLane runs an agent named lane against broker with the remote
// section given, its journal filled first with a CNY 68.00 sale (card
// ending 4771) on 2026-11-22 local time.
func startRemoteLane(t *testing.T, broker, lane, user string, rc configs.Remote) *remoteLane {
	t.Helper()
	wires := lanetest.Wires(t)
	cfg := demo.Config(t.TempDir(), broker, wires)
	cfg.Lane, cfg.Capture, cfg.HTTP.Address = lane, "", ""
	cfg.MQTT.ClientID, cfg.MQTT.Username = "tillwatch-"+cfg.Site+"-"+lane, user
	cfg.Remote = rc
	db, err := buffer.Open(cfg.DataDir, buffer.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 14, 2, 11, 0, time.Local)
	_, err = journal.New(db).Append(
		&drivers.Payment{Head: drivers.Head{Time: at, Device: "terminal"}, Type: drivers.PaySale, Result: drivers.Approved,
			Amount: 6800, Currency: "CNY", Card: "6225880000004771", AuthCode: "611804", Trace: "000470", ReceiptNo: "0012"},
		&drivers.Payment{Head: drivers.Head{Time: at.Add(time.Hour), Device: "terminal"}, Type: drivers.PaySale, Result: drivers.Approved,
			Amount: 1200, Currency: "CNY", Card: "411111******1111", AuthCode: "222222"},
	)
	if err := errorsJoin(err, db.Close()); err != nil {
		t.Fatal(err)
	}
	ag := lanetest.Start(t, cfg, agent.Options{Log: lanetest.Quiet(), Version: "test"})
	l := &remoteLane{ag: ag, cfg: cfg}
	testutil.WaitFor(t, lane+" connected", 20*time.Second, func() bool { return ag.Snapshot().Uplink.Connected })
	return l
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// operator is a paho client that sends commands and collects replies.
type operator struct {
	c       paho.Client
	replies chan paho.Message
}

func newOperator(t *testing.T, broker, user string) *operator {
	t.Helper()
	o := &operator{replies: make(chan paho.Message, 64)}
	o.c = paho.NewClient(paho.NewClientOptions().AddBroker(broker).SetClientID("operator-" + user).
		SetUsername(user).SetAutoReconnect(false).SetConnectTimeout(5 * time.Second))
	if tok := o.c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("operator connect: %v", tok.Error())
	}
	t.Cleanup(func() { o.c.Disconnect(50) })
	for _, f := range []string{"tillwatch/v1/+/+/cmd/+/reply", "tillwatch/v1/+/+/ops/#"} {
		tok := o.c.Subscribe(f, 1, func(_ paho.Client, m paho.Message) { o.replies <- m })
		if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
			t.Fatalf("operator subscribe: %v", tok.Error())
		}
	}
	return o
}

// send publishes a command to lane.
func (o *operator) send(t *testing.T, lane *remoteLane, cmd, payload string) {
	t.Helper()
	tp := topic.New("", lane.cfg.Site, lane.cfg.Lane).Command(cmd)
	if tok := o.c.Publish(tp, 1, false, payload); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", tp, tok.Error())
	}
}

// reply waits for the reply with the given id (QoS 1 may repeat one).
func (o *operator) reply(t *testing.T, id string, within time.Duration) (topic string, r map[string]any, raw string) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case m := <-o.replies:
			if err := json.Unmarshal(m.Payload(), &r); err != nil {
				t.Fatalf("reply on %s not JSON: %s", m.Topic(), m.Payload())
			}
			if m.Retained() {
				t.Errorf("reply on %s retained", m.Topic())
			}
			if r["id"] == id {
				return m.Topic(), r, string(m.Payload())
			}
		case <-deadline:
			return "", nil, ""
		}
	}
}

// fullPAN finds a Luhn-checkable 13-19 digit run outside ids.
var fullPAN = regexp.MustCompile(`\b[0-9]{13,19}\b`)

// TestRemoteCommands: lane a (all commands), lane b (ping only) and lane c
// (remote off) on one embedded broker; a paho operator sends commands.
func TestRemoteCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	b, err := mqttbroker.Start("127.0.0.1:0", quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a := startRemoteLane(t, b.URL(), "lane-a", "", configs.Remote{Enabled: true, Allow: configs.RemoteCommands})
	pingOnly := startRemoteLane(t, b.URL(), "lane-b", "", configs.Remote{Enabled: true, Allow: []string{"ping"}})
	off := startRemoteLane(t, b.URL(), "lane-c", "", configs.Default().Remote)
	op := newOperator(t, b.URL(), "ops")
	remoteCases(t, op, a, pingOnly, off)
}

// remoteCases runs the command cases against lanes a (all allowed), b
// (ping only) and off (remote disabled).
func remoteCases(t *testing.T, op *operator, a, pingOnly, off *remoteLane) {
	const wait = 15 * time.Second
	la := topic.New("", a.cfg.Site, a.cfg.Lane)
	pa := la.Base()

	op.send(t, a, "ping", `{"id":"p1"}`)
	topic, r, _ := op.reply(t, "p1", wait)
	if topic != la.Reply("ping") || r["ok"] != true || r["result"].(map[string]any)["version"] != "test" {
		t.Fatalf("ping: %s %v", topic, r)
	}

	op.send(t, a, "ping", `{"id":"p2","reply_to":"`+pa+`/ops/p2"}`)
	if topic, r, _ := op.reply(t, "p2", wait); topic != pa+"/ops/p2" || r["ok"] != true {
		t.Errorf("ping reply_to: %s %v", topic, r)
	}

	op.send(t, a, "status", `{"id":"s1"}`)
	if _, r, _ := op.reply(t, "s1", wait); r == nil || r["ok"] != true || r["result"].(map[string]any)["lane"] != "lane-a" {
		t.Errorf("status: %v", r)
	} else if devs, _ := r["result"].(map[string]any)["devices"].([]any); len(devs) != 2 {
		t.Errorf("status devices: %v", r["result"])
	}

	op.send(t, a, "journal_search", `{"id":"j1","args":{"amount":"68.00","date":"2026-11-22","last4":"4771","limit":20}}`)
	_, r, raw := op.reply(t, "j1", wait)
	res, _ := r["result"].(map[string]any)
	if r == nil || r["ok"] != true || res["count"] != float64(1) {
		t.Fatalf("journal_search: %s", raw)
	}
	ev := res["entries"].([]any)[0].(map[string]any)["event"].(map[string]any)
	if ev["card"] != "622588******4771" || ev["auth_code"] != "611804" || ev["amount"] != float64(6800) {
		t.Errorf("journal_search entry: %v", ev)
	}
	if pan := fullPAN.FindString(raw); pan != "" {
		t.Errorf("journal_search reply carries %s: %s", pan, raw)
	}

	op.send(t, a, "journal_search", `{"id":"j2","args":{"date":"2026-11-22"}}`)
	if _, r, raw := op.reply(t, "j2", wait); r == nil || r["result"].(map[string]any)["count"] != float64(2) {
		t.Errorf("journal_search by date: %s", raw)
	}

	for _, tc := range []struct {
		lane                      *remoteLane
		cmd, payload, id, wantErr string
	}{
		{pingOnly, "status", `{"id":"n1"}`, "n1", "not allowed"},
		{pingOnly, "journal_search", `{"id":"n2","args":{"last4":"4771"}}`, "n2", "not allowed"},
		{a, "reboot", `{"id":"u1"}`, "u1", "unknown command"},
		{a, "ping", `{"id":"m1","args":`, "m1", "malformed request"},
		{a, "journal_search", `{"id":"m2","args":{"amount":"lots"}}`, "m2", "not an amount"},
	} {
		op.send(t, tc.lane, tc.cmd, tc.payload)
		_, r, raw := op.reply(t, tc.id, wait)
		if r == nil || r["ok"] != false || !strings.Contains(fmt.Sprint(r["error"]), tc.wantErr) {
			t.Errorf("%s %s: reply %q, want error %q", tc.cmd, tc.payload, raw, tc.wantErr)
		}
	}

	// Disabled: the positive control (lane b answers the same ping at
	// once), then nothing from the lane with remote off within a bounded
	// wait.
	op.send(t, pingOnly, "ping", `{"id":"d0"}`)
	if _, r, _ := op.reply(t, "d0", wait); r == nil {
		t.Fatal("positive control: no ping reply from an enabled lane")
	}
	op.send(t, off, "ping", `{"id":"d1"}`)
	if topic, r, _ := op.reply(t, "d1", 3*time.Second); r != nil {
		t.Errorf("lane with remote off answered on %s: %v", topic, r)
	}
}

// TestRemoteCommandsMosquittoACL: the same cases against mosquitto with
// the ACL of docs/remote.md (testdata/remote.acl): each lane's user may
// only publish under its own prefix and read its own cmd/+; the operator
// may publish commands and read replies.
func TestRemoteCommandsMosquittoACL(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	// mosquitto run as root reads the ACL as its own user: a copy it can reach.
	acl := mqtttest.ReadableCopy(t, filepath.Join("testdata", "remote.acl"))
	m := mqtttest.StartMosquittoConf(t, "acl_file "+acl+"\n")
	a := startRemoteLane(t, m.URL(), "lane-a", "lane-a", configs.Remote{Enabled: true, Allow: configs.RemoteCommands})
	pingOnly := startRemoteLane(t, m.URL(), "lane-b", "lane-b", configs.Remote{Enabled: true, Allow: []string{"ping"}})
	off := startRemoteLane(t, m.URL(), "lane-c", "lane-c", configs.Default().Remote)
	op := newOperator(t, m.URL(), "ops")
	remoteCases(t, op, a, pingOnly, off)

	// The ACL holds: a lane's user cannot command another lane.
	intruder := paho.NewClient(paho.NewClientOptions().AddBroker(m.URL()).SetClientID("intruder").
		SetUsername("lane-b").SetAutoReconnect(false).SetConnectTimeout(5 * time.Second))
	if tok := intruder.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("intruder connect: %v", tok.Error())
	}
	defer intruder.Disconnect(50)
	if tok := intruder.Publish(topic.New("", a.cfg.Site, a.cfg.Lane).Command("ping"), 1, false, `{"id":"x1"}`); !tok.WaitTimeout(10 * time.Second) {
		t.Fatal("intruder publish not acked")
	}
	if _, r, _ := op.reply(t, "x1", 3*time.Second); r != nil {
		t.Errorf("lane-b's user commanded lane-a: %v", r)
	}
}
