//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Called as websockify, the help and the usage errors say websockify.
func TestCalledAsWebsockifyTheHelpSaysWebsockify(t *testing.T) {
	t.Parallel()
	ws := filepath.Join(t.TempDir(), "websockify")
	if err := os.Symlink(binary, ws); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ws, "--help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "websockify [options]") || strings.Contains(string(out), "vncbridge proxy") {
		t.Fatalf("websockify --help: %v\n%s", err, out)
	}
	out, _ = exec.Command(ws, "--no-such-option").CombinedOutput()
	if !strings.Contains(string(out), "websockify: ") || strings.Contains(string(out), "vncbridge proxy") {
		t.Fatalf("websockify --no-such-option:\n%s", out)
	}
}
