//go:build linux

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/godbus/dbus/v5"

	"vncbridge/internal/testnet"
)

// questionService plays the desktop's notification service, with buttons
// ("actions"): it hands over the notifications that ask (those with
// buttons), records those closed, and plays the person clicking.
type questionService struct {
	conn   *dbus.Conn
	asked  chan question
	closed chan uint32
	told   chan string // the notifications without buttons: "summary: body"
	n      uint32      // the last id given; the bus calls one at a time
}

// question is a notification with buttons.
type question struct {
	id      uint32
	body    string
	actions []string
}

const notificationsPath = dbus.ObjectPath("/org/freedesktop/Notifications")

func newQuestionService(t *testing.T, bus string) *questionService {
	t.Helper()
	conn, err := dbus.Connect(bus)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	s := &questionService{conn: conn, asked: make(chan question, 10), closed: make(chan uint32, 10), told: make(chan string, 10)}
	if err := conn.Export(s, notificationsPath, "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("the notifications' name: %v %v", r, err)
	}
	return s
}

func (s *questionService) GetCapabilities() ([]string, *dbus.Error) {
	return []string{"actions", "body"}, nil
}

func (s *questionService) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.n++
	if len(actions) > 0 {
		s.asked <- question{s.n, body, actions}
	} else {
		select {
		case s.told <- summary + ": " + body:
		default: // nobody is listening for them
		}
	}
	return s.n, nil
}

func (s *questionService) CloseNotification(id uint32) *dbus.Error {
	s.closed <- id
	return nil
}

// next is the next question shown.
func (s *questionService) next(t *testing.T) question {
	t.Helper()
	select {
	case q := <-s.asked:
		return q
	case <-time.After(10 * time.Second):
		t.Fatal("no question was shown")
		return question{}
	}
}

// click plays the person clicking the button key of q.
func (s *questionService) click(t *testing.T, q question, key string) {
	t.Helper()
	if err := s.conn.Emit(notificationsPath, "org.freedesktop.Notifications.ActionInvoked", q.id, key); err != nil {
		t.Fatal(err)
	}
}

// TestTrayAsksByNotification: with no dialog program on PATH, the tray asks
// before each viewer joins through the notification service on the
// session bus, and the buttons clicked let viewers in, in view only, or
// not; a viewer that leaves while asked (its page goes: a close frame)
// closes the notification within a second.
func TestTrayAsksByNotification(t *testing.T) {
	bus := sessionBus(t)
	p := newPanel(t, bus)
	svc := newQuestionService(t, bus)
	binDir, _, _ := fakeDesktop(t)
	os.Remove(filepath.Join(binDir, "zenity"))
	port := freeAddr(t)[len("127.0.0.1:"):]
	_, tray := startTray(t, trayEnv(t, bus, binDir, "PATH="+binDir), // no dialog program
		map[string]any{"port": mustAtoi(t, port), "target": echoServer(t), "share_on_start": true, "ask_to_join": true})
	p.follow(tray)
	p.waitMenu(t, "sharing", func(m entry) bool { return m.listening() })

	openViewer(t, port)
	q := svc.next(t)
	if want := []string{"allow", "Allow", "view-only", "View only", "deny", "Deny"}; !slices.Equal(q.actions, want) {
		t.Fatalf("buttons %q, want %q", q.actions, want)
	}
	if !strings.HasPrefix(q.body, "This computer wants to see and control your desktop") {
		t.Fatalf("the question reads %q", q.body)
	}
	svc.click(t, q, "allow")
	p.waitMenu(t, "the first viewer", func(m entry) bool { return len(viewerEntries(m)) == 1 })

	openViewer(t, port)
	svc.click(t, svc.next(t), "view-only")
	m := p.waitMenu(t, "the second viewer", func(m entry) bool { return len(viewerEntries(m)) == 2 })
	if es := viewerEntries(m); !strings.Contains(es[0].label, " can control, ") || !strings.Contains(es[1].label, " view only, ") {
		t.Fatalf("viewers %q, %q", es[0].label, es[1].label)
	}

	denied, br := openViewer(t, port)
	svc.click(t, svc.next(t), "deny")
	if got := testnet.CloseReason(t, denied, br); got != "The person sharing did not let you in" {
		t.Fatalf("a denied viewer's page reads %q", got)
	}

	leaving, _ := openViewer(t, port)
	q = svc.next(t)
	frame := ws.NewCloseFrame(ws.NewCloseFrameBody(ws.StatusGoingAway, ""))
	if err := ws.WriteFrame(leaving, ws.MaskFrameInPlace(frame)); err != nil {
		t.Fatal(err)
	}
	left := time.Now()
	select {
	case id := <-svc.closed:
		if id != q.id {
			t.Fatalf("closed notification %d, want %d", id, q.id)
		}
		t.Logf("the question closed %v after the viewer left", time.Since(left))
	case <-time.After(time.Second):
		t.Fatal("the question was not closed within a second of the viewer leaving")
	}
}

// TestTrayAsksInTheLocalesLanguage: under LANG=de_DE.UTF-8 the real tray
// asks in German (the question and its buttons), and the button clicked
// answers by its key.
func TestTrayAsksInTheLocalesLanguage(t *testing.T) {
	bus := sessionBus(t)
	p := newPanel(t, bus)
	svc := newQuestionService(t, bus)
	binDir, _, _ := fakeDesktop(t)
	os.Remove(filepath.Join(binDir, "zenity"))
	port := freeAddr(t)[len("127.0.0.1:"):]
	_, tray := startTray(t, trayEnv(t, bus, binDir, "PATH="+binDir, "LANG=de_DE.UTF-8"),
		map[string]any{"port": mustAtoi(t, port), "target": echoServer(t), "share_on_start": true, "ask_to_join": true})
	p.follow(tray)
	p.waitMenu(t, "sharing", func(m entry) bool { return strings.HasPrefix(m.status(), "Nichts freizugeben ") })

	openViewer(t, port)
	q := svc.next(t)
	if want := []string{"allow", "Zulassen", "view-only", "Nur ansehen", "deny", "Ablehnen"}; !slices.Equal(q.actions, want) {
		t.Fatalf("buttons %q, want %q", q.actions, want)
	}
	if !strings.HasPrefix(q.body, "Dieser Computer möchte Ihren Bildschirm sehen und steuern") {
		t.Fatalf("the question reads %q", q.body)
	}
	svc.click(t, q, "view-only")
	p.waitMenu(t, "the viewer, in view only", func(m entry) bool {
		v, _ := m.path("Zuschauer")
		return slices.ContainsFunc(v.children, func(c entry) bool { return strings.HasPrefix(c.label, "Dieser Computer — nur ansehen, seit ") })
	})
}
