package app

import (
	"sync"

	"vncbridge/internal/words"
	"vncbridge/proxy"
)

// watcher is an open session of one of the tray's shares: who watches, and
// through which share (a Disconnect goes there).
type watcher struct {
	proxy.Viewer
	sh *share
}

// disconnectReason is what a disconnected viewer's page shows.
const disconnectReason = "The person sharing disconnected you"

// viewerEvents are viewers joining and leaving, as the shares reported them
// (from the proxy's goroutines, maybe with its lock held); the event loop
// takes them.
type viewerEvents struct {
	mu     sync.Mutex
	events []viewerEvent
}

type viewerEvent struct {
	v      proxy.Viewer
	joined bool
}

func (q *viewerEvents) add(v proxy.Viewer, joined bool) {
	q.mu.Lock()
	q.events = append(q.events, viewerEvent{v, joined})
	q.mu.Unlock()
}

func (q *viewerEvents) take() []viewerEvent {
	q.mu.Lock()
	defer q.mu.Unlock()
	e := q.events
	q.events = nil
	return e
}

// viewerReported is a share's OnViewer, maybe called with the proxy's lock
// held: queue the event and wake the loop, without waiting for it.
func (a *trayApp) viewerReported(v proxy.Viewer, joined bool) {
	a.viewerQueue.add(v, joined)
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// listViewers runs in the event loop when a share reported: who watches
// through the share and the shares being drained, and a notification per
// viewer joining or leaving.
func (a *trayApp) listViewers() {
	a.listOffers()
	a.st.Watching = nil
	for _, sh := range append([]*share{a.share}, a.draining...) {
		if sh == nil {
			continue
		}
		for _, v := range sh.srv.Viewers() {
			a.st.Watching = append(a.st.Watching, watcher{v, sh})
		}
	}
	for _, e := range a.viewerQueue.take() {
		if !a.st.Settings.QuietViewers {
			title, body := viewerNotice(a.st.Words, e.v, e.joined)
			a.notifyReplacing("viewers", title, body) // they replace each other: no pile on the shared screen
		}
	}
}

// viewerNotice words a viewer joining or leaving for a notification.
func viewerNotice(w words.Printer, v proxy.Viewer, joined bool) (title, body string) {
	who := sentence(viewerName(w, v))
	if c := viewerClient(w, v); c != "" {
		who += " (" + c + ")"
	}
	switch {
	case !joined:
		return w.Sprintf("Viewer left"), w.Sprintf("%s stopped viewing your desktop", who)
	case v.ViewOnly:
		return w.Sprintf("Viewer joined"), w.Sprintf("%s is now viewing your desktop (view only)", who)
	}
	return w.Sprintf("Viewer joined"), w.Sprintf("%s is now viewing your desktop and can control it", who)
}

// viewerTitle is a viewer's menu entry in w's language: "192.168.1.20 —
// Firefox on Android, view only, since 14:05".
func viewerTitle(w words.Printer, v proxy.Viewer) string {
	who, since := sentence(viewerName(w, v)), w.Clock(v.Start.Local())
	if c := viewerClient(w, v); c != "" {
		return w.Sprintf("%s — %s, %s, since %s", who, c, viewerMode(w, v), since)
	}
	return w.Sprintf("%s — %s, since %s", who, viewerMode(w, v), since)
}

// disconnect closes one viewer's session with a reason its page shows, and
// keeps that viewer out: its next join is asked about (keptOut).
func (a *trayApp) disconnect(w watcher) {
	a.keptOut.add(keptOutKeys(w.Viewer, a.cfg.thisComputer))
	if err := w.sh.srv.Disconnect(w.ID, disconnectReason); err != nil {
		a.log.Debug("disconnect", "session", w.ID, "err", err)
	}
}

// disconnectAll closes every viewer's session.
func (a *trayApp) disconnectAll() {
	for _, w := range a.st.Watching {
		a.disconnect(w)
	}
}

// viewersMenu is Viewers ▸: each viewer with Disconnect, Disconnect all,
// and how viewers are let in and announced.
func (a *trayApp) viewersMenu(st state) menuItem {
	s, w := st.Settings, st.Words
	m := menuItem{Title: w.Sprintf("Viewers")}
	for _, v := range st.Watching {
		m.Children = append(m.Children, menuItem{Title: viewerTitle(w, v.Viewer), Tooltip: v.Address,
			Children: []menuItem{{Title: w.Sprintf("Disconnect"), Action: a.do(func() { a.disconnect(v) })}}})
	}
	if len(st.Watching) == 0 {
		m.Children = append(m.Children, menuItem{Title: w.Sprintf("Nobody is watching"), Disabled: true})
	}
	m.Children = append(m.Children,
		menuItem{Title: w.Sprintf("Disconnect all"), Disabled: len(st.Watching) == 0, Action: a.do(a.disconnectAll)},
		separator(),
		menuItem{Title: w.Sprintf("Notify when viewers join or leave"), Checkbox: true, Checked: !s.QuietViewers,
			Action: a.do(func() { a.update(func(s *settings) { s.QuietViewers = !s.QuietViewers }) })},
		menuItem{Title: w.Sprintf("Ask before a viewer joins"), Checkbox: true, Checked: s.askToJoin(true),
			Tooltip: w.Sprintf("A notification, a dialog or a page asks you to allow, allow view only, or deny each viewer"),
			Action:  a.do(func() { a.update(func(s *settings) { on := !s.askToJoin(true); s.AskToJoin = &on }) })},
	)
	m.Children = append(m.Children, a.offerItems(st)...)
	return m
}
