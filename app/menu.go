package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"vncbridge/internal/words"
)

// A menuItem is one entry of the tray menu, rendered from the state. It
// carries its action: a click runs Action, which hands the work to the
// event loop (safe from any goroutine).
type menuItem struct {
	Title     string
	Tooltip   string
	Checkbox  bool
	Checked   bool
	Disabled  bool
	Separator bool
	Children  []menuItem
	// Action runs on a click; nil for an item that is never clicked.
	Action func()
}

func separator() menuItem { return menuItem{Separator: true} }

// commonPorts are offered in the Listen port menu besides the current one.
var commonPorts = []int{6080, 6081, 8080, 8081, 5800}

// menu renders the tray menu for st; every item's action goes to a's
// event loop.
func (a *trayApp) menu(st state) []menuItem {
	s, w := st.Settings, st.Words
	running := st.serviceRunning()
	status := menuItem{Title: st.status(), Disabled: true}
	if st.advice() != nil {
		status.Disabled, status.Tooltip = false, "What to do: opens a page with the steps"
		status.Action = a.do(func() { a.openPage("help") })
	} else if u := st.Tailnet.LoginURL; u != "" && st.Sharing { // the tailnet waits for a login (tailnet_menu.go)
		status = menuItem{Title: w.Sprintf("Log in to Tailscale to share on your tailnet"), Tooltip: u, Action: a.do(func() { a.openLogin(u) })}
	}
	items := []menuItem{status, separator()}
	if st.Sharing || running {
		items = append(items, menuItem{Title: w.Sprintf("Stop sharing"), Action: a.do(a.stopSharingOrService)})
	} else {
		items = append(items, menuItem{Title: w.Sprintf("Start sharing"), Tooltip: w.Sprintf("Share %s on port %s", targetLabel(w, s.Target), strconv.Itoa(s.Port)),
			Action: a.do(a.startSharingOrService)})
	}
	items = append(items, menuItem{Title: w.Sprintf("Open in browser"), Tooltip: s.localURL(), Action: a.do(a.openViewer)})
	if s.AllowRemote && (st.Sharing || running) {
		if st.Fingerprint != "" && st.Sharing {
			items = append(items, menuItem{Title: w.Sprintf("Certificate %s", st.Fingerprint), Disabled: true,
				Tooltip: w.Sprintf("The viewer's page shows the same: their browser warns about this certificate, which is this computer's own")})
		}
		items = append(items, menuItem{Title: w.Sprintf("Copy share link"), Tooltip: w.Sprintf("The link for other computers, with its secret token; their browser will warn about the certificate"),
			Action: a.do(a.copyLink)})
		if s.ViewOnlyToken != "" {
			items = append(items, menuItem{Title: w.Sprintf("Copy view-only link"), Tooltip: w.Sprintf("A link of its own whose viewers cannot touch the desktop"),
				Action: a.do(a.copyViewOnlyLink)})
		}
	}
	if st.Sharing {
		items = append(items, a.viewersMenu(st))
	}
	items = append(items, separator(), a.portMenu(st, running), a.targetMenu(st, running))

	items = append(items,
		menuItem{Title: w.Sprintf("Record sessions"), Checkbox: true, Checked: s.Record, Disabled: running,
			Action: a.do(a.toggleRecord)},
		menuItem{Title: w.Sprintf("Recordings…"), Tooltip: w.Sprintf("Watch, download or delete the recorded sessions"), Action: a.do(a.openRecordings)},
		a.keepMenu(st),
		menuItem{Title: w.Sprintf("Allow other computers"), Checkbox: true, Checked: s.AllowRemote, Disabled: running,
			Tooltip: w.Sprintf("Listen on every network interface, with TLS and a secret link"), Action: a.do(a.toggleRemote)})
	items = append(items, a.tailnetMenu(st)...)
	items = append(items,
		separator(),
		a.serviceMenu(st),
		separator(),
		menuItem{Title: w.Sprintf("About vncbridge %s", st.Version), Action: a.do(func() { a.openPage("about") })},
		menuItem{Title: w.Sprintf("Quit"), Action: a.do(a.quitNow)},
	)
	return items
}

func (a *trayApp) portMenu(st state, locked bool) menuItem {
	s, w := st.Settings, st.Words
	ports := slices.Clone(commonPorts)
	if !slices.Contains(ports, s.Port) {
		ports = append(ports, s.Port)
	}
	m := menuItem{Title: w.Sprintf("Listen port"), Disabled: locked}
	for _, p := range ports {
		m.Children = append(m.Children, menuItem{Title: strconv.Itoa(p), Checkbox: true, Checked: p == s.Port,
			Action: a.do(func() { a.setPort(p) })})
	}
	m.Children = append(m.Children, separator(), menuItem{Title: w.Sprintf("Other…"), Action: a.do(a.askPort)})
	return m
}

func (a *trayApp) targetMenu(st state, locked bool) menuItem {
	s, w := st.Settings, st.Words
	m := menuItem{Title: w.Sprintf("Target VNC server"), Disabled: locked}
	pick := func(t string) func() { return a.do(func() { a.setTarget(t) }) }
	listed := map[string]bool{}
	for _, f := range st.Found {
		listed[f.Addr] = true
		m.Children = append(m.Children, menuItem{Title: f.Label(), Checkbox: true, Checked: sameTarget(f.Addr, s.Target),
			Action: pick(f.Addr)})
	}
	if len(st.Found) == 0 {
		none := menuItem{Title: w.Sprintf("No VNC server found on this computer"), Disabled: true}
		if adv := st.helpAdvice(); adv != nil && !st.Desktop.OK {
			none.Disabled, none.Tooltip = false, adviceIn(w, *adv).Summary
			none.Action = a.do(func() { a.openPage("help") })
		}
		m.Children = append(m.Children, none)
	}
	// This desktop, served by a VNC server vncbridge starts, while nothing
	// answers at the target (or it is the target).
	_, isDesktop := desktopProgram(s.Target)
	answers := slices.ContainsFunc(st.Found, func(f foundServer) bool { return sameTarget(f.Addr, s.Target) })
	if st.Desktop.OK && (isDesktop || !answers) {
		m.Children = append(m.Children, a.desktopMenu(st, listed))
	}
	var saved []menuItem
	for _, t := range append([]string{s.Target}, s.RecentTargets...) {
		if listed[t] || slices.ContainsFunc(st.Found, func(f foundServer) bool { return sameTarget(f.Addr, t) }) {
			continue
		}
		listed[t] = true
		saved = append(saved, menuItem{Title: w.Sprintf("%s (saved)", targetLabel(w, t)), Checkbox: true, Checked: t == s.Target, Action: pick(t)})
	}
	if len(saved) > 0 {
		m.Children = append(m.Children, separator())
		m.Children = append(m.Children, saved...)
	}
	m.Children = append(m.Children, separator(), menuItem{Title: w.Sprintf("Other…"), Action: a.do(a.askTarget)})
	return m
}

// desktopMenu is This desktop: one entry, or, on a desktop of several
// monitors, a menu of All monitors and each monitor by the name the system
// gives it, its size and its place. The targets it offers go in listed.
func (a *trayApp) desktopMenu(st state, listed map[string]bool) menuItem {
	d, target := st.Desktop, st.Settings.Target
	prog := d.Prog.Name
	pick := func(t string) func() { return a.do(func() { a.setTarget(t) }) }
	tooltip := st.Words.Sprintf("vncbridge starts %s while it shares, on a private socket", prog)
	all := desktopTargetOf(prog, "")
	listed[all] = true
	if len(d.Monitors) < 2 {
		return menuItem{Title: programLabel(st.Words, d.Prog), Checkbox: true, Checked: target == all, Action: pick(all), Tooltip: tooltip}
	}
	m := menuItem{Title: programLabel(st.Words, d.Prog), Tooltip: tooltip}
	m.Children = append(m.Children, menuItem{Title: st.Words.Sprintf("All monitors"), Checkbox: true, Checked: target == all, Action: pick(all)})
	for _, mon := range d.Monitors {
		t := desktopTargetOf(prog, mon.Name)
		listed[t] = true
		m.Children = append(m.Children, menuItem{Title: monitorLabel(st.Words, mon), Checkbox: true, Checked: target == t, Action: pick(t),
			Tooltip: st.Words.Sprintf("Share only this monitor")})
	}
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

func (a *trayApp) serviceMenu(st state) menuItem {
	svc, w := st.Service, st.Words
	m := menuItem{Title: w.Sprintf("Run in background")}
	do := func(what string, f func(serviceControl) error) func() {
		return a.do(func() { a.serviceDo(what, f) })
	}
	install := do("install", serviceControl.Install)
	switch {
	case st.NoServiceManager || svc.Err != "" && !svc.Installed:
		// Offered only where it can be installed; else what works instead.
		why := svc.Err
		if st.NoServiceManager {
			why = "This system has no service manager vncbridge can use"
		}
		m.Children = append(m.Children, menuItem{Title: w.Sprintf("No background service here: use Start at login"), Tooltip: why, Disabled: true})
	case !svc.Installed:
		m.Children = append(m.Children, menuItem{Title: w.Sprintf("Install as service"),
			Tooltip: w.Sprintf("Share with the saved settings in the background, with nobody logged in"), Action: install})
	default:
		m.Children = append(m.Children,
			menuItem{Title: w.Sprintf("Uninstall service"), Action: do("uninstall", serviceControl.Uninstall)},
			menuItem{Title: w.Sprintf("Start service"), Disabled: svc.Running, Action: do("start", serviceControl.Start)},
			menuItem{Title: w.Sprintf("Stop service"), Disabled: !svc.Running, Action: do("stop", serviceControl.Stop)},
		)
	}
	m.Children = append(m.Children, separator(),
		menuItem{Title: w.Sprintf("Start at login"), Checkbox: true, Checked: st.StartAtLogin, Action: a.do(a.toggleLogin)},
		menuItem{Title: w.Sprintf("Share when vncbridge starts"), Checkbox: true, Checked: st.Settings.ShareOnStart,
			Tooltip: w.Sprintf("Start sharing as soon as the tray starts (at login, with Start at login)"),
			Action:  a.do(func() { a.update(func(s *settings) { s.ShareOnStart = !s.ShareOnStart }) })})
	return m
}

// viewers words a number of viewers in w's language.
func viewers(w words.Printer, n int) string {
	if n == 0 {
		return w.Sprintf("no viewers")
	}
	return w.Sprintf("%d viewers", n)
}

// flatten lists the items depth first, as rebuild adds them.
func flatten(items []menuItem) []menuItem {
	var out []menuItem
	for _, m := range items {
		out = append(out, m)
		out = append(out, flatten(m.Children)...)
	}
	return out
}

// menuShape is what an in-place update cannot change: the items, their
// kinds (clickable, checkbox, separator) and their nesting.
func menuShape(items []menuItem) string {
	s := ""
	for _, m := range items {
		s += fmt.Sprintf("(%v|%v|%v%s)", m.Action != nil, m.Separator, m.Checkbox, menuShape(m.Children))
	}
	return s
}
