//go:build !unix

package buffer

import "errors"

// freeBytes is not implemented here: the guard lets every write try.
func freeBytes(string) (int64, error) {
	return 0, errors.New("buffer: free space unknown on this system")
}
