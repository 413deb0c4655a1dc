package testutil

import (
	"os"
	"testing"
)

// AllowSkipEnv names the environment variable that lets a test whose
// program or permission is missing here skip instead of fail.
const AllowSkipEnv = "TILLWATCH_ALLOW_SKIP"

// Unavailable ends a test that cannot run on this machine (a program not
// installed, no permission to mount), saying why. It fails the test, so
// that CI, which installs everything, never passes a test it did not run;
// with TILLWATCH_ALLOW_SKIP=1 (a developer's machine) it skips it instead.
func Unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv(AllowSkipEnv) == "1" {
		t.Skip(why + " (skipped: " + AllowSkipEnv + "=1)")
		return // t.Skip does not return; a fake TB's may
	}
	t.Fatal(why + " (" + AllowSkipEnv + "=1 skips)")
}
