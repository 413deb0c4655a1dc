//go:build unix

package buffer

import "golang.org/x/sys/unix"

// freeBytes returns the bytes available to unprivileged writers on the
// file system holding dir.
func freeBytes(dir string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
