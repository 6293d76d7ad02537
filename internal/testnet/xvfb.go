package testnet

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// StartXvfb starts a virtual X display (no VNC server) with LaunchXvfb,
// stops it when the test ends, and returns its name (":12"). A missing Xvfb
// skips the test outside CI, as RequireTools does. Xvfb's own output is
// logged if the test fails.
func StartXvfb(t testing.TB, args ...string) string {
	t.Helper()
	RequireTools(t, "Xvfb")
	x, err := LaunchXvfb(args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		x.Stop()
		if t.Failed() {
			t.Logf("Xvfb output:\n%s", x.Output())
		}
	})
	return x.Display
}

// Xvfb is a virtual X display that LaunchXvfb started.
type Xvfb struct {
	Display string // its name, ":12"
	cmd     *exec.Cmd
	out     *LogBuffer
}

// LaunchXvfb starts Xvfb on a display number it picks itself and returns
// once that display accepts clients; the caller stops it with Stop. args go
// on Xvfb's command line after -displayfd and -nolisten tcp, for instance
// "-screen", "0", "320x240x24". Tests use StartXvfb; LaunchXvfb is for a
// TestMain, which has no test to tie the display to.
func LaunchXvfb(args ...string) (*Xvfb, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	x := &Xvfb{out: &LogBuffer{}}
	x.cmd = exec.Command("Xvfb", append([]string{"-displayfd", "3", "-nolisten", "tcp"}, args...)...)
	x.cmd.ExtraFiles = []*os.File{w}
	x.cmd.Stdout, x.cmd.Stderr = x.out, x.out
	err = x.cmd.Start()
	w.Close()
	if err != nil {
		return nil, fmt.Errorf("starting Xvfb: %w", err)
	}
	// Xvfb writes the number once it listens, and closes its end when it
	// exits without one.
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		x.Stop()
		return nil, fmt.Errorf("Xvfb gave no display number (%v); its output:\n%s", err, x.out)
	}
	x.Display = ":" + strings.TrimSpace(line)
	return x, nil
}

// Stop ends Xvfb and waits for it.
func (x *Xvfb) Stop() {
	x.cmd.Process.Kill()
	x.cmd.Wait()
}

// Output is what Xvfb wrote so far.
func (x *Xvfb) Output() string { return x.out.String() }
