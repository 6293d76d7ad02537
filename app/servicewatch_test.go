package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

func TestServiceRunningTakesOverStartStop(t *testing.T) {
	t.Parallel()
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t)})
	h.click("Run in background", "Install as service")
	h.waitStatus("the service installed", func(string) bool { _, ok := h.item("Run in background", "Uninstall service"); return ok })
	h.click("Start sharing") // installed, stopped: Start sharing starts the service
	h.waitStatus("the service running", func(s string) bool { return strings.Contains(s, "background service") })
	if h.app.share != nil {
		t.Fatal("a second proxy runs beside the service")
	}
	h.click("Stop sharing")
	h.waitStatus("stopped", prefix("Stopped"))
	h.click("Run in background", "Uninstall service")
	h.waitStatus("uninstalled", func(string) bool { _, ok := h.item("Run in background", "Install as service"); return ok })
	if got := strings.Join(h.service.list(), ","); got != "install,start,stop,uninstall" {
		t.Fatalf("service calls %s", got)
	}
}

func TestServiceFailureIsShown(t *testing.T) {
	t.Parallel()
	h := startApp(t, defaultSettings(), func(o *config) { o.service = failingService{} })
	h.click("Run in background", "Install as service")
	h.waitNote("The service could not install: needs rights")
}

type failingService struct{}

func (failingService) Install() error { return errors.New("needs rights") }

func (failingService) Uninstall() error { return errors.New("needs rights") }

func (failingService) Start() error { return errors.New("needs rights") }

func (failingService) Stop() error { return errors.New("needs rights") }

func (failingService) Status() ServiceState { return ServiceState{} }

// Between menu openings the service is watched cheaply: the service manager
// is asked again when its definition file changes, not at every round.
func TestServiceWatchAsksOnlyOnAChange(t *testing.T) {
	t.Parallel()
	if _, known := platform.listeningPorts(); !known {
		t.Skip("this system does not tell which ports listen: the service manager is asked every round")
	}
	unit := filepath.Join(t.TempDir(), "vncbridge.service")
	var rounds atomic.Int64 // every round looks for VNC servers too
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t)}, func(o *config) {
		o.every = 20 * time.Millisecond
		o.serviceFiles = []string{unit}
		o.detect = func(ctx context.Context, cands []string) []foundServer {
			rounds.Add(1)
			return savedAnswer(ctx, cands)
		}
	})
	testnet.WaitFor(t, "fifteen rounds", func() bool { return rounds.Load() >= 15 })
	if n := h.service.timesAsked(); n > 2 {
		t.Fatalf("the service manager was asked %d times with nothing changed", n)
	}
	h.service.set(true, true) // installed and started behind the tray's back
	os.WriteFile(unit, []byte("[Unit]\n"), 0o644)
	h.waitStatus("the service seen running", func(s string) bool { return strings.Contains(s, "(background service)") })
	if _, ok := h.item("Run in background", "Install as service"); ok {
		t.Fatal("Install as service offered while the service runs")
	}
}

// A service installed with another settings directory shares on its own
// port: the tray says that one, and opens it.
func TestRunningServiceWithOtherSettingsIsShownAsItIs(t *testing.T) {
	other := t.TempDir()
	if err := saveSettings(Paths{Dir: other}, settings{Port: 22086, Target: "localhost:5901", Token: "the-service-token"}); err != nil {
		t.Fatal(err)
	}
	svc := &fakeService{st: ServiceState{Installed: true, Running: true, ConfigDir: other}}
	h := startApp(t, settings{Port: 22082, Target: "localhost:5900"}, func(o *config) { o.service = svc })
	h.waitStatus("the service's own settings", func(s string) bool {
		return s == "Sharing localhost:5901 at http://localhost:22086 (background service)"
	})
	h.click("Open in browser")
	waitList(t, &h.opener.recorder, "http://localhost:22086/?token=the-service-token")
}
