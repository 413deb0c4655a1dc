//go:build unix

package doctor

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// portGroup names the group that owns a device file.
func portGroup(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", fmt.Errorf("doctor: no owner for %s", path)
	}
	g, err := user.LookupGroupId(strconv.FormatUint(uint64(st.Gid), 10))
	if err != nil {
		return "", err
	}
	return g.Name, nil
}
