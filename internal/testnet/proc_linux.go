package testnet

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// ChildrenNamed lists the living (not zombie) children of pid whose command
// name is comm, from /proc.
func ChildrenNamed(pid int, comm string) []int {
	var out []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		s := string(b)
		open, end := strings.Index(s, "("), strings.LastIndex(s, ")")
		if open < 0 || end < 0 {
			continue
		}
		f := strings.Fields(s[end+1:])
		if s[open+1:end] == comm && len(f) > 1 && f[0] != "Z" && f[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

// TCPListeners returns the inodes of this machine's listening TCP sockets
// (IPv4 and IPv6), from /proc/net.
func TCPListeners(t testing.TB) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			if fs := strings.Fields(line); len(fs) > 9 && fs[3] == "0A" { // TCP_LISTEN
				out[fs[9]] = true
			}
		}
	}
	return out
}

// SocketInodes returns the inodes of the sockets process pid holds; it fails
// the test if pid's descriptors cannot be read.
func SocketInodes(t testing.TB, pid int) []string {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if l, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil && strings.HasPrefix(l, "socket:[") {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]"))
		}
	}
	return out
}

// TCPListenersOf returns the inodes of the sockets process pid holds that
// listen on a TCP port: a test of a server meant to use only a Unix socket
// wants none.
func TCPListenersOf(t testing.TB, pid int) []string {
	t.Helper()
	listening := TCPListeners(t)
	var out []string
	for _, ino := range SocketInodes(t, pid) {
		if listening[ino] {
			out = append(out, ino)
		}
	}
	return out
}
