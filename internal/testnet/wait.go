package testnet

import (
	"testing"
	"time"
)

// WaitFor polls cond every few milliseconds until it holds, and fails the
// test, naming what it waited for, if it does not within 10 seconds.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	poll(t, 10*time.Second, 5*time.Millisecond, what, cond)
}

// WaitWithin is WaitFor with its own time limit, for waits on a desktop or
// a browser. It polls every 20 ms: such conditions often run a program.
func WaitWithin(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	poll(t, within, 20*time.Millisecond, what, cond)
}

func poll(t testing.TB, within, every time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(every)
	}
}
