package configs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
)

// NotifyTypes are the channel types notify[].type may name (package
// agent/notify registers one per type).
var NotifyTypes = []string{"wecom", "dingtalk", "feishu", "telegram", "ntfy", "email", "webhook"}

// Severities are the alert severities, lowest first.
var Severities = []string{"info", "warning", "critical"}

// Notify is one notification channel: where alerts go to people.
// Secrets (robot URLs hold their key) come from files or the environment,
// never from the config itself: see URLOf and SecretOf.
type Notify struct {
	// Name identifies the channel (letters, digits, '_' and '-'): logs,
	// its delivery queue, and its environment variables
	// TILLWATCH_NOTIFY_<NAME>_URL and _SECRET.
	Name string `yaml:"name"`
	// Type is one of NotifyTypes.
	Type string `yaml:"type"`
	// URL is an address that holds no secret (an ntfy topic, a webhook,
	// a self-hosted Telegram Bot API).
	URL string `yaml:"url"`
	// URLFile holds the address when it is a secret (WeCom, DingTalk and
	// Feishu robots: their URL carries the key).
	URLFile string `yaml:"url_file"`
	// SecretFile holds the signing secret (DingTalk 加签, Feishu), the
	// Telegram bot token, the SMTP password or a Bearer token (ntfy,
	// webhook).
	SecretFile string `yaml:"secret_file"`
	// ChatID is the Telegram chat.
	ChatID string `yaml:"chat_id"`
	// SMTP is host:port of the mail server (STARTTLS required).
	SMTP string `yaml:"smtp"`
	// Username logs in to the mail server.
	Username string `yaml:"username"`
	// From and To address the mail.
	From string   `yaml:"from"`
	To   []string `yaml:"to"`
	// Locale is the channel's language (default the lane's locale).
	Locale string `yaml:"locale"`
	// MinSeverity drops alerts below it: info, warning or critical.
	MinSeverity string `yaml:"min_severity"`
	// Kinds and Lanes keep only these alert kinds and lanes ("lane" or
	// "site/lane", for watch); empty keeps all.
	Kinds []string `yaml:"kinds"`
	Lanes []string `yaml:"lanes"`
	// NoResolved leaves out resolved messages (printer back, link up).
	NoResolved bool `yaml:"no_resolved"`
	// QuietHours "22:00-07:00" (lane time): alerts that are not critical
	// wait until it ends; critical ones always go through.
	QuietHours string `yaml:"quiet_hours"`
	// EscalateAfter re-sends a warning that can be resolved (a printer
	// fault, a device offline) and still is not after this long as a
	// critical alert: on EscalateTo, or on this channel (through its
	// quiet hours, as every critical alert). Zero: never.
	EscalateAfter time.Duration `yaml:"escalate_after"`
	// EscalateTo names the channel escalations go to (e.g. the manager's
	// phone); default this channel.
	EscalateTo string `yaml:"escalate_to"`
}

var quietRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$`)

// envName is the environment variable prefix of a channel.
func (n *Notify) envName(what string) string {
	return "TILLWATCH_NOTIFY_" + strings.ToUpper(strings.ReplaceAll(n.Name, "-", "_")) + "_" + what
}

// URLOf returns the channel's address: URL, the first line of URLFile, or
// TILLWATCH_NOTIFY_<NAME>_URL from getenv.
func (n *Notify) URLOf(getenv func(string) string) (string, error) {
	if n.URL != "" {
		return n.URL, nil
	}
	return secretOf(n.URLFile, "notify "+n.Name+": url_file", n.envName("URL"), getenv)
}

// SecretOf returns the channel's secret: the first line of SecretFile, or
// TILLWATCH_NOTIFY_<NAME>_SECRET from getenv; "" when neither is set.
func (n *Notify) SecretOf(getenv func(string) string) (string, error) {
	return secretOf(n.SecretFile, "notify "+n.Name+": secret_file", n.envName("SECRET"), getenv)
}

func secretOf(file, what, env string, getenv func(string) string) (string, error) {
	v := getenv(env)
	switch {
	case file != "" && v != "":
		return "", errors.New("configs: both " + what + " and " + env + " are set; use one")
	case file == "":
		return v, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("configs: %s: %w", what, err)
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return string(bytes.TrimSpace(line)), nil
}

// validateNotify checks the notify list.
func (d *decoder) validateNotify(ns []Notify, dir string) {
	seen := map[string]bool{}
	for i := range ns {
		n := &ns[i]
		p := fmt.Sprintf("notify[%d].", i)
		if d.required(p+"name", n.Name, "a name for the channel, e.g. store-wecom") {
			if !topicName.MatchString(n.Name) {
				d.fail(p+"name", "%q: letters, digits, '_' and '-' only", n.Name)
			}
			if seen[n.Name] {
				d.fail(p+"name", "%q: two channels have this name", n.Name)
			}
			seen[n.Name] = true
		}
		if d.required(p+"type", n.Type, strings.Join(NotifyTypes, ", ")) {
			d.enum(p+"type", n.Type, NotifyTypes)
		}
		d.existing(p+"url_file", &n.URLFile, dir)
		d.existing(p+"secret_file", &n.SecretFile, dir)
		if n.URL != "" && n.URLFile != "" {
			d.fail(p+"url", "set url or url_file, not both")
		}
		if n.URL != "" && (n.Type == "wecom" || n.Type == "dingtalk" || n.Type == "feishu") {
			d.fail(p+"url", "a %s robot's address holds its key: put it in url_file (or %s), not in the config", n.Type, n.envName("URL"))
		}
		if n.Locale != "" {
			d.enum(p+"locale", n.Locale, Locales)
		}
		if n.MinSeverity != "" {
			d.enum(p+"min_severity", n.MinSeverity, Severities)
		}
		if n.QuietHours != "" && !quietRE.MatchString(n.QuietHours) {
			d.fail(p+"quiet_hours", "%q: want HH:MM-HH:MM, e.g. 22:00-07:00", n.QuietHours)
		}
		if n.EscalateAfter != 0 && n.EscalateAfter < time.Minute {
			d.fail(p+"escalate_after", "%s: want at least 1m (or leave it out: no escalation)", n.EscalateAfter)
		}
		if n.EscalateTo != "" {
			switch {
			case n.EscalateAfter == 0:
				d.fail(p+"escalate_to", "needs escalate_after (how long a warning may stay unresolved)")
			case n.EscalateTo == n.Name:
				d.fail(p+"escalate_to", "%q is this channel: leave escalate_to out to escalate here", n.EscalateTo)
			case !slices.ContainsFunc(ns, func(o Notify) bool { return o.Name == n.EscalateTo }):
				d.fail(p+"escalate_to", "%q: no channel of that name in notify", n.EscalateTo)
			}
		}
		switch n.Type {
		case "telegram":
			d.required(p+"chat_id", n.ChatID, "the chat to post in, e.g. -1001234567890")
		case "email":
			d.required(p+"smtp", n.SMTP, "the mail server's host:port, e.g. smtp.example.com:587")
			d.required(p+"from", n.From, "the sender address")
			if len(n.To) == 0 {
				d.fail(p+"to", "is required: at least one recipient")
			}
		}
	}
}
