//go:build linux

package main

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// serviceRun runs `vncbridge service ARGS` and returns its exit code and
// output.
func serviceRun(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"service"}, args...)...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

func TestServiceCommandUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"bogus"}, {"install", "--user", "--system"}, {"start", "--nope"}} {
		code, out := serviceRun(t, args...)
		if code != 2 || !strings.Contains(out, "Usage: vncbridge service") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
	if code, out := serviceRun(t, "--help"); code != 0 || !strings.Contains(out, "uninstall") {
		t.Errorf("--help: %d %s", code, out)
	}
}

// The system service for real, as root (the CI machine): install, start,
// connect through it, stop, uninstall, and nothing left behind.
func TestSystemServiceForReal(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("the CI runs as root, to test the system service for real")
		}
		t.Skip("installing a system service needs root (the CI runs this test as root)")
	}
	// The binary must stay where the service manager can run it.
	exe := filepath.Join(t.TempDir(), "vncbridge")
	b, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(exe, b, 0o755)
	config := t.TempDir()
	addr := freeAddr(t)
	target := echoServer(t)
	settings, _ := json.Marshal(map[string]any{"port": mustAtoi(t, addr[len("127.0.0.1:"):]), "target": target, "token": shareToken})
	os.WriteFile(filepath.Join(config, "settings.json"), settings, 0o600)

	before := systemFiles()
	svc := func(args ...string) (int, string) {
		t.Helper()
		out, err := exec.Command(exe, append(append([]string{"service"}, args...), "--system", "--config-dir", config)...).CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(out)
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, string(out)
	}
	t.Cleanup(func() { svc("uninstall") })

	if code, out := svc("status"); code != 4 || !strings.Contains(out, "no system service installed") {
		t.Fatalf("status before install: %d %s", code, out)
	}
	if code, out := svc("install"); code != 0 || !strings.Contains(out, "installed") {
		t.Fatalf("install: %d %s", code, out)
	}
	if code, out := svc("install"); code != 1 || !strings.Contains(out, "already installed") {
		t.Fatalf("second install: %d %s", code, out)
	}
	if code, out := svc("status"); code != 3 {
		t.Fatalf("status after install: %d %s", code, out)
	}
	if code, out := svc("start"); code != 0 {
		t.Fatalf("start: %d %s", code, out)
	}
	waitListening(t, "tcp", addr)
	if code, out := svc("status"); code != 0 || !strings.Contains(out, "running") {
		t.Fatalf("status when started: %d %s", code, out)
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	shareEchoThrough(t, conn, "through the service")
	if code, out := svc("stop"); code != 0 {
		t.Fatalf("stop: %d %s", code, out)
	}
	testnet.WaitFor(t, "the service to stop listening", func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	if code, out := svc("uninstall"); code != 0 {
		t.Fatalf("uninstall: %d %s", code, out)
	}
	if code, out := svc("status"); code != 4 {
		t.Fatalf("status after uninstall: %d %s", code, out)
	}
	if after := systemFiles(); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Fatalf("left behind: before %v, after %v", before, after)
	}
}

// systemFiles lists what a service install may create.
func systemFiles() []string {
	var all []string
	for _, g := range []string{"/etc/init.d/vncbridge*", "/etc/rc*.d/*vncbridge*", "/etc/systemd/system/vncbridge*",
		"/var/log/vncbridge*", "/var/run/vncbridge*", "/run/vncbridge*"} {
		m, _ := filepath.Glob(g)
		all = append(all, m...)
	}
	return all
}

// start and stop with no service installed say so, and how to install one,
// with the exit code of status (4), not the service manager's "exit status 1".
func TestServiceStartStopWithNothingInstalled(t *testing.T) {
	if code, out := serviceRun(t, "status", "--config-dir", t.TempDir()); code != 4 {
		t.Skipf("a vncbridge service is installed on this machine (status exit %d: %s)", code, out)
	}
	for _, cmd := range []string{"start", "stop"} {
		code, out := serviceRun(t, cmd, "--config-dir", t.TempDir())
		if code != 4 || !strings.Contains(out, "service is installed; install it with: vncbridge service install") ||
			strings.Contains(out, "exit status") {
			t.Errorf("%s: exit %d\n%s", cmd, code, out)
		}
	}
}
