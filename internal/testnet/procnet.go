package testnet

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TCPListenersOf returns the inodes of the sockets process pid holds that
// listen on a TCP port (Linux, from /proc): a test of a server meant to use
// only a Unix socket wants none.
func TCPListenersOf(t testing.TB, pid int) []string {
	t.Helper()
	listening := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			if fs := strings.Fields(line); len(fs) > 9 && fs[3] == "0A" { // TCP_LISTEN
				listening[fs[9]] = true
			}
		}
	}
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		l, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil || !strings.HasPrefix(l, "socket:[") {
			continue
		}
		if ino := strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]"); listening[ino] {
			out = append(out, ino)
		}
	}
	return out
}
