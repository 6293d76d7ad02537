//go:build !windows && !darwin

package app

import (
	"slices"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"
)

// notificationServer plays org.freedesktop.Notifications: it says what
// it can do, and records the bodies it is sent.
type notificationServer struct {
	mu       sync.Mutex
	caps     []string
	bodies   []string
	replaced []uint32 // what each Notify replaced
}

func (n *notificationServer) GetCapabilities() ([]string, *dbus.Error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.caps, nil
}

func (n *notificationServer) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.bodies = append(n.bodies, body)
	n.replaced = append(n.replaced, replaces)
	if replaces != 0 {
		return replaces, nil
	}
	return uint32(len(n.bodies)), nil
}

// A notification's body is plain text: a server that reads markup in it
// gets it quoted, one that does not gets it as it is.
func TestNotificationBodyIsPlainText(t *testing.T) {
	conn := privateBus(t)
	srv := &notificationServer{}
	if err := conn.Export(srv, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("the notifications' name: %v %v", r, err)
	}

	const body = `Tom & Jerry <b>are</b> "viewing"`
	for _, c := range []struct {
		caps []string
		want string
	}{
		{[]string{"body", "body-markup"}, `Tom &amp; Jerry &lt;b&gt;are&lt;/b&gt; "viewing"`},
		{[]string{"body"}, body},
	} {
		srv.mu.Lock()
		srv.caps, srv.bodies = c.caps, nil
		srv.mu.Unlock()
		if err := freedesktopNotify("Viewer joined", body); err != nil {
			t.Fatal(err)
		}
		srv.mu.Lock()
		got := srv.bodies
		srv.mu.Unlock()
		if len(got) != 1 || got[0] != c.want {
			t.Fatalf("with %v the server was sent %q, want %q", c.caps, got, c.want)
		}
	}
}

// Viewers joining and leaving replace each other's notification instead of
// piling up on the shared screen; other notifications are their own.
func TestViewerNotificationsReplaceEachOther(t *testing.T) {
	conn := privateBus(t)
	srv := &notificationServer{caps: []string{"body"}}
	if err := conn.Export(srv, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("the notifications' name: %v %v", r, err)
	}
	n := &desktopNotifier{}
	n.NotifyReplacing("viewers", "Viewer joined", "a")
	n.Notify("vncbridge", "something else")
	n.NotifyReplacing("viewers", "Viewer left", "b")
	n.NotifyReplacing("viewers", "Viewer joined", "c")
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if want := []uint32{0, 0, 1, 1}; !slices.Equal(srv.replaced, want) {
		t.Fatalf("the notifications replaced %v, want %v", srv.replaced, want)
	}
}
