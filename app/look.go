package app

import (
	"context"
	"net"
	"slices"
	"time"
)

// Looking for VNC servers: on this computer, at the saved targets, and for
// the program that can serve this desktop; and what the tray makes of it.

// lookCount numbers the looks: a look's result is taken only when no look
// started after it was taken, so a slow look never overwrites what a newer
// one found. A look everywhere that a newer look on this computer overtook
// still brings what only it looks at (other hosts, this desktop's program).
type lookCount struct {
	started  int // looks started
	taken    int // the newest look taken
	takenAll int // the newest look everywhere taken
}

// A look is one look's result.
type look struct {
	n       int  // its number
	all     bool // everywhere, not only this computer
	cands   []string
	found   []foundServer
	desktop desktopState // when all
	sh      *share       // the share whose desktop server was probed
	localUp bool         // that server answered on its socket
}

// newLook prepares a look for VNC servers: on this computer, and, when all
// is set, at the saved targets elsewhere and for the program that can
// serve this desktop (localvnc.Find: a search of PATH).
func (a *trayApp) newLook(all bool) (look, string) {
	saved := append([]string{a.st.Settings.Target}, a.st.Settings.RecentTargets...)
	saved = slices.DeleteFunc(saved, func(t string) bool {
		h, _, err := net.SplitHostPort(t)
		_, desktop := desktopProgram(t)
		return err != nil || desktop || !all && !isLocalHost(h)
	})
	if _, desktop := desktopProgram(a.st.Settings.Target); a.st.Sharing && !desktop && !slices.Contains(saved, a.st.Settings.Target) {
		saved = append(saved, a.st.Settings.Target) // is the shared server there?
	}
	a.looks.started++
	l := look{n: a.looks.started, all: all, cands: localCandidates(saved), sh: a.share}
	var socket string // the desktop's VNC server, when it is the target
	if l.sh != nil && l.sh.local != nil {
		socket = l.sh.local.Socket()
	}
	return l, socket
}

// startLook looks for VNC servers in the background (newLook).
func (a *trayApp) startLook(all bool) {
	l, socket := a.newLook(all)
	a.background(func() {
		a.runLook(&l, socket)
		a.post(func() { a.takeLook(l) })
	})
}

// lookNow looks everywhere and takes what it found before it returns: a
// headless run says what it shares only once it knows.
func (a *trayApp) lookNow() {
	l, socket := a.newLook(true)
	a.runLook(&l, socket)
	a.takeLook(l)
}

// runLook probes, away from the event loop but for lookNow.
func (a *trayApp) runLook(l *look, socket string) {
	ctx, cancel := context.WithTimeout(a.life, 5*time.Second)
	defer cancel()
	l.found = a.cfg.detect(ctx, l.cands)
	if l.all { // which programs are installed changes seldom: not every round
		l.desktop = findDesktopState(a.cfg.find, a.cfg.monitors)
	}
	if socket != "" {
		_, l.localUp = probeVNC(ctx, "unix", socket)
	}
}

// takeLook takes a look's result into the state, unless a newer look's was
// taken; then it may move the share to a server found (adoptFoundServer).
func (a *trayApp) takeLook(l look) {
	if l.n < a.looks.taken {
		if l.all && l.n > a.looks.takenAll {
			a.looks.takenAll = l.n
			a.st.Desktop = l.desktop
			a.st.Found = append(slices.DeleteFunc(a.st.Found, isElsewhere), slices.DeleteFunc(l.found, func(f foundServer) bool {
				return !isElsewhere(f)
			})...)
		}
		a.log.Debug("a look for VNC servers was overtaken", "look", l.n, "newest", a.looks.taken)
		return
	}
	a.looks.taken = l.n
	found := l.found
	if l.all {
		a.looks.takenAll = l.n
		a.st.Desktop = l.desktop
	} else { // keep what the last look everywhere found elsewhere
		for _, f := range a.st.Found {
			if isElsewhere(f) && !slices.ContainsFunc(found, func(g foundServer) bool { return g.Addr == f.Addr }) &&
				!slices.Contains(l.cands, f.Addr) {
				found = append(found, f)
			}
		}
	}
	if l.sh != nil && l.sh.local != nil && a.share == l.sh {
		a.noteLocalAnswers(l.localUp)
	}
	a.st.Found = found
	a.noteTargetAnswers(l.cands)
	a.log.Debug("looked for VNC servers", "everywhere", l.all, "found", len(found))
	a.adoptFoundServer()
}

// isElsewhere: the server is on another computer.
func isElsewhere(f foundServer) bool {
	h, _, _ := net.SplitHostPort(f.Addr)
	return !isLocalHost(h)
}

// noteTargetAnswers says whether the shared VNC server answered the look
// that probed cands: the status and the icon warn while it does not.
func (a *trayApp) noteTargetAnswers(cands []string) {
	t := a.st.Settings.Target
	if !a.st.Sharing || !slices.Contains(cands, t) {
		if !a.st.Sharing {
			a.st.TargetDown = ""
		}
		return
	}
	if slices.ContainsFunc(a.st.Found, func(f foundServer) bool { return sameTarget(f.Addr, t) }) {
		if a.st.TargetDown != "" {
			a.log.Info("the VNC server answers", "target", t)
		}
		a.st.TargetDown = ""
		return
	}
	if a.st.TargetDown == "" {
		a.log.Warn("no VNC server answers", "target", t)
	}
	a.st.TargetDown = a.st.Words.Sprintf("no VNC server answers at %s", t)
}

// noteLocalAnswers says whether the desktop's VNC server answered on its
// socket.
func (a *trayApp) noteLocalAnswers(up bool) {
	name, _ := desktopProgram(a.st.Settings.Target)
	switch {
	case up:
		a.st.TargetDown = ""
	case a.st.TargetDown == "":
		a.st.TargetDown = a.st.Words.Sprintf("%s does not answer on its socket", name)
		a.log.Warn(a.st.TargetDown)
	}
}

// adoptFoundServer: on the first run, when no VNC server answers at the
// default target but one was found, share that one; or this desktop, by
// the rule desktopInstead. Neither choice is saved until the user changes
// something; a share that runs moves to it.
func (a *trayApp) adoptFoundServer() {
	s := a.st.Settings
	if slices.ContainsFunc(a.st.Found, func(f foundServer) bool { return sameTarget(f.Addr, s.Target) }) {
		return
	}
	if a.firstRun && len(a.st.Found) > 0 && s.Target == defaultTarget {
		a.log.Info("first run: sharing the VNC server found", "target", a.st.Found[0].Addr)
		s.Target = a.st.Found[0].Addr
	} else if d, ok := desktopInstead(s, a.firstRun, func() bool { return len(a.st.Found) == 0 }, a.st.Desktop); ok {
		a.log.Info("no VNC server runs: sharing this desktop", "program", a.st.Desktop.Prog.Name, "instead of", s.Target)
		s = d
	} else {
		return
	}
	if a.share == nil {
		a.st.Settings = s // saved when the user changes anything
		return
	}
	if err := a.reshare(s); err != nil {
		a.tell(err.Error())
	}
}

// desktopInstead is the rule "share this desktop when nothing answers", the
// tray's and the service's: when the target is on this computer, nobody
// chose it in vncbridge (a first run, or settings without recent targets: a
// file written by hand or by an installer), nothing answers there
// (nothingAnswers, asked last: it may probe), and a program can serve this
// desktop, that desktop is shared instead. ok tells whether s changed.
func desktopInstead(s settings, firstRun bool, nothingAnswers func() bool, d desktopState) (_ settings, ok bool) {
	host, _, err := net.SplitHostPort(s.Target)
	_, desktop := desktopProgram(s.Target)
	chosen := !firstRun && len(s.RecentTargets) > 0
	if desktop || err != nil || !isLocalHost(host) || chosen || !nothingAnswers() || !d.OK {
		return s, false
	}
	s.Target = desktopPrefix + d.Prog.Name
	return s, true
}
