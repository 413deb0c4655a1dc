package importrules

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// module is this module's path.
const module = "github.com/tillwatch/tillwatch"

// Third-party storage and MQTT libraries.
var (
	badger = "github.com/dgraph-io/badger/"
	paho   = "github.com/eclipse/paho.mqtt.golang"
	mochi  = "github.com/mochi-mqtt/"
)

// pkg is what go list says about one package.
type pkg struct {
	ImportPath string
	Standard   bool
	Imports    []string
	Deps       []string
	Module     *struct{ Path string }
}

// rule is one constraint on the packages whose path matches applies.
type rule struct {
	name    string
	applies func(path string) bool
	// forbidden is checked on every transitive dependency; direct on the
	// package's own imports.
	forbidden func(dep string) bool
	direct    func(imp string, std bool) bool // nil: no rule on direct imports
}

// under reports whether path is dir or below it (module-relative).
func under(path, dir string) bool {
	p := module + "/" + dir
	return path == p || strings.HasPrefix(path, p+"/")
}

func isAny(dep string, prefixes ...string) bool {
	for _, p := range prefixes {
		if dep == strings.TrimSuffix(p, "/") || strings.HasPrefix(dep, p) {
			return true
		}
	}
	return false
}

var thirdParty = []string{badger, paho, mochi}

var rules = []rule{
	{
		name:    "drivers import no buffer, configs, capture or agent, no Badger or MQTT",
		applies: func(p string) bool { return under(p, "drivers") },
		forbidden: func(d string) bool {
			return under(d, "buffer") || under(d, "configs") || under(d, "capture") || under(d, "agent") || isAny(d, thirdParty...)
		},
	},
	{
		name:    "detect imports only the standard library and drivers",
		applies: func(p string) bool { return p == module+"/agent/detect" },
		forbidden: func(d string) bool {
			return under(d, "buffer") || under(d, "configs") || under(d, "capture") ||
				under(d, "agent") && d != module+"/agent/detect" || isAny(d, thirdParty...)
		},
		direct: func(imp string, std bool) bool { return std || under(imp, "drivers") },
	},
	{
		name:    "capture imports no configs, buffer or agent, no Badger or MQTT",
		applies: func(p string) bool { return under(p, "capture") },
		forbidden: func(d string) bool {
			return under(d, "configs") || under(d, "buffer") || under(d, "agent") || isAny(d, thirdParty...)
		},
	},
	{
		name:    "buffer imports nothing else of this module",
		applies: func(p string) bool { return under(p, "buffer") },
		forbidden: func(d string) bool {
			return strings.HasPrefix(d, module+"/") && !under(d, "buffer")
		},
	},
	{
		name:    "configs imports no agent, buffer or capture, no Badger or MQTT",
		applies: func(p string) bool { return under(p, "configs") },
		forbidden: func(d string) bool {
			return under(d, "agent") || under(d, "buffer") || under(d, "capture") || isAny(d, thirdParty...)
		},
	},
	{
		name:      "cmd imports no Badger, paho or mochi-mqtt directly",
		applies:   func(p string) bool { return under(p, "cmd") },
		forbidden: func(string) bool { return false },
		direct:    func(imp string, _ bool) bool { return !isAny(imp, thirdParty...) },
	},
}

// list runs go list -deps -json over the module's packages.
func list(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// TestImportRules checks every rule on every package of the module.
func TestImportRules(t *testing.T) {
	pkgs := list(t)
	checked := map[string]int{}
	for _, p := range pkgs {
		if p.Module == nil || p.Module.Path != module {
			continue
		}
		for _, r := range rules {
			if !r.applies(p.ImportPath) {
				continue
			}
			checked[r.name]++
			var bad []string
			for _, d := range p.Deps {
				if r.forbidden(d) {
					bad = append(bad, d+via(pkgs, p, d))
				}
			}
			if len(bad) > 0 {
				t.Errorf("%s: %s depends on %s", r.name, p.ImportPath, strings.Join(bad[:min(len(bad), 3)], ", "))
			}
			if r.direct == nil {
				continue
			}
			for _, imp := range p.Imports {
				if !r.direct(imp, pkgs[imp].Standard) {
					t.Errorf("%s: %s imports %s", r.name, p.ImportPath, imp)
				}
			}
		}
	}
	for _, r := range rules {
		if checked[r.name] == 0 {
			t.Errorf("rule %q matched no package: the tree moved, update the rule", r.name)
		}
	}
}

// via names the direct import of p through which it reaches dep.
func via(pkgs map[string]pkg, p pkg, dep string) string {
	if slices.Contains(p.Imports, dep) {
		return " (imported directly)"
	}
	for _, imp := range p.Imports {
		if slices.Contains(pkgs[imp].Deps, dep) {
			return " (through " + imp + ")"
		}
	}
	return ""
}

// TestRulesCatch: each rule flags the dependency it is about, so a rule
// cannot silently match nothing.
func TestRulesCatch(t *testing.T) {
	for _, c := range []struct {
		rule, pkg, dep string
		direct         bool
	}{
		{rules[0].name, module + "/drivers/zvt", module + "/buffer", false},
		{rules[0].name, module + "/drivers/link", paho, false},
		{rules[1].name, module + "/agent/detect", module + "/configs", false},
		{rules[1].name, module + "/agent/detect", "golang.org/x/text/encoding", true},
		{rules[2].name, module + "/capture", module + "/configs", false},
		{rules[3].name, module + "/buffer", module + "/drivers", false},
		{rules[4].name, module + "/configs", module + "/agent/detect", false},
		{rules[5].name, module + "/cmd/tillwatch", badger + "v4", true},
	} {
		var r *rule
		for i := range rules {
			if rules[i].name == c.rule {
				r = &rules[i]
			}
		}
		if !r.applies(c.pkg) {
			t.Errorf("%q does not apply to %s", c.rule, c.pkg)
			continue
		}
		caught := r.forbidden(c.dep)
		if c.direct {
			caught = !r.direct(c.dep, false)
		}
		if !caught {
			t.Errorf("%q lets %s depend on %s", c.rule, c.pkg, c.dep)
		}
	}
}
