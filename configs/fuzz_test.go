package configs

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary YAML to Parse: it must never panic, must return
// either a config or an error, and every error must carry a position.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/bad/*.yaml")
	seeds = append(seeds, "example.yaml", "testdata/good.yaml")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if (cfg == nil) == (err == nil) {
			t.Fatalf("Parse returned config %v and error %v", cfg != nil, err)
		}
		if err == nil {
			if len(cfg.Devices) == 0 || cfg.Site == "" || cfg.MQTT.ClientID == "" {
				t.Fatalf("valid config without required fields: %+v", cfg)
			}
			return
		}
		errs := Errors(err)
		if len(errs) == 0 {
			t.Fatalf("error is not a *configs.Error: %v", err)
		}
		for _, e := range errs {
			if e.File != "fuzz.yaml" || e.Line <= 0 {
				t.Fatalf("error without position: %q", e)
			}
		}
	})
}
