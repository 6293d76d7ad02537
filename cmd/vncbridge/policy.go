package main

import (
	"sync"
	"time"
)

// Process policy of `vncbridge proxy`: websockify's --run-once, --timeout and
// --idle-timeout end the process, not the proxy library. They are built on
// the server's session notifications (proxy.Config.OnSessions) and its
// Shutdown; see runProxy.

// sessionWatch follows the number of open sessions from OnSessions and wakes
// the process's loop at each change. OnSessions is called in order, from the
// proxy's goroutines, so it must not block: the count is kept here and the
// loop only poked.
type sessionWatch struct {
	mu    sync.Mutex
	open  int
	ended int // sessions ended so far
	poke  chan struct{}
}

func newSessionWatch() *sessionWatch {
	return &sessionWatch{poke: make(chan struct{}, 1)}
}

// onSessions is the proxy's OnSessions.
func (w *sessionWatch) onSessions(open int) {
	w.mu.Lock()
	if open < w.open {
		w.ended += w.open - open
	}
	w.open = open
	w.mu.Unlock()
	select {
	case w.poke <- struct{}{}:
	default:
	}
}

func (w *sessionWatch) counts() (open, ended int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.open, w.ended
}

// policy is when the process ends besides a signal.
type policy struct {
	runOnce bool          // after the first session ends
	timeout time.Duration // stop accepting after this, end with the last session
	idle    time.Duration // end after this long with no open session
}

// idleTimer runs the idle countdown: from the start, and again from the end
// of the last open session; it is stopped while a session is open.
type idleTimer struct {
	t *time.Timer
	C <-chan time.Time // nil without --idle-timeout
	d time.Duration
}

func newIdleTimer(d time.Duration) *idleTimer {
	it := &idleTimer{d: d}
	if d > 0 {
		it.t = time.NewTimer(d)
		it.C = it.t.C
	}
	return it
}

// sessionsChanged restarts the countdown when the last session has ended, and
// stops it while one is open.
func (it *idleTimer) sessionsChanged(wasOpen, open int) {
	if it.t == nil {
		return
	}
	switch {
	case open > 0:
		it.t.Stop()
	case wasOpen > 0:
		it.t.Reset(it.d)
	}
}

func (it *idleTimer) stop() {
	if it.t != nil {
		it.t.Stop()
	}
}
