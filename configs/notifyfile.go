package configs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"gopkg.in/yaml.v3"
)

// NotifyFile is a file with only a notify: list (and optionally the
// locale and time_zone of its texts), for `tillwatch watch --notify`: a
// central desk's channels.
type NotifyFile struct {
	Locale   string   `yaml:"locale"`
	TimeZone string   `yaml:"time_zone"`
	Notify   []Notify `yaml:"notify"`
}

// LoadNotify reads and validates a NotifyFile, with errors as Load gives
// them (file, line, field).
func LoadNotify(path string) (*NotifyFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("configs: %w", err)
	}
	dir, _ := filepath.Abs(filepath.Dir(path))
	d := newDecoder(path)
	nf := &NotifyFile{}
	var doc yaml.Node
	switch err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(path, data, err)
	default:
		root := &doc
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		d.value("", root, reflect.ValueOf(nf).Elem())
	}
	if len(nf.Notify) == 0 {
		d.fail("notify", "is required: at least one channel")
	}
	if nf.Locale != "" {
		d.enum("locale", nf.Locale, Locales)
	}
	if nf.TimeZone != "" {
		if _, err := time.LoadLocation(nf.TimeZone); err != nil {
			d.fail("time_zone", "%q: not an IANA time zone such as Asia/Shanghai (%v)", nf.TimeZone, err)
		}
	}
	d.validateNotify(nf.Notify, dir)
	if err := joinErrors(d.errs); err != nil {
		return nil, err
	}
	return nf, nil
}
