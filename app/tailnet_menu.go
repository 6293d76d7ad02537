package app

import (
	"context"
	"os"
	"time"

	"vncbridge/internal/tailnet"
)

// The tailnet's part of the tray menu and its actions (tailnet.go is the
// sharing itself).

// tailnetMenu is Share on my tailnet and, while it is on, what goes with it.
func (a *trayApp) tailnetMenu(st state) []menuItem {
	s, w, tn := st.Settings, st.Words, st.Tailnet
	items := []menuItem{{Title: w.Sprintf("Share on my tailnet"), Checkbox: true, Checked: s.Tailnet,
		Tooltip: "Tailscale", Action: a.do(a.toggleTailnet)}}
	if !s.Tailnet {
		return append(items, a.funnelMenu(st)...)
	}
	if st.Sharing {
		switch {
		case tn.LoginURL != "": // the status item says it, and opens the login page
		case tn.URL != "":
			items = append(items, menuItem{Title: w.Sprintf("Copy tailnet link"), Tooltip: tn.URL, Action: a.do(a.copyTailnetLink)})
			if tn.HTTPSOff {
				items = append(items, menuItem{Title: w.Sprintf("On the tailnet without HTTPS: turn it on in Tailscale's admin console"),
					Tooltip: tailscaleDNSAdmin, Action: a.do(func() { a.openLogin(tailscaleDNSAdmin) })})
			}
		case tn.Err != "":
			items = append(items, menuItem{Title: w.Sprintf("Tailnet: %s", tn.Err), Disabled: true})
		}
	}
	items = append(items, a.funnelMenu(st)...)
	items = append(items,
		menuItem{Title: w.Sprintf("Only my own devices"), Checkbox: true, Checked: s.tailnetOwnOnly(), Action: a.do(a.toggleOwnDevices)},
		menuItem{Title: w.Sprintf("Name on my tailnet…"), Tooltip: s.tailnetHostname(), Action: a.do(a.askTailnetName)},
		menuItem{Title: w.Sprintf("Log out of Tailscale"), Action: a.do(a.logOutTailnet)})
	return items
}

// tailscaleDNSAdmin is the admin page where a tailnet turns HTTPS on.
const tailscaleDNSAdmin = "https://login.tailscale.com/admin/dns"

// toggleTailnet is Share on my tailnet: turned on, it shares at once.
func (a *trayApp) toggleTailnet() {
	if a.update(func(s *settings) { s.Tailnet = !s.Tailnet }) != nil {
		return
	}
	if a.st.Settings.Tailnet && a.share == nil {
		a.startSharing()
	}
}

// toggleOwnDevices is Only my own devices.
func (a *trayApp) toggleOwnDevices() {
	a.update(func(s *settings) {
		anyUser := s.tailnetOwnOnly()
		s.TailnetAnyUser = &anyUser
	})
}

// copyTailnetLink is Copy tailnet link.
func (a *trayApp) copyTailnetLink() {
	w := a.st.Words
	a.copyToClipboard(w.Sprintf("Tailnet link"), w.Sprintf("Tailnet link copied"), a.tailnetURL(),
		w.Sprintf("Open it on a device of your tailnet; it carries the secret token."))
}

// openLogin opens a Tailscale page in the browser.
func (a *trayApp) openLogin(u string) {
	if err := a.cfg.opener.Open(u); err != nil {
		a.tell(a.st.Words.Sprintf("The browser could not be opened") + ": " + a.reasonOf(err))
	}
}

// logOutTailnet is Log out of Tailscale: the node logs out and its state is
// removed (the next share on the tailnet asks for a login again), and
// sharing on the tailnet is turned off.
func (a *trayApp) logOutTailnet() {
	if a.tn != nil {
		a.detachTailnet(func(n *tailnet.Node) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := n.LogOut(ctx); err != nil {
				a.log.Warn("logging out of Tailscale", "err", err)
			}
		})
	} else if err := os.RemoveAll(tailnet.StateDir(a.cfg.paths.Dir)); err != nil {
		a.log.Warn("removing the tailnet state", "err", err)
	}
	a.st.Tailnet = tailnetState{}
	a.update(func(s *settings) { s.Tailnet = false })
	a.log.Info("logged out of Tailscale")
}
