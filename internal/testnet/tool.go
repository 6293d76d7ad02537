package testnet

import (
	"bytes"
	"os"
	"os/exec"
	"sync"
	"testing"
)

// Tool returns the path of the program name. A missing one skips the test
// outside CI and fails it in CI (where scripts/deps.sh installs it).
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing (scripts/deps.sh installs it)", name)
		}
		t.Skipf("%s is not installed (make deps installs it)", name)
	}
	return p
}

// Buffer is a bytes.Buffer safe for a process's output and a test reading
// it at once.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
