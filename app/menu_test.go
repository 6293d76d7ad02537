package app

import (
	"strings"
	"testing"
)

func titles(items []MenuItem) []string {
	var out []string
	for _, it := range items {
		if !it.Separator {
			out = append(out, it.Title)
		}
	}
	return out
}

func child(t *testing.T, items []MenuItem, title string) MenuItem {
	t.Helper()
	for _, it := range items {
		if it.Title == title {
			return it
		}
	}
	t.Fatalf("no item %q in %q", title, titles(items))
	return MenuItem{}
}

func TestMenuStopped(t *testing.T) {
	st := State{Settings: DefaultSettings(), Version: "1.2.3"}
	m := Menu(st)
	if m[0].Title != "Stopped" || !m[0].Disabled {
		t.Fatalf("status item %+v", m[0])
	}
	if got := strings.Join(titles(m), "|"); got != "Stopped|Start sharing|Open in browser|Listen port|Target VNC server|"+
		"Record sessions|Open recordings folder|Allow other computers|Run in background|About vncbridge 1.2.3|Quit" {
		t.Fatalf("menu %s", got)
	}
	ports := child(t, m, "Listen port").Children
	if p := child(t, ports, "6080"); !p.Checked || p.ID != "port:6080" {
		t.Fatalf("6080 %+v", p)
	}
	if p := child(t, ports, "8080"); p.Checked {
		t.Fatal("8080 checked")
	}
	child(t, ports, "Other…")
	if st.Icon() != IconIdle {
		t.Fatal("icon not idle")
	}
}

func TestMenuSharing(t *testing.T) {
	s := DefaultSettings()
	s.Port = 7000 // not a common port: listed and checked all the same
	st := State{Settings: s, Sharing: true, Viewers: 2}
	m := Menu(st)
	if want := "Sharing localhost:5900 at http://localhost:7000 — 2 viewers"; m[0].Title != want {
		t.Fatalf("status %q, want %q", m[0].Title, want)
	}
	child(t, m, "Stop sharing")
	if p := child(t, child(t, m, "Listen port").Children, "7000"); !p.Checked {
		t.Fatal("7000 not checked")
	}
	if st.Icon() != IconSharing {
		t.Fatal("icon")
	}
	st.Viewers = 1
	if !strings.HasSuffix(st.Status(), "— 1 viewer") {
		t.Fatal(st.Status())
	}
}

func TestMenuError(t *testing.T) {
	st := State{Settings: DefaultSettings(), Err: "Port 6080 is in use"}
	if m := Menu(st); m[0].Title != "Port 6080 is in use" || st.Icon() != IconError {
		t.Fatalf("status %q icon %v", m[0].Title, st.Icon())
	}
}

func TestMenuTargets(t *testing.T) {
	s := DefaultSettings().withTarget("desk:5900").withTarget("localhost:5901")
	st := State{Settings: s, Found: []FoundServer{{Addr: "localhost:5901", Version: "3.8"}, {Addr: "localhost:5902", Version: "3.3"}}}
	tm := child(t, Menu(st), "Target VNC server").Children
	if got := strings.Join(titles(tm), "|"); got != "localhost:5901 (display :1, RFB 3.8)|localhost:5902 (display :2, RFB 3.3)|desk:5900 (saved)|localhost:5900 (saved)|Other…" {
		t.Fatalf("targets %s", got)
	}
	if !tm[0].Checked || tm[1].Checked || tm[0].ID != "target:localhost:5901" {
		t.Fatalf("checks %+v %+v", tm[0], tm[1])
	}
	st.Found = nil
	tm = child(t, Menu(st), "Target VNC server").Children
	if !tm[0].Disabled || !strings.HasPrefix(tm[0].Title, "No VNC server found") {
		t.Fatalf("first %+v", tm[0])
	}
	if saved := child(t, tm, "localhost:5901 (saved)"); !saved.Checked {
		t.Fatal("current target not checked among the saved ones")
	}
}

func TestMenuRemoteHasShareLinkAndNoTokenInStatus(t *testing.T) {
	s := DefaultSettings()
	s.AllowRemote, s.Token = true, "t0ps3cret"
	st := State{Settings: s, Sharing: true}
	m := Menu(st)
	child(t, m, "Copy share link")
	if strings.Contains(m[0].Title, "t0ps3cret") || !strings.Contains(m[0].Title, "https://localhost:6080") {
		t.Fatalf("status %q", m[0].Title)
	}
	if u := s.shareURL(); !strings.HasPrefix(u, "https://") || !strings.HasSuffix(u, ":6080/?token=t0ps3cret") {
		t.Fatalf("share link %q", u)
	}
}

func TestMenuService(t *testing.T) {
	st := State{Settings: DefaultSettings()}
	sm := child(t, Menu(st), "Run in background").Children
	if got := strings.Join(titles(sm), "|"); got != "Install as service|Start at login" {
		t.Fatalf("not installed: %s", got)
	}
	st.Service = ServiceState{Installed: true, Running: true}
	m := Menu(st)
	sm = child(t, m, "Run in background").Children
	if got := strings.Join(titles(sm), "|"); got != "Uninstall service|Start service|Stop service|Start at login" {
		t.Fatalf("installed: %s", got)
	}
	if !child(t, sm, "Start service").Disabled || child(t, sm, "Stop service").Disabled {
		t.Fatal("start/stop enabled wrongly")
	}
	if !strings.Contains(m[0].Title, "background service") || !child(t, m, "Listen port").Disabled {
		t.Fatalf("running service: status %q, port menu not locked", m[0].Title)
	}
	child(t, m, "Stop sharing")
}

func TestMenuShape(t *testing.T) {
	a := Menu(State{Settings: DefaultSettings()})
	b := Menu(State{Settings: DefaultSettings(), Err: "x"})
	if menuShape(a) != menuShape(b) {
		t.Fatal("a new status line changed the shape")
	}
	c := Menu(State{Settings: DefaultSettings(), Sharing: true})
	if menuShape(a) == menuShape(c) {
		t.Fatal("start → stop did not change the shape")
	}
	if len(flatten(a)) <= len(a) {
		t.Fatal("flatten lost the submenus")
	}
}
