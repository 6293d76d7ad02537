package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A MenuItem is one entry of the tray menu, rendered from the state. A click
// on it sends its ID to the event loop.
type MenuItem struct {
	ID        string // what a click means; "" for an item that is never clicked
	Title     string
	Tooltip   string
	Checkbox  bool
	Checked   bool
	Disabled  bool
	Separator bool
	Children  []MenuItem
}

func separator() MenuItem { return MenuItem{Separator: true} }

// Menu IDs. Those with a value after a colon carry it ("port:6080",
// "target:localhost:5901").
const (
	idStart        = "start"
	idStop         = "stop"
	idOpen         = "open"
	idCopyLink     = "copy-link"
	idPortPrefix   = "port:"
	idPortOther    = "port-other"
	idTargetPrefix = "target:"
	idTargetOther  = "target-other"
	idRecord       = "record"
	idRecordings   = "recordings"
	idRemote       = "remote"
	idSvcInstall   = "service-install"
	idSvcUninstall = "service-uninstall"
	idSvcStart     = "service-start"
	idSvcStop      = "service-stop"
	idLogin        = "login"
	idAbout        = "about"
	idQuit         = "quit"
)

// commonPorts are offered in the Listen port menu besides the current one.
var commonPorts = []int{6080, 6081, 8080, 8081, 5800}

// Menu renders the tray menu for st.
func Menu(st State) []MenuItem {
	s := st.Settings
	running := st.serviceRunning()
	items := []MenuItem{
		{Title: st.Status(), Disabled: true},
		separator(),
	}
	if st.Sharing || running {
		items = append(items, MenuItem{ID: idStop, Title: "Stop sharing"})
	} else {
		items = append(items, MenuItem{ID: idStart, Title: "Start sharing", Tooltip: "Share " + s.Target + " on port " + strconv.Itoa(s.Port)})
	}
	items = append(items, MenuItem{ID: idOpen, Title: "Open in browser", Tooltip: s.localURL()})
	if s.AllowRemote {
		items = append(items, MenuItem{ID: idCopyLink, Title: "Copy share link", Tooltip: "The link for other computers, with its secret token"})
	}
	items = append(items, separator(), portMenu(s, running), targetMenu(st, running))

	items = append(items,
		MenuItem{ID: idRecord, Title: "Record sessions", Checkbox: true, Checked: s.Record, Disabled: running},
		MenuItem{ID: idRecordings, Title: "Open recordings folder"},
		MenuItem{ID: idRemote, Title: "Allow other computers", Checkbox: true, Checked: s.AllowRemote, Disabled: running,
			Tooltip: "Listen on every network interface, with TLS and a secret link"},
		separator(),
		serviceMenu(st),
		separator(),
		MenuItem{ID: idAbout, Title: "About vncbridge " + st.Version},
		MenuItem{ID: idQuit, Title: "Quit"},
	)
	return items
}

func portMenu(s Settings, locked bool) MenuItem {
	ports := slices.Clone(commonPorts)
	if !slices.Contains(ports, s.Port) {
		ports = append(ports, s.Port)
	}
	m := MenuItem{Title: "Listen port", Disabled: locked}
	for _, p := range ports {
		m.Children = append(m.Children, MenuItem{ID: idPortPrefix + strconv.Itoa(p), Title: strconv.Itoa(p),
			Checkbox: true, Checked: p == s.Port})
	}
	m.Children = append(m.Children, separator(), MenuItem{ID: idPortOther, Title: "Other…"})
	return m
}

func targetMenu(st State, locked bool) MenuItem {
	s := st.Settings
	m := MenuItem{Title: "Target VNC server", Disabled: locked}
	listed := map[string]bool{}
	for _, f := range st.Found {
		listed[f.Addr] = true
		m.Children = append(m.Children, MenuItem{ID: idTargetPrefix + f.Addr, Title: f.Label(),
			Checkbox: true, Checked: sameTarget(f.Addr, s.Target)})
	}
	if len(st.Found) == 0 {
		m.Children = append(m.Children, MenuItem{Title: "No VNC server found on this computer", Disabled: true})
	}
	var saved []MenuItem
	for _, t := range append([]string{s.Target}, s.RecentTargets...) {
		if listed[t] || slices.ContainsFunc(st.Found, func(f FoundServer) bool { return sameTarget(f.Addr, t) }) {
			continue
		}
		listed[t] = true
		saved = append(saved, MenuItem{ID: idTargetPrefix + t, Title: t + " (saved)", Checkbox: true, Checked: t == s.Target})
	}
	if len(saved) > 0 {
		m.Children = append(m.Children, separator())
		m.Children = append(m.Children, saved...)
	}
	m.Children = append(m.Children, separator(), MenuItem{ID: idTargetOther, Title: "Other…"})
	return m
}

// sameTarget compares host:port targets, taking localhost and the loopback
// addresses as one host.
func sameTarget(a, b string) bool {
	norm := func(t string) string {
		for _, l := range []string{"127.0.0.1:", "[::1]:"} {
			if strings.HasPrefix(t, l) {
				return "localhost:" + strings.TrimPrefix(t, l)
			}
		}
		return strings.ToLower(t)
	}
	return norm(a) == norm(b)
}

func serviceMenu(st State) MenuItem {
	svc := st.Service
	m := MenuItem{Title: "Run in background"}
	switch {
	case svc.Err != "" && !svc.Installed:
		m.Children = append(m.Children, MenuItem{ID: idSvcInstall, Title: "Install as service", Tooltip: svc.Err})
	case !svc.Installed:
		m.Children = append(m.Children, MenuItem{ID: idSvcInstall, Title: "Install as service",
			Tooltip: "Share with the saved settings in the background, with nobody logged in"})
	default:
		m.Children = append(m.Children,
			MenuItem{ID: idSvcUninstall, Title: "Uninstall service"},
			MenuItem{ID: idSvcStart, Title: "Start service", Disabled: svc.Running},
			MenuItem{ID: idSvcStop, Title: "Stop service", Disabled: !svc.Running},
		)
	}
	m.Children = append(m.Children, separator(),
		MenuItem{ID: idLogin, Title: "Start at login", Checkbox: true, Checked: st.StartAtLogin})
	return m
}

// findItem returns the item with id in items, depth first.
func findItem(items []MenuItem, id string) (MenuItem, bool) {
	for _, it := range items {
		if it.ID == id && id != "" {
			return it, true
		}
		if c, ok := findItem(it.Children, id); ok {
			return c, true
		}
	}
	return MenuItem{}, false
}

// viewers words a number of viewers.
func viewers(n int) string {
	switch n {
	case 0:
		return "no viewers"
	case 1:
		return "1 viewer"
	}
	return fmt.Sprintf("%d viewers", n)
}

// flatten lists the items depth first, as rebuild adds them.
func flatten(items []MenuItem) []MenuItem {
	var out []MenuItem
	for _, m := range items {
		out = append(out, m)
		out = append(out, flatten(m.Children)...)
	}
	return out
}

// menuShape is what an in-place update cannot change: the items, their
// IDs and kinds, and their nesting.
func menuShape(items []MenuItem) string {
	s := ""
	for _, m := range items {
		s += fmt.Sprintf("(%s|%v|%v%s)", m.ID, m.Separator, m.Checkbox, menuShape(m.Children))
	}
	return s
}
