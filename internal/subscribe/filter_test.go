package subscribe

import "testing"

func TestFilter(t *testing.T) {
	cases := []struct {
		name                string
		f                   Filter
		site, lane, kind    string
		match               bool
		alertTopic, stTopic string
	}{
		{"everything", Filter{}, "s1", "l1", "print_failed", true, "tillwatch/v1/+/+/alert/#", "tillwatch/v1/+/+/status"},
		{"one site", Filter{Sites: []string{"s1"}}, "s2", "l1", "print_failed", false, "tillwatch/v1/s1/+/alert/#", "tillwatch/v1/s1/+/status"},
		{"two lanes", Filter{Lanes: []string{"l1", "l2"}}, "s9", "l2", "x", true, "tillwatch/v1/+/+/alert/#", "tillwatch/v1/+/+/status"},
		{"one kind", Filter{Kinds: []string{"amount_mismatch"}}, "s1", "l1", "print_failed", false, "tillwatch/v1/+/+/alert/amount_mismatch", "tillwatch/v1/+/+/status"},
		{"status passes a kind filter", Filter{Kinds: []string{"amount_mismatch"}}, "s1", "l1", "", true, "tillwatch/v1/+/+/alert/amount_mismatch", "tillwatch/v1/+/+/status"},
		{"all three", Filter{Sites: []string{"s1"}, Lanes: []string{"l3"}, Kinds: []string{"a", "b"}}, "s1", "l3", "b", true, "tillwatch/v1/s1/l3/alert/#", "tillwatch/v1/s1/l3/status"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.f.Match(c.site, c.lane, c.kind); got != c.match {
				t.Errorf("Match(%s,%s,%s) = %v", c.site, c.lane, c.kind, got)
			}
			a, s := c.f.Topics(DefaultPrefix)
			if a != c.alertTopic || s != c.stTopic {
				t.Errorf("Topics = %s, %s", a, s)
			}
		})
	}
}

func TestDedupIsBounded(t *testing.T) {
	d := NewDedup(3)
	for _, id := range []string{"a", "b", "c"} {
		if !d.First(id) {
			t.Fatalf("%s not first", id)
		}
	}
	if d.First("a") || d.First("c") {
		t.Error("repeat passed")
	}
	d.First("d") // forgets a
	if len(d.seen) != 3 {
		t.Errorf("remembers %d ids, want 3", len(d.seen))
	}
	if !d.First("a") {
		t.Error("a should have been forgotten")
	}
	if d.First("d") {
		t.Error("d repeat passed")
	}
}
