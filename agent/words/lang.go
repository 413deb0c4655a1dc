package words

import (
	"fmt"
	"os"
	"strings"
)

// Lang is a language words can speak.
type Lang string

// Languages.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
	DE Lang = "de"
)

// Langs lists the languages, in the order configs show them.
var Langs = []Lang{ZH, EN, DE}

// Parse reads a language tag: "zh-CN", "zh", "zh_CN.UTF-8", "en",
// "en-US", "de", "de_DE" (case-insensitive, by its first subtag).
func Parse(tag string) (Lang, error) {
	t := strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(t, "-_."); i >= 0 {
		t = t[:i]
	}
	switch t {
	case "zh":
		return ZH, nil
	case "en":
		return EN, nil
	case "de":
		return DE, nil
	}
	return "", fmt.Errorf("words: unknown language %q (want zh-CN, en or de)", tag)
}

// System returns the language of the environment (LC_ALL, LC_MESSAGES,
// LANG), English when it names none of Langs.
func System() Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			if l, err := Parse(v); err == nil {
				return l
			}
			return EN
		}
	}
	return EN
}

// OrDefault returns l, or English when l is empty or unknown.
func (l Lang) OrDefault() Lang {
	switch l {
	case ZH, EN, DE:
		return l
	}
	return EN
}

// Of is the language a config's locale names, the system's when it is
// empty (configs validate it; an unknown tag is English).
func Of(locale string) Lang {
	if locale == "" {
		return System()
	}
	l, err := Parse(locale)
	if err != nil {
		return EN
	}
	return l
}
