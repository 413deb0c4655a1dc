package main

import (
	"strings"
	"testing"
)

func TestDecodeTerminals(t *testing.T) {
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr []string
	}{
		{"transbank sale and void", []string{"decode", "transbank", "testdata/transbank-sale-void.bin"}, 0,
			[]string{`"type":"sale","result":"approved"`, `"amount":9000`, `"receipt_no":"142"`, `"type":"void"`, `"original_receipt":"142"`, `"card":"************6590"`},
			[]string{"transbank: 3 frames, 2 events, 1 intermediate"}},
		{"template mispos", []string{"decode", "template", "-t", "mispos", "--json", "testdata/mispos-session.bin"}, 0,
			[]string{`"amount":12850`, `"result_code":51`, `"card":"622848******1234"`},
			[]string{"template mispos: 4 frames, 2 events"}},
		{"template linelog from a file path", []string{"decode", "template", "-t", "../../drivers/template/templates/linelog.yaml", "../../drivers/template/testdata/linelog/input"}, 0,
			[]string{`settlement {`, `"total":142750`}, []string{"template linelog: 9 frames, 8 events, 1 unmatched"}},
		{"template needs -t", []string{"decode", "template", "x.bin"}, 2, nil, []string{"--template"}},
		{"a bad template names file, line and field", []string{"decode", "template", "-t", "../../configs/testdata/templates/broken.yaml", "-"}, 2,
			nil, []string{"broken.yaml:6: records[0].match: the card group"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
		})
	}
}
