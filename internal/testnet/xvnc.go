package testnet

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// StartXvnc starts a VNC server (Xvnc, 320x240, no password) on loopback
// until the test ends, and returns its address. Outside CI a missing Xvnc
// skips the test (RequireTools).
func StartXvnc(t testing.TB) string {
	t.Helper()
	RequireTools(t, "Xvnc")
	port := FreePort(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := &LogBuffer{}
	cmd := exec.Command("Xvnc", "-displayfd", "3", "-geometry", "320x240", "-depth", "24", "-rfbport", strconv.Itoa(port),
		"-SecurityTypes", "None", "-localhost", "-nolisten", "tcp", "-desktop", "vncbridge-test")
	cmd.ExtraFiles = []*os.File{w}
	cmd.Stdout, cmd.Stderr = out, out
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if _, err := bufio.NewReader(r).ReadString('\n'); err != nil { // the display's number, once it listens
		t.Fatalf("Xvnc did not start: %v\n%s", err, out)
	}
	return "127.0.0.1:" + strconv.Itoa(port)
}
