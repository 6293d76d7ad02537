package app

import (
	"context"
	"crypto/tls"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// fakeConsenter answers every viewer the same, and remembers whom it was
// asked about.
type fakeConsenter struct {
	answer proxy.Decision
	asked  *recorder
}

func (f fakeConsenter) Consent(_ context.Context, v proxy.Viewer) (proxy.Decision, error) {
	if f.asked != nil {
		f.asked.add(v.Address)
	}
	return f.answer, nil
}

func TestViewersMenuDisconnects(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	if it, ok := h.item("Viewers", "Disconnect all"); !ok || !it.Disabled {
		t.Fatalf("Disconnect all with nobody watching: %+v", it)
	}
	a := echoThrough(t, port)
	h.waitNote("This computer is now viewing your desktop and can control it")
	b := echoThrough(t, port)
	h.waitStatus("two viewers", func(s string) bool { return strings.HasSuffix(s, "— 2 viewers") })
	var entries []string
	testnet.WaitFor(t, "both viewers in the menu", func() bool {
		v, _ := h.item("Viewers")
		entries = titles(v.Children)
		return len(entries) > 2 && strings.HasPrefix(entries[1], "This computer — ")
	})
	if !strings.Contains(entries[0], " can control, since ") {
		t.Fatalf("viewer entry %q", entries[0])
	}
	h.click("Viewers", entries[0], "Disconnect")
	if got := testnet.CloseReason(t, a, nil); got != disconnectReason {
		t.Fatalf("the page was told %q", got)
	}
	h.waitNote("This computer stopped viewing your desktop")
	h.waitStatus("one viewer", func(s string) bool { return strings.HasSuffix(s, "— 1 viewer") })
	wsutil.WriteClientBinary(b, []byte("still"))
	if got, err := wsutil.ReadServerBinary(b); err != nil || string(got) != "still" {
		t.Fatalf("the other viewer: %q %v", got, err)
	}
	h.click("Viewers", "Disconnect all")
	if got := testnet.CloseReason(t, b, nil); got != disconnectReason {
		t.Fatalf("the page was told %q", got)
	}
	h.waitStatus("no viewers", func(s string) bool { return strings.HasSuffix(s, "— no viewers") })
}

func TestViewerNotificationsSwitch(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	h.click("Viewers", "Notify when viewers join or leave")
	testnet.WaitFor(t, "the switch off", func() bool {
		it, _ := h.item("Viewers", "Notify when viewers join or leave")
		return !it.Checked
	})
	c := echoThrough(t, port)
	h.waitStatus("one viewer", func(s string) bool { return strings.HasSuffix(s, "— 1 viewer") })
	c.Close()
	h.waitStatus("no viewers", func(s string) bool { return strings.HasSuffix(s, "— no viewers") })
	for _, n := range h.notes.list() {
		if strings.Contains(n, "viewing your desktop") {
			t.Fatalf("notified with the switch off: %q", n)
		}
	}
	if s, _ := loadSettings(h.paths); !s.QuietViewers {
		t.Fatal("the switch was not saved")
	}
}

func TestAskBeforeJoining(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		answer proxy.Decision
		notice string // "" when refused
	}{
		{proxy.Deny, ""},
		{proxy.AllowViewOnly, "This computer is now viewing your desktop (view only)"},
		{proxy.Allow, "This computer is now viewing your desktop and can control it"},
	} {
		t.Run(strconv.Itoa(int(c.answer)), func(t *testing.T) {
			port := freePort(t)
			asked := &recorder{}
			h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(cfg *config) {
				cfg.consenter = fakeConsenter{answer: c.answer, asked: asked}
			})
			h.click("Start sharing")
			h.waitStatus("sharing", prefix("Sharing"))
			if it, ok := h.item("Viewers", "Ask before a viewer joins"); !ok || it.Checked {
				t.Fatalf("asking is on for a local share, or not in the menu: %+v", it)
			}
			h.click("Viewers", "Ask before a viewer joins")
			testnet.WaitFor(t, "the switch on", func() bool {
				it, _ := h.item("Viewers", "Ask before a viewer joins")
				return it.Checked
			})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			conn, br, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+strconv.Itoa(port)+"/websockify?token="+testToken)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if c.notice == "" {
				if got := testnet.CloseReason(t, conn, br); got != "The person sharing did not let you in" {
					t.Fatalf("refused with %q", got)
				}
			} else {
				h.waitNote(c.notice)
			}
			if got := asked.list(); len(got) != 1 || got[0] != conn.LocalAddr().String() {
				t.Fatalf("asked about %v", got)
			}
		})
	}
}

// TestViewOnlyLink: a remote share's view-only link has a token of its own,
// and its sessions are view-only.
func TestViewOnlyLink(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Allow other computers")
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	h.click("Copy view-only link")
	s, _ := loadSettings(h.paths)
	if s.ViewOnlyToken == "" || s.ViewOnlyToken == s.Token {
		t.Fatalf("view-only token %q beside %q", s.ViewOnlyToken, s.Token)
	}
	testnet.WaitFor(t, "the link on the clipboard", func() bool {
		l := h.clip.list()
		return len(l) == 1 && strings.Contains(l[0], "token="+s.ViewOnlyToken) && strings.Contains(l[0], "view_only=true")
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d := ws.Dialer{TLSConfig: &tls.Config{InsecureSkipVerify: true}}
	c, _, _, err := d.Dial(ctx, "wss://127.0.0.1:"+strconv.Itoa(port)+"/?token="+s.ViewOnlyToken)
	if err != nil {
		t.Fatalf("the view-only token refused: %v", err)
	}
	defer c.Close()
	h.waitNote("This computer is now viewing your desktop (view only)")
	testnet.WaitFor(t, "the viewer listed as view only", func() bool {
		v, _ := h.item("Viewers")
		return len(v.Children) > 0 && strings.Contains(v.Children[0].Title, " view only, since ")
	})
}

// Asking before a viewer joins is on by default only where someone can
// answer (the tray) and the share is open to other computers; an explicit
// setting wins.
func TestAskToJoinDefault(t *testing.T) {
	t.Parallel()
	on, off := true, false
	for _, c := range []struct {
		remote, canAsk bool
		ask            *bool
		want           bool
	}{
		{true, true, nil, true}, {false, true, nil, false}, {true, false, nil, false},
		{true, false, &on, true}, {false, false, &on, true}, {true, true, &off, false},
	} {
		if got := (settings{AllowRemote: c.remote, AskToJoin: c.ask}).askToJoin(c.canAsk); got != c.want {
			t.Errorf("remote %v, can ask %v, ask_to_join %v: %v, want %v", c.remote, c.canAsk, c.ask, got, c.want)
		}
	}
}

// A headless run has nobody to ask: by default it lets viewers in without
// asking (TestRemoteShareNeedsTheToken runs a network share so), and when
// the settings say to ask it refuses them, asking no dialog, rather than let
// them in unasked.
func TestHeadlessNeverAsksADialog(t *testing.T) {
	t.Parallel()
	on := true
	for _, c := range []struct {
		ask    *bool
		reason string // "" when let in
	}{{nil, ""}, {&on, "The person sharing did not let you in"}} {
		port := freePort(t)
		asked := &recorder{}
		h := startApp(t, settings{Port: port, Target: echoTarget(t), AskToJoin: c.ask}, func(cfg *config) {
			cfg.headless = true
			cfg.consenter = fakeConsenter{answer: proxy.Allow, asked: asked}
		})
		h.waitStatus("sharing", prefix("Sharing"))
		conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			t.Fatal(err)
		}
		if c.reason != "" {
			br := testnet.Handshake(t, conn, "/websockify?token="+testToken)
			if got := testnet.CloseReason(t, conn, br); got != c.reason {
				t.Errorf("ask_to_join on, headless: closed with %q, want %q", got, c.reason)
			}
			conn.Close()
		} else {
			v := testnet.OpenViewerAt(t, conn, "/websockify?token="+testToken)
			v.Echo(t, "let in unasked")
			v.Close()
		}
		if got := asked.list(); len(got) != 0 {
			t.Errorf("ask_to_join %v, headless: a dialog was asked about %v", c.ask, got)
		}
	}
}
