package configs

import "testing"

// TestLaneCurrency: a printer without a currency takes its lane's
// terminal's (a Transbank lane: CLP); one that names its own keeps it;
// Config.Currency is the terminal's.
func TestLaneCurrency(t *testing.T) {
	const head = "site: s1\nlane: l1\ndata_dir: /d\nmqtt:\n  broker: tcp://h:1883\ndevices:\n"
	const printer = "  - name: printer\n    role: printer\n    link:\n      host_port: /dev/ttyS0\n"
	const tbk = "  - name: terminal\n    role: terminal\n    protocol: transbank\n    link:\n      host_port: /dev/ttyS1\n"
	for _, c := range []struct {
		name, yaml        string
		printer, terminal string
		lane              string
	}{
		{"transbank lane", head + printer + tbk, "CLP", "CLP", "CLP"},
		{"printer names its own", head + printer + "    currency: CNY\n" + tbk, "CNY", "CLP", "CLP"},
		{"zvt lane", head + printer + "  - name: terminal\n    role: terminal\n    currency: KWD\n    link:\n      host_port: /dev/ttyS1\n", "KWD", "KWD", "KWD"},
		{"printer only", head + printer, "EUR", "", "EUR"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Parse("lane.yaml", []byte(c.yaml))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, d := range cfg.Devices {
				got[d.Role] = d.Currency
			}
			if got[RolePrinter] != c.printer || got[RoleTerminal] != c.terminal || cfg.Currency() != c.lane {
				t.Errorf("printer %q, terminal %q, lane %q; want %q, %q, %q", got[RolePrinter], got[RoleTerminal], cfg.Currency(), c.printer, c.terminal, c.lane)
			}
		})
	}
}
