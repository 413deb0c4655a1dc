package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
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
			[]string{"payment sale: approved, CLP 9000, card ************6590 VI, receipt 142", "payment void: approved, CLP 9000", "original receipt 142"},
			[]string{"transbank: 3 frame(s), 2 payment(s), 0 settlement(s); 1 intermediate status"}},
		{"transbank --json", []string{"decode", "transbank", "--json", "testdata/transbank-sale-void.bin"}, 0,
			[]string{`"type":"sale","result":"approved"`, `"amount":9000`, `"receipt_no":"142"`, `"type":"void"`, `"original_receipt":"142"`, `"card":"************6590"`},
			[]string{"transbank: 3 frame(s)"}},
		{"template mispos", []string{"decode", "template", "-t", "mispos", "--json", "../../drivers/template/testdata/mispos/input"}, 0,
			[]string{`"amount":12850`, `"result_code":51`, `"card":"622848******1234"`},
			[]string{"template mispos: 4 frame(s), 2 payment(s)"}},
		{"template result codes are decimal", []string{"decode", "template", "-t", "mispos", "../../drivers/template/testdata/mispos/input"}, 0,
			[]string{"declined, CNY 0.00 of CNY 35.00 requested (result 51)"}, nil},
		{"template linelog from a file path", []string{"decode", "template", "-t", "../../drivers/template/templates/linelog.yaml", "../../drivers/template/testdata/linelog/input"}, 0,
			[]string{"settlement: 2 transaction(s), CNY 1427.50"}, []string{"template linelog: 9 frame(s), 7 payment(s), 1 settlement(s); 1 unmatched"}},
		{"template needs -t", []string{"decode", "template", "x.bin"}, 2, nil, []string{"--template"}},
		{"a bad template names file, line and field", []string{"decode", "template", "-t", "../../configs/testdata/templates/broken.yaml", "-"}, 2,
			nil, []string{"broken.yaml:6: records[0].match: the card group"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, cliCase{args: tt.args, code: tt.code, stdout: tt.stdout, stderr: tt.stderr}.check)
	}
}

// TestDecodeTransbankGolden runs `decode transbank` (text and --json) over
// the repo's Transbank samples: the sale and void conversation, and every
// terminal frame of drivers/transbank/testdata/vectors.jsonl (the SDK's
// and the docs' messages) for each model, and compares stdout and the
// summary line with testdata/decode/transbank/NAME.{txt,json}. -update
// rewrites them.
func TestDecodeTransbankGolden(t *testing.T) {
	decodeGolden(t, "transbank/sale-void", "transbank: 3 frame(s)", "decode", "transbank", "testdata/transbank-sale-void.bin")
	for _, model := range []string{"integrado", "autoservicio"} {
		f := transbankVectors(t, model)
		decodeGolden(t, "transbank/vectors-"+model, "transbank: ", "decode", "transbank", "--model", model, f)
	}
}

// transbankVectors writes the frames the terminal sent (POS->ECR) of the
// vectors of one model, in file order, to a file and returns its path.
func transbankVectors(t *testing.T, model string) string {
	t.Helper()
	f, err := os.Open("../../drivers/transbank/testdata/vectors.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stream []byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v struct {
			Model    string `json:"model"`
			Dir      string `json:"direction"`
			FrameHex string `json:"frame_hex"`
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		if v.Model != model || v.Dir != "POS->ECR" {
			continue
		}
		b, err := hex.DecodeString(v.FrameHex)
		if err != nil {
			t.Fatal(err)
		}
		stream = append(stream, b...)
	}
	if err := sc.Err(); err != nil || len(stream) == 0 {
		t.Fatalf("no %s frames: %v", model, err)
	}
	path := filepath.Join(t.TempDir(), model+".bin")
	if err := os.WriteFile(path, stream, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDecodeTemplateGolden runs `decode template` (text and --json) over
// each shipped template's sample (drivers/template/testdata/NAME/input)
// and compares stdout and the summary line with
// testdata/decode/template/NAME.{txt,json}. -update rewrites them.
func TestDecodeTemplateGolden(t *testing.T) {
	inputs, err := filepath.Glob("../../drivers/template/testdata/*/input")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no template samples: %v", err)
	}
	for _, in := range inputs {
		name := filepath.Base(filepath.Dir(in))
		decodeGolden(t, filepath.Join("template", name), "template "+name+": ", "decode", "template", "-t", name, in)
	}
}
