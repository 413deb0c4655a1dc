//go:build !linux

package agent

import "errors"

const clockSource = "unknown"

// clockSynced is not implemented outside Linux.
func clockSynced() (bool, error) {
	return false, errors.New("agent: clock synchronisation unknown on this system")
}
