package apiguard

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// TokenFile is the token's file name in the agent's data directory.
const TokenFile = "api-token"

// tokenBytes is the token's entropy (hex-encoded in the file).
const tokenBytes = 32

// LoadOrCreate returns the token in dir, creating it (mode 0600, synced)
// when there is none yet. A file others may read is tightened to 0600.
func LoadOrCreate(dir string) (string, error) {
	tok, err := Read(dir)
	if err == nil {
		return tok, tighten(filepath.Join(dir, TokenFile))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("apiguard: new token: %w", err)
	}
	tok = hex.EncodeToString(b)
	path := filepath.Join(dir, TokenFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process made it first
		return Read(dir)
	}
	if err != nil {
		return "", fmt.Errorf("apiguard: %w", err)
	}
	_, werr := f.WriteString(tok + "\n")
	if werr == nil {
		werr = f.Sync()
	}
	if err := errors.Join(werr, f.Close()); err != nil {
		_ = os.Remove(path) // a half-written token would lock the CLI out
		return "", fmt.Errorf("apiguard: write %s: %w", path, err)
	}
	return tok, nil
}

// Read returns the token in dir. A missing file is fs.ErrNotExist
// (wrapped).
func Read(dir string) (string, error) {
	path := filepath.Join(dir, TokenFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("apiguard: read the API token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < 2*tokenBytes {
		return "", fmt.Errorf("apiguard: %s: too short for a token (%d characters); delete it and restart the agent", path, len(tok))
	}
	return tok, nil
}

// tighten makes a token file others may read 0600 (a copied data
// directory, a hand-made file).
func tighten(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("apiguard: %w", err)
	}
	if fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("apiguard: %s is readable by others and cannot be made 0600: %w", path, err)
	}
	return nil
}
