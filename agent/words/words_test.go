package words_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tillwatch/tillwatch/agent/detect"
	"github.com/tillwatch/tillwatch/agent/words"
	"github.com/tillwatch/tillwatch/internal/golden"
)

func readAlerts(t *testing.T) []detect.Alert {
	t.Helper()
	f, err := os.Open("testdata/alerts.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []detect.Alert
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var al detect.Alert
		if err := json.Unmarshal(sc.Bytes(), &al); err != nil {
			t.Fatal(err)
		}
		out = append(out, al)
	}
	return out
}

// TestSummariesGolden renders every kind, state and lowered severity the
// detector produced in testdata/scenarios (copied to testdata/alerts.jsonl)
// in each language, with times in Asia/Shanghai.
func TestSummariesGolden(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, al := range readAlerts(t) {
		al.Cashier = "Li Wei"
		fmt.Fprintf(&b, "== %s %s %s\n", al.Kind, al.State, al.Severity)
		for _, l := range words.Langs {
			fmt.Fprintf(&b, "%-5s %s | %s\n", l, words.Title(al.Kind, al.State, l), words.Summary(&al, l, loc))
		}
	}
	golden.CheckString(t, "testdata/summaries.golden", b.String())
}

// TestEveryKindEveryLanguage checks that no kind falls back to its raw
// identifier and that no template leaves a placeholder unfilled.
func TestEveryKindEveryLanguage(t *testing.T) {
	for _, al := range readAlerts(t) {
		for _, l := range words.Langs {
			title := words.Title(al.Kind, al.State, l)
			if strings.Contains(title, "_") {
				t.Errorf("%s %s: title %q is the raw kind", l, al.Kind, title)
			}
			s := words.Summary(&al, l, time.UTC)
			if strings.ContainsAny(s, "{}") || s == "" {
				t.Errorf("%s %s %s: summary %q", l, al.Kind, al.State, s)
			}
			if !strings.Contains(s, "UTC") {
				t.Errorf("%s %s %s: summary %q shows no zone", l, al.Kind, al.State, s)
			}
		}
	}
}

// TestResolvedSaysResolved: a resolved alert reads as resolved in every
// language, in its title and its summary.
func TestResolvedSaysResolved(t *testing.T) {
	marks := map[words.Lang]string{words.EN: "Resolved", words.ZH: "已解除", words.DE: "Behoben"}
	for _, al := range readAlerts(t) {
		if al.State != detect.Resolved {
			continue
		}
		for l, m := range marks {
			if s := words.Summary(&al, l, time.UTC); !strings.HasPrefix(s, m) {
				t.Errorf("%s %s: summary %q does not start with %q", l, al.Kind, s, m)
			}
			if s := words.Title(al.Kind, al.State, l); !strings.HasPrefix(s, m) {
				t.Errorf("%s %s: title %q does not start with %q", l, al.Kind, s, m)
			}
		}
	}
}

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		minor int64
		cur   string
		lang  words.Lang
		want  string
	}{
		{3550, "CNY", words.EN, "CNY 35.50"},
		{3550, "CNY", words.ZH, "¥35.50"},
		{-3550, "CNY", words.ZH, "-¥35.50"},
		{2040, "EUR", words.DE, "20,40 EUR"},
		{2040, "EUR", words.ZH, "EUR 20.40"},
		{1500, "CLP", words.DE, "1500 CLP"},
		{1500, "KWD", words.EN, "KWD 1.500"},
		{5, "", words.EN, "0.05"},
	} {
		if got := words.Money(c.minor, c.cur, c.lang); got != c.want {
			t.Errorf("Money(%d, %q, %s) = %q, want %q", c.minor, c.cur, c.lang, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]words.Lang{"zh-CN": words.ZH, "zh_CN.UTF-8": words.ZH, "EN-us": words.EN, "de_DE": words.DE, "de": words.DE} {
		if got, err := words.Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := words.Parse("fr"); err == nil {
		t.Error("Parse(fr) accepted")
	}
}
