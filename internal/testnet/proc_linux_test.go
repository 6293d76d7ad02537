package testnet

import (
	"net"
	"os"
	"os/exec"
	"slices"
	"testing"
)

// TestProcHelpers checks the /proc readers against what the test itself
// starts: a child sleep, and a listening socket of this process.
func TestProcHelpers(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if got := ChildrenNamed(os.Getpid(), "sleep"); !slices.Contains(got, cmd.Process.Pid) {
		t.Errorf("children named sleep: %v, want %d among them", got, cmd.Process.Pid)
	}
	if got := ChildrenNamed(os.Getpid(), "no-such-program"); len(got) != 0 {
		t.Errorf("children named no-such-program: %v", got)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	listening := TCPListeners(t)
	found := false
	for _, ino := range SocketInodes(t, os.Getpid()) {
		found = found || listening[ino]
	}
	if !found {
		t.Errorf("no socket of this process among the listeners (%d of them)", len(listening))
	}
	ln.Close()
	for _, ino := range SocketInodes(t, os.Getpid()) {
		if TCPListeners(t)[ino] {
			t.Errorf("socket %s still listens after Close", ino)
		}
	}
}
