package configs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
)

// PasswordEnv is the environment variable that may hold the MQTT password
// instead of mqtt.password_file.
const PasswordEnv = "TILLWATCH_MQTT_PASSWORD"

// Password returns the MQTT password: the first line of PasswordFile, or
// the value getenv returns for PasswordEnv (pass os.Getenv), or "" when
// neither is set. Setting both is an error, so a stale variable never
// silently overrides the file.
func (m *MQTT) Password(getenv func(string) string) (string, error) {
	env := getenv(PasswordEnv)
	switch {
	case m.PasswordFile != "" && env != "":
		return "", errors.New("configs: both mqtt.password_file and " + PasswordEnv + " are set; use one")
	case m.PasswordFile == "":
		return env, nil
	}
	b, err := os.ReadFile(m.PasswordFile)
	if err != nil {
		return "", fmt.Errorf("configs: mqtt.password_file: %w", err)
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return string(bytes.TrimRight(line, "\r")), nil
}
