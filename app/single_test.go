package app

import (
	"testing"
	"time"
)

func TestOneTrayPerUser(t *testing.T) {
	p := testPaths(t)
	opened := make(chan struct{}, 1)
	first, err := claimInstance(p)
	if err != nil {
		t.Fatal(err)
	}
	first.serve(func() { opened <- struct{}{} })
	if _, err := claimInstance(p); err != ErrAlreadyRunning {
		t.Fatalf("second claim: %v", err)
	}
	select {
	case <-opened:
	case <-time.After(5 * time.Second):
		t.Fatal("the first tray was not asked to open the browser")
	}
	first.release()
	again, err := claimInstance(p)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again.release()
}
