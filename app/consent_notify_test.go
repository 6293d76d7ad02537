//go:build !windows && !darwin

package app

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"vncbridge/internal/testnet"
	"vncbridge/internal/words"
	"vncbridge/proxy"
)

// privateBus starts a dbus-daemon of the test's own, makes it the session
// bus, and returns a connection to it.
func privateBus(t *testing.T) *dbus.Conn {
	t.Helper()
	daemon := testnet.RequireTools(t, "dbus-daemon")
	addr := "unix:path=" + filepath.Join(t.TempDir(), "bus")
	cmd := exec.Command(daemon, "--session", "--nofork", "--nopidfile", "--address="+addr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var conn *dbus.Conn
	testnet.WaitFor(t, "dbus-daemon to come up", func() bool {
		c, err := dbus.Connect(addr)
		conn = c
		return err == nil
	})
	t.Cleanup(func() { conn.Close() })
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	return conn
}

// askedNotification is a notification the fake service was asked to show.
type askedNotification struct {
	id      uint32
	summary string
	body    string
	actions []string
	hints   map[string]dbus.Variant
	timeout int32
}

// askingService plays org.freedesktop.Notifications with its
// capabilities, records what it shows and closes, and plays the person
// clicking a button.
type askingService struct {
	conn  *dbus.Conn
	caps  []string
	shown chan askedNotification
	// closed gets each notification closed with CloseNotification.
	closed chan uint32
	mu     sync.Mutex
	n      uint32
}

func newAskingService(t *testing.T, caps ...string) *askingService {
	t.Helper()
	conn := privateBus(t)
	s := &askingService{conn: conn, caps: caps, shown: make(chan askedNotification, 10), closed: make(chan uint32, 10)}
	if err := conn.Export(s, notificationsPath, notifications); err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName(notifications, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("the notifications' name: %v %v", r, err)
	}
	return s
}

func (s *askingService) GetCapabilities() ([]string, *dbus.Error) { return s.caps, nil }

func (s *askingService) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.mu.Lock()
	s.n++
	id := s.n
	s.mu.Unlock()
	s.shown <- askedNotification{id, summary, body, actions, hints, timeout}
	return id, nil
}

func (s *askingService) CloseNotification(id uint32) *dbus.Error {
	s.closed <- id
	if err := s.conn.Emit(notificationsPath, notifications+".NotificationClosed", id, uint32(3)); err != nil {
		return dbus.MakeFailedError(err)
	}
	return nil
}

// next is the next notification shown.
func (s *askingService) next(t *testing.T) askedNotification {
	t.Helper()
	select {
	case n := <-s.shown:
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("no notification was shown")
		return askedNotification{}
	}
}

// click plays the person clicking the button key of notification id.
func (s *askingService) click(t *testing.T, id uint32, key string) {
	t.Helper()
	if err := s.conn.Emit(notificationsPath, notifications+".ActionInvoked", id, key); err != nil {
		t.Fatal(err)
	}
}

// The tray asks through the desktop's notifications when they have buttons,
// with no dialog program installed: Allow, View only and Deny are
// the buttons' answers (a view-only viewer is offered no view-only
// button), the question is plain text, and the notification stays until
// answered.
func TestConsentByNotification(t *testing.T) {
	svc := newAskingService(t, "actions", "body", "body-markup")
	t.Setenv("PATH", t.TempDir())
	opened := &fakeOpener{}
	ask := askSharer(opened.Open)
	viewer := proxy.Viewer{Address: "192.168.1.20:50123", Browser: "<b>Evil</b>\u202e"}
	lookOnly := viewer
	lookOnly.ViewOnly = true
	for _, c := range []struct {
		v       proxy.Viewer
		click   string
		want    proxy.Decision
		actions []string
	}{
		{viewer, "allow", proxy.Allow, []string{"allow", "Allow", "view-only", "View only", "deny", "Deny"}},
		{viewer, "view-only", proxy.AllowViewOnly, nil},
		{viewer, "deny", proxy.Deny, nil},
		{lookOnly, "allow", proxy.Allow, []string{"allow", "Allow", "deny", "Deny"}},
	} {
		done := make(chan proxy.Decision, 1)
		go func() {
			d, err := ask.Consent(context.Background(), c.v)
			if err != nil {
				t.Errorf("asking: %v", err)
			}
			done <- d
		}()
		n := svc.next(t)
		if c.actions != nil && !slices.Equal(n.actions, c.actions) {
			t.Errorf("buttons %q, want %q", n.actions, c.actions)
		}
		const question = "192.168.1.20 wants to see and control your desktop (&lt;b&gt;Evil&lt;/b&gt;)"
		if !c.v.ViewOnly && n.body != question {
			t.Errorf("the notification says %q, want %q", n.body, question)
		}
		if n.timeout != 0 || n.hints["urgency"].Value() != byte(2) {
			t.Errorf("the question may go away unanswered: timeout %d, hints %v", n.timeout, n.hints)
		}
		svc.click(t, n.id+100, "deny") // another notification's button
		svc.click(t, n.id, c.click)
		if got := <-done; got != c.want {
			t.Fatalf("clicking %q answered %v, want %v", c.click, got, c.want)
		}
	}
	if got := opened.list(); len(got) != 0 {
		t.Fatalf("the browser was opened to ask: %q", got)
	}
}

// The question is asked in the sharer's language, and its buttons answer
// by their keys whatever their labels say.
func TestConsentByNotificationInGerman(t *testing.T) {
	svc := newAskingService(t, "actions", "body")
	t.Setenv("PATH", t.TempDir())
	ask := askSharer((&fakeOpener{}).Open)
	ctx := withWords(context.Background(), words.For("de_DE.UTF-8"))
	for _, c := range []struct {
		v       proxy.Viewer
		click   string
		want    proxy.Decision
		body    string
		actions []string
	}{
		{proxy.Viewer{Address: "192.168.1.20:50123"}, "view-only", proxy.AllowViewOnly, "192.168.1.20 möchte Ihren Bildschirm sehen und steuern",
			[]string{"allow", "Zulassen", "view-only", "Nur ansehen", "deny", "Ablehnen"}},
		{proxy.Viewer{Address: "[::1]:50123", ViewOnly: true}, "allow", proxy.Allow, "Dieser Computer möchte Ihren Bildschirm sehen",
			[]string{"allow", "Zulassen", "deny", "Ablehnen"}},
	} {
		done := make(chan proxy.Decision, 1)
		go func() {
			d, _ := ask.Consent(ctx, c.v)
			done <- d
		}()
		n := svc.next(t)
		if n.summary != "Ein Zuschauer möchte dazukommen" || n.body != c.body || !slices.Equal(n.actions, c.actions) {
			t.Errorf("asked %q: %q with %q, want %q with %q", n.summary, n.body, n.actions, c.body, c.actions)
		}
		svc.click(t, n.id, c.click)
		if got := <-done; got != c.want {
			t.Fatalf("clicking %q answered %v, want %v", c.click, got, c.want)
		}
	}
}

// A viewer that leaves while the question is up (its ctx ends) closes the
// notification within a second.
func TestConsentNotificationClosesWhenTheViewerLeaves(t *testing.T) {
	svc := newAskingService(t, "actions", "body")
	ctx, leave := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := notificationConsenter{}.Consent(ctx, proxy.Viewer{Address: "192.168.1.20:50123"})
		done <- err
	}()
	n := svc.next(t)
	leave()
	select {
	case id := <-svc.closed:
		if id != n.id {
			t.Fatalf("closed notification %d, want %d", id, n.id)
		}
	case <-time.After(time.Second):
		t.Fatal("the notification was not closed within a second of the viewer leaving")
	}
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("asking ended with %v", err)
	}
}

// Notifications without buttons cannot ask: with no dialog program either,
// the question is a page opened in the browser (askingPage tests it); the
// notification service is not used.
func TestConsentWithoutNotificationButtonsAsksInThePage(t *testing.T) {
	svc := newAskingService(t, "body")
	t.Setenv("PATH", t.TempDir())
	opened := &fakeOpener{}
	done := make(chan proxy.Decision, 1)
	go func() {
		d, _ := askSharer(opened.Open).Consent(context.Background(), proxy.Viewer{Address: "192.168.1.20:50123"})
		done <- d
	}()
	var url string
	testnet.WaitFor(t, "the page to be opened", func() bool {
		if got := opened.list(); len(got) == 1 {
			url = got[0]
		}
		return url != ""
	})
	answerPage(t, url, "view-only")
	if got := <-done; got != proxy.AllowViewOnly {
		t.Fatalf("answered %v", got)
	}
	select {
	case n := <-svc.shown:
		t.Fatalf("a notification without buttons was shown: %+v", n)
	default:
	}
}

// A notification dismissed is Deny; one whose service reports the close
// before the button that closed it (awesome does) is that button.
func TestConsentNotificationDismissed(t *testing.T) {
	svc := newAskingService(t, "actions", "body")
	for _, c := range []struct {
		then string // the button reported after the close; "" for none
		want proxy.Decision
	}{{"", proxy.Deny}, {"allow", proxy.Allow}} {
		done := make(chan proxy.Decision, 1)
		go func() {
			d, _ := notificationConsenter{}.Consent(context.Background(), proxy.Viewer{Address: "192.168.1.20:50123"})
			done <- d
		}()
		n := svc.next(t)
		if err := svc.conn.Emit(notificationsPath, notifications+".NotificationClosed", n.id, uint32(2)); err != nil {
			t.Fatal(err)
		}
		if c.then != "" {
			svc.click(t, n.id, c.then)
		}
		if got := <-done; got != c.want {
			t.Fatalf("closed, then %q: answered %v, want %v", c.then, got, c.want)
		}
	}
}
