//go:build linux

package wine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/internal/testnet"
)

const rfbGreeting = "RFB 003.008\n"

// shareToken is the token of the shares in the settings the tests write:
// every share of the tray and the service needs one.
const shareToken = "wine-share-token-0123456789"

// greetingThrough opens a WebSocket to the share at addr and returns the
// first bytes the VNC server behind it sends.
func greetingThrough(addr string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, _, err := ws.Dialer{Protocols: []string{"binary"}}.Dial(ctx, "ws://"+addr+"/websockify?token="+shareToken)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	data, _, err := wsutil.ReadServerData(conn)
	wsutil.WriteClientMessage(conn, ws.OpClose, ws.NewCloseFrameBody(ws.StatusNormalClosure, ""))
	return string(data), err
}

// TestServiceUnderTheServiceManager installs the service, starts it through
// Wine's service manager, shares a fake VNC server through it, stops it and
// uninstalls it, checking each command's exit code.
func TestServiceUnderTheServiceManager(t *testing.T) {
	config := filepath.Join(root, "service-config")
	if err := os.MkdirAll(config, 0o700); err != nil {
		t.Fatal(err)
	}
	port := testnet.FreePort(t)
	settings := fmt.Sprintf(`{"port": %d, "target": %q, "token": %q}`, port, testnet.Greeter(t, rfbGreeting), shareToken)
	if err := os.WriteFile(filepath.Join(config, "settings.json"), []byte(settings), 0o600); err != nil {
		t.Fatal(err)
	}
	svc := func(want int, args ...string) string {
		t.Helper()
		res := run(t, cliExe, append(append([]string{"service"}, args...), "--system", "--config-dir", winPath(config))...)
		if res.code != want {
			t.Fatalf("service %s: exit %d, want %d\n%s%s", args[0], res.code, want, res.stdout, res.stderr)
		}
		return res.stdout
	}
	svc(4, "status")
	svc(4, "start") // nothing installed
	out := svc(0, "install")
	t.Cleanup(func() { run(t, cliExe, "service", "uninstall", "--system") })
	if !strings.Contains(out, "installed (windows-service)") {
		t.Errorf("install said %q", out)
	}
	svc(1, "install") // already installed
	svc(3, "status")  // stopped
	svc(0, "start")
	svc(0, "status") // running
	addr := "127.0.0.1:" + strconv.Itoa(port)
	var got string
	testnet.WaitWithin(t, 20*time.Second, "the service's share", func() bool {
		got, _ = greetingThrough(addr)
		return got == rfbGreeting
	})
	svc(0, "stop")
	testnet.WaitWithin(t, 20*time.Second, "the service to stop", func() bool {
		return run(t, cliExe, "service", "status", "--system").code == 3
	})
	if _, err := greetingThrough(addr); err == nil {
		t.Error("the share still answers after the service stopped")
	}
	svc(0, "uninstall")
	svc(4, "status")
	svc(4, "uninstall") // not installed
}
