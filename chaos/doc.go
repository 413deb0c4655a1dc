// Package chaos holds tillwatch's store-and-forward chaos tests (tests
// only): the agent killed with SIGKILL at random moments of a busy shift
// while the broker goes up and down, a broker down for a whole shift, and
// a full disk. Each test is bounded in time (the whole suite runs in
// about three minutes) and checks the promise of ARCHITECTURE.md: every
// alert the agent detected reaches the subscriber at least once, and a
// duplicate always carries the same id.
//
// The agent runs as a child process: the test binary re-executes itself
// with TILLWATCH_CHAOS_CHILD naming a JSON config, so kill -9 hits a real
// process with a real Badger directory and real ptys (package sim), and
// the embedded broker (internal/mqttbroker) stays in the test process,
// where it can be stopped and restarted on the same port.
package chaos
