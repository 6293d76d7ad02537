//go:build linux

package main

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"vncbridge/internal/testnet"
)

// headless runs `vncbridge --headless ARGS` with config as its settings'
// directory and no session bus.
func headless(t *testing.T, config string, args ...string) *started {
	t.Helper()
	return startEnv(t, []string{"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR=" + t.TempDir()},
		binary, append([]string{"--headless", "--config-dir", config}, args...)...)
}

// --port, --target, --record and --allow-remote=false are saved like menu
// choices, and the share uses them.
func TestTrayFlagsAreSaved(t *testing.T) {
	config := t.TempDir()
	port := testnet.FreePort(t)
	target := echoServer(t)
	_, targetPort, _ := net.SplitHostPort(target)
	p := headless(t, config, "--port", strconv.Itoa(port), "--target", ":"+targetPort, "--record", "--allow-remote=false")
	testnet.WaitFor(t, "the address printed", func() bool {
		return strings.Contains(p.out.String(), "open http://localhost:"+strconv.Itoa(port)+"/")
	})
	token := regexp.MustCompile(`open http://localhost:\d+/\?token=([\w-]+)`).FindStringSubmatch(p.out.String())
	if token == nil {
		t.Fatalf("no link with a token printed:\n%s", p.out.String())
	}
	conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	v := testnet.OpenViewerAt(t, conn, "/websockify?token="+token[1])
	v.Echo(t, "flags")
	v.Close()
	p.cmd.Process.Signal(os.Interrupt)
	if code := p.exitCode(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var saved map[string]any
	b, _ := os.ReadFile(filepath.Join(config, "settings.json"))
	json.Unmarshal(b, &saved)
	if saved["port"] != float64(port) || saved["target"] != "localhost:"+targetPort || saved["record"] != true || saved["allow_remote"] != false {
		t.Fatalf("saved settings %s", b)
	}
}

func TestTrayUsage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--headless", "--help"}, 0, "--target"},
		{[]string{"--help"}, 0, "vncbridge [options]"},
		{[]string{"--headless", "--port", "seventy"}, 2, `--port: "seventy" is not a port`},
		{[]string{"--headless", "--target", "desk:0"}, 2, "--target:"},
		{[]string{"--headless", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--headless", "--language", "xx"}, 2, `--language: vncbridge does not speak "xx"; it speaks en, de, ja, ru, zh-Hans, fr, es, pt-BR, it`},
		{[]string{"--headless", "--language="}, 2, `--language: vncbridge does not speak ""`},
		{[]string{"--nope"}, 2, "Usage: vncbridge"},
	} {
		out, err := exec.Command(binary, c.args...).CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != c.code || !strings.Contains(string(out), c.want) {
			t.Errorf("%v: exit %d, want %d and %q in:\n%s", c.args, code, c.code, c.want, out)
		}
	}
}

// Headless with a busy port exits 1 with the reason, instead of waiting
// for ever; the log file keeps what the first run wrote (appended, never
// truncated).
func TestHeadlessBusyPortExits1AndTheLogIsAppended(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	config := t.TempDir()
	logFile := filepath.Join(config, "vncbridge.log")
	for run := 1; run <= 2; run++ {
		p := headless(t, config, "--port", strconv.Itoa(port), "--target", echoServer(t))
		if code := p.exitCode(t); code != 1 {
			t.Fatalf("run %d: exit %d, want 1", run, code)
		}
		if !strings.Contains(p.out.String(), "vncbridge: Port "+strconv.Itoa(port)+" is in use") || !strings.Contains(p.out.String(), " is free: try --port ") {
			t.Fatalf("run %d: no reason given, or no free port suggested:\n%s", run, p.out)
		}
		if b, err := os.ReadFile(filepath.Join(config, "settings.json")); err == nil && strings.Contains(string(b), strconv.Itoa(port)) {
			t.Fatalf("run %d: the busy port was saved:\n%s", run, b)
		}
	}
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "level=WARN msg=\"Port "+strconv.Itoa(port)+" is in use; port "); n != 2 || strings.Contains(string(b), "\x00") {
		t.Fatalf("the log holds %d runs' reasons, want 2 (appended):\n%q", n, b)
	}
}

// With no session bus, nothing starts one: dbus-launch (dbus-x11) would
// leave a dbus-daemon behind at every run.
func TestNoSessionBusStartsNone(t *testing.T) {
	bin := t.TempDir()
	called := filepath.Join(bin, "called")
	os.WriteFile(filepath.Join(bin, "dbus-launch"), []byte("#!/bin/sh\ntouch "+called+"\nexit 1\n"), 0o755)
	config := t.TempDir()
	port := testnet.FreePort(t)
	settings, _ := json.Marshal(map[string]any{"port": port, "target": echoServer(t), "token": shareToken})
	os.WriteFile(filepath.Join(config, "settings.json"), settings, 0o600)
	// the tray, not --headless: it looks for a bus
	p := startEnv(t, []string{"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR=" + t.TempDir(), "PATH=" + bin + ":" + os.Getenv("PATH")},
		binary, "--config-dir", config)
	out := p.out
	testnet.WaitFor(t, "sharing without a tray", func() bool { return strings.Contains(out.String(), "open http://localhost:") })
	p.cmd.Process.Signal(os.Interrupt)
	<-p.exited
	if _, err := os.Stat(called); err == nil {
		t.Fatalf("dbus-launch was run:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "running without a tray icon") {
		t.Fatalf("no word of the missing tray:\n%s", out.String())
	}
}
