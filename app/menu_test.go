package app

import (
	"strings"
	"testing"

	"vncbridge/assets/icons"
)

func titles(items []menuItem) []string {
	var out []string
	for _, it := range items {
		if !it.Separator {
			out = append(out, it.Title)
		}
	}
	return out
}

func child(t *testing.T, items []menuItem, title string) menuItem {
	t.Helper()
	for _, it := range items {
		if it.Title == title {
			return it
		}
	}
	t.Fatalf("no item %q in %q", title, titles(items))
	return menuItem{}
}

// menuOf renders st's menu; its actions go to a trayApp that is not running,
// so the tests here look and do not click.
func menuOf(st state) []menuItem { return (&trayApp{}).menu(st) }

func findTitle(items []menuItem, title string) (menuItem, bool) {
	for _, it := range items {
		if it.Title == title {
			return it, true
		}
	}
	return menuItem{}, false
}

func TestMenuStopped(t *testing.T) {
	t.Parallel()
	st := state{Settings: defaultSettings(), Version: "1.2.3"}
	m := menuOf(st)
	if m[0].Title != "Stopped" || !m[0].Disabled {
		t.Fatalf("status item %+v", m[0])
	}
	if got := strings.Join(titles(m), "|"); got != "Stopped|Start sharing|Open in browser|Listen port|Target VNC server|"+
		"Record sessions|Recordings…|Keep recordings|Allow other computers|Share on my tailnet|Share on the internet (Funnel)|Run in background|About vncbridge 1.2.3|Quit" {
		t.Fatalf("menu %s", got)
	}
	ports := child(t, m, "Listen port").Children
	if p := child(t, ports, "6080"); !p.Checked || p.Action == nil {
		t.Fatalf("6080 %+v", p)
	}
	if p := child(t, ports, "8080"); p.Checked {
		t.Fatal("8080 checked")
	}
	child(t, ports, "Other…")
	if st.icon() != icons.Idle {
		t.Fatal("icon not idle")
	}
}

func TestMenuSharing(t *testing.T) {
	s := defaultSettings()
	s.Port = 7000 // not a common port: listed and checked all the same
	st := state{Settings: s, Sharing: true, Watching: make([]watcher, 2)}
	m := menuOf(st)
	if want := "Sharing localhost:5900 at http://localhost:7000 — 2 viewers"; m[0].Title != want {
		t.Fatalf("status %q, want %q", m[0].Title, want)
	}
	child(t, m, "Stop sharing")
	if p := child(t, child(t, m, "Listen port").Children, "7000"); !p.Checked {
		t.Fatal("7000 not checked")
	}
	if st.icon() != icons.Sharing {
		t.Fatal("icon")
	}
	st.Watching = st.Watching[:1]
	if !strings.HasSuffix(st.status(), "— 1 viewer") {
		t.Fatal(st.status())
	}
}

func TestMenuError(t *testing.T) {
	t.Parallel()
	st := state{Settings: defaultSettings(), Err: "Port 6080 is in use"}
	if m := menuOf(st); m[0].Title != "Port 6080 is in use" || st.icon() != icons.Error {
		t.Fatalf("status %q icon %v", m[0].Title, st.icon())
	}
}

func TestMenuTargets(t *testing.T) {
	t.Parallel()
	s := defaultSettings().withTarget("desk:5900").withTarget("localhost:5901")
	st := state{Settings: s, Found: []foundServer{{Addr: "localhost:5901", Version: "3.8"}, {Addr: "localhost:5902", Version: "3.3"}}}
	tm := child(t, menuOf(st), "Target VNC server").Children
	if got := strings.Join(titles(tm), "|"); got != "localhost:5901 (display :1, RFB 3.8)|localhost:5902 (display :2, RFB 3.3)|desk:5900 (saved)|localhost:5900 (saved)|Other…" {
		t.Fatalf("targets %s", got)
	}
	if !tm[0].Checked || tm[1].Checked || tm[0].Action == nil {
		t.Fatalf("checks %+v %+v", tm[0], tm[1])
	}
	st.Found = nil
	tm = child(t, menuOf(st), "Target VNC server").Children
	if !tm[0].Disabled || !strings.HasPrefix(tm[0].Title, "No VNC server found") {
		t.Fatalf("first %+v", tm[0])
	}
	if saved := child(t, tm, "localhost:5901 (saved)"); !saved.Checked {
		t.Fatal("current target not checked among the saved ones")
	}
}

func TestMenuRemoteHasShareLinkAndNoTokenInStatus(t *testing.T) {
	t.Parallel()
	s := defaultSettings()
	s.AllowRemote, s.Token = true, "t0ps3cret"
	st := state{Settings: s, Sharing: true}
	m := menuOf(st)
	child(t, m, "Copy share link")
	if st.icon() != icons.Network {
		t.Fatalf("a share open to other computers has the icon %v", st.icon())
	}
	st.Sharing = false
	if _, ok := findTitle(menuOf(st), "Copy share link"); ok {
		t.Fatal("Copy share link offered while not sharing")
	}
	if strings.Contains(m[0].Title, "t0ps3cret") || !strings.Contains(m[0].Title, "on the network at https://"+lanAddress()+":6080") {
		t.Fatalf("status %q", m[0].Title)
	}
	if u := s.shareURL(); !strings.HasPrefix(u, "https://") || !strings.HasSuffix(u, ":6080/?token=t0ps3cret") {
		t.Fatalf("share link %q", u)
	}
}

func TestMenuService(t *testing.T) {
	t.Parallel()
	st := state{Settings: defaultSettings()}
	sm := child(t, menuOf(st), "Run in background").Children
	if got := strings.Join(titles(sm), "|"); got != "Install as service|Start at login|Share when vncbridge starts" {
		t.Fatalf("not installed: %s", got)
	}
	st.Service = ServiceState{Installed: true, Running: true}
	m := menuOf(st)
	sm = child(t, m, "Run in background").Children
	if got := strings.Join(titles(sm), "|"); got != "Uninstall service|Start service|Stop service|Start at login|Share when vncbridge starts" {
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
	t.Parallel()
	a := menuOf(state{Settings: defaultSettings()})
	b := menuOf(state{Settings: defaultSettings(), Err: "x"})
	if menuShape(a) != menuShape(b) {
		t.Fatal("a new status line changed the shape")
	}
	remote := defaultSettings()
	remote.AllowRemote = true
	c := menuOf(state{Settings: remote, Sharing: true})
	if menuShape(menuOf(state{Settings: defaultSettings(), Sharing: true})) == menuShape(c) {
		t.Fatal("a new item (Copy share link) did not change the shape")
	}
	if len(flatten(a)) <= len(a) {
		t.Fatal("flatten lost the submenus")
	}
}
