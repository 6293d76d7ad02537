//go:build linux

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"vncbridge/internal/testnet"
)

// A second launch with settings on its command line says which it did not
// apply: the running vncbridge keeps its own.
func TestSecondLaunchSaysWhichFlagsWereIgnored(t *testing.T) {
	config := t.TempDir()
	port := testnet.FreePort(t)
	b, _ := json.Marshal(map[string]any{"port": port, "target": echoServer(t), "token": shareToken})
	os.WriteFile(filepath.Join(config, "settings.json"), b, 0o600)
	env := []string{"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR=" + t.TempDir()}
	first := startEnv(t, env, binary, "--headless", "--config-dir", config)
	testnet.WaitFor(t, "the first one sharing", func() bool { return strings.Contains(first.out.String(), "open http://localhost:") })

	second := exec.Command(binary, "--config-dir", config, "--port", strconv.Itoa(port+1), "--record")
	second.Env = append(os.Environ(), env...)
	out, err := second.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "already running") ||
		!strings.Contains(string(out), "--port, --record not applied") {
		t.Fatalf("the second launch: %v\n%s", err, out)
	}
	plain := exec.Command(binary, "--config-dir", config)
	plain.Env = second.Env
	if out, _ := plain.CombinedOutput(); strings.Contains(string(out), "not applied") {
		t.Fatalf("a second launch without settings says some were ignored:\n%s", out)
	}
}
