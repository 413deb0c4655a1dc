//go:build !unix

package doctor

import "errors"

func portGroup(string) (string, error) {
	return "", errors.New("doctor: no port groups on this platform")
}
