package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"vncbridge/internal/tailnet"
)

// Sharing on the internet (Tailscale Funnel), while sharing on the tailnet:
// the node's public listener feeds the share's proxy as its tailnet
// listeners do. A viewer from the internet always needs the share's
// token (or the cookie its link set), as on the LAN, and is asked about
// before joining wherever a person can answer (consentPolicy), whatever
// the settings say; it is named by its public address. Turning Funnel off
// closes the public listener at once; open sessions go on, as after any
// change of the settings.

// funnelState is what the tray shows of the share on the internet.
type funnelState struct {
	// URL is the public address, without the token, once served.
	URL string
	// AllowURL is Tailscale's page that says how to allow Funnel, when the
	// tailnet does not ("" otherwise); NeedsHTTPS: what it lacks is HTTPS.
	AllowURL   string
	NeedsHTTPS bool
	// Err says why the share is not on the internet.
	Err string
}

// funnelViewers knows the connections that came through Funnel, by their
// (public) address: the share's admission and its consent policy read it.
var funnelViewers = &tailnetBook{}

// listenFunnel opens the public listener for the current share when the
// settings want it; the tailnet's listeners are open (listenTailnet, which
// closed the previous share's). On the event loop.
func (a *trayApp) listenFunnel() {
	tn := a.tn
	if !a.st.Settings.Funnel || tn == nil || tn.share == nil {
		a.st.Tailnet.Funnel = funnelState{}
		return
	}
	ctx, cancel := context.WithTimeout(a.life, 30*time.Second)
	defer cancel()
	ln, u, err := serveFunnel(ctx, tn.node, a.share.srv)
	w := a.st.Words
	if err != nil {
		fs := funnelState{Err: reason(w, err)}
		if fe := (*tailnet.FunnelUnavailableError)(nil); errors.As(err, &fe) {
			fs.AllowURL, fs.NeedsHTTPS = fe.URL, fe.NeedsHTTPS
			if fs.AllowURL == "" {
				fs.AllowURL = tailscaleFunnelHelp
			}
		}
		first := a.st.Tailnet.Funnel.Err == ""
		a.st.Tailnet.Funnel = fs
		a.log.Warn("cannot share on the internet (Funnel)", "err", err)
		if first && a.cfg.headless {
			if fs.NeedsHTTPS {
				fmt.Fprintln(a.cfg.out, w.Sprintf("vncbridge: sharing on the internet (Funnel) needs HTTPS in your tailnet; turn it on at %s", fs.AllowURL))
			} else if fs.AllowURL != "" {
				fmt.Fprintln(a.cfg.out, w.Sprintf("vncbridge: your tailnet does not allow sharing on the internet (Funnel); allow it at %s", fs.AllowURL))
			} else {
				fmt.Fprintln(a.cfg.out, w.Sprintf("vncbridge: cannot share on the internet (Funnel): %s", fs.Err))
			}
		}
		return
	}
	tn.listeners = append(tn.listeners, ln)
	first := a.st.Tailnet.Funnel.URL == ""
	a.st.Tailnet.Funnel = funnelState{URL: u}
	a.log.Info("sharing on the internet (Funnel)", "url", u)
	if first && a.cfg.headless {
		fmt.Fprintln(a.cfg.out, w.Sprintf("vncbridge: sharing on the internet at %s", a.funnelURL()))
	}
}

// tailscaleFunnelHelp is Tailscale's page on allowing Funnel.
const tailscaleFunnelHelp = "https://tailscale.com/s/no-funnel"

// funnelURL is the public link, with the token; "" until served.
func (a *trayApp) funnelURL() string {
	if a.st.Tailnet.Funnel.URL == "" {
		return ""
	}
	return a.st.Tailnet.Funnel.URL + "?" + url.Values{"token": {a.st.Settings.Token}}.Encode()
}

// funnelMenu is Share on the internet (Funnel) and, while it is on, its
// link or what keeps it off; the item is there while tailnet sharing is
// off too, disabled.
func (a *trayApp) funnelMenu(st state) []menuItem {
	s, w, fs := st.Settings, st.Words, st.Tailnet.Funnel
	items := []menuItem{{Title: w.Sprintf("Share on the internet (Funnel)"), Checkbox: true, Checked: s.Funnel && s.Tailnet, Disabled: !s.Tailnet,
		Tooltip: w.Sprintf("A public link for someone outside your tailnet; it carries the secret token, and you are asked before each viewer joins"),
		Action:  a.do(a.toggleFunnel)}}
	if !s.Tailnet || !s.Funnel || !st.Sharing {
		return items
	}
	switch {
	case fs.URL != "":
		items = append(items, menuItem{Title: w.Sprintf("Copy internet link"), Tooltip: fs.URL, Action: a.do(a.copyFunnelLink)})
	case fs.AllowURL != "":
		u, title := fs.AllowURL, w.Sprintf("Your tailnet does not allow Funnel: allow it in Tailscale")
		if fs.NeedsHTTPS {
			title = w.Sprintf("Funnel needs HTTPS in your tailnet: turn it on in Tailscale")
		}
		items = append(items, menuItem{Title: title, Tooltip: u, Action: a.do(func() { a.openLogin(u) })})
	case fs.Err != "":
		items = append(items, menuItem{Title: w.Sprintf("Funnel: %s", fs.Err), Disabled: true})
	}
	return items
}

// toggleFunnel is Share on the internet (Funnel).
func (a *trayApp) toggleFunnel() {
	if !a.st.Settings.Tailnet {
		return
	}
	a.update(func(s *settings) { s.Funnel = !s.Funnel })
}

// copyFunnelLink is Copy internet link.
func (a *trayApp) copyFunnelLink() {
	w := a.st.Words
	a.copyToClipboard(w.Sprintf("Internet link"), w.Sprintf("Internet link copied"), a.funnelURL(),
		w.Sprintf("Anyone with it can ask to join; it carries the secret token. You are asked before each viewer joins."))
}
