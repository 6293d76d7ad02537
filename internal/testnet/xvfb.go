package testnet

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// StartXvfb starts a virtual X display (no VNC server) on a number Xvfb picks
// itself, stops it when the test ends, and returns its name (":12"). args go
// on Xvfb's command line after -displayfd and -nolisten tcp, for instance
// "-screen", "0", "320x240x24". A missing Xvfb skips the test outside CI, as
// RequireTools does. Xvfb's own output is logged if the test fails.
func StartXvfb(t testing.TB, args ...string) string {
	t.Helper()
	RequireTools(t, "Xvfb")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := &LogBuffer{}
	cmd := exec.Command("Xvfb", append([]string{"-displayfd", "3", "-nolisten", "tcp"}, args...)...)
	cmd.ExtraFiles = []*os.File{w}
	cmd.Stdout, cmd.Stderr = out, out
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("Xvfb output:\n%s", out)
		}
	})
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb gave no display number: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}
