package app

import (
	"testing"
	"time"
)

func TestOneTrayPerUser(t *testing.T) {
	t.Parallel()
	p := testPaths(t)
	opened := make(chan struct{}, 1)
	first, err := claim(p, func() { opened <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := claim(p, func() { t.Error("the second one was asked") }); err != ErrAlreadyRunning {
		t.Fatalf("second claim: %v", err)
	}
	select {
	case <-opened:
	case <-time.After(5 * time.Second):
		t.Fatal("the first tray was not asked to open the browser")
	}
	first.release()
	again, err := claim(p, func() {})
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again.release()
}
