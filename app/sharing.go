package app

import (
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"vncbridge/app/localvnc"
)

// The tray's share: started, moved to new settings without dropping a
// viewer, and stopped (share.go is the share itself).

// startSharing starts the proxy with the settings; a failure is the state's
// error.
func (a *trayApp) startSharing() {
	if a.share != nil {
		return
	}
	if a.st.serviceRunning() {
		a.tell(a.st.Words.Sprintf("The vncbridge service is already sharing; stop it first"))
		return
	}
	if a.st.Settings.needsTokens() {
		if a.firstRun { // saved with the first change, as the first run's target is
			a.st.Settings.mintTokens(false)
		} else {
			a.update(func(s *settings) { s.mintTokens(false) }) // settings from before every share had tokens
		}
	}
	sh, err := startShare(a.st.Settings, a.shareOptions())
	if errors.Is(err, errPortInUse) {
		a.fail(a.st.Words.Sprintf("port %s is in use; %s", strconv.Itoa(a.st.Settings.Port), a.freePortHint()))
		return
	}
	if ae := (adviceError{}); errors.As(err, &ae) {
		adv := adviceIn(a.st.Words, ae.advice)
		a.fail(adv.Summary)
		a.st.ErrAdvice = &adv
		return
	}
	if err != nil {
		a.fail(a.reasonOf(err))
		return
	}
	a.serve(sh)
}

// shareOptions are a share's options from the app's config.
func (a *trayApp) shareOptions() shareOptions {
	consent := a.consent
	if a.cfg.headless {
		consent = nil // nobody at a tray to answer
	}
	o := shareOptions{life: a.life, monitors: a.cfg.monitors, sharerOnly: true, keptOut: &a.keptOut, thisComputer: a.cfg.thisComputer, paths: a.cfg.paths, web: a.cfg.web, log: a.log,
		find: a.cfg.find, start: a.cfg.startLocal, onLocal: a.localStatus,
		version: a.cfg.version, onRecordError: a.recordingFailed,
		onViewer: a.viewerReported, consent: consent}
	o.askFile, o.onFile = a.fileHooks()
	o.onReceiving = a.receivingFile
	o.words = a.st.Words
	return o
}

// localStatus is told by the desktop's VNC server of sh that it restarted
// or gave up (the zero Note when it runs again); from the server's
// goroutine. The status line says it in the person's words.
func (a *trayApp) localStatus(sh *share, n localvnc.Note) {
	a.post(func() {
		if a.share == sh {
			if n.Format != "" {
				a.log.Warn(n.String())
			}
			a.st.LocalNote = noteIn(a.st.Words, n)
		}
	})
}

// serve makes sh the share, and checks at once that its target answers.
// The recordings folder is kept within its limits.
func (a *trayApp) serve(sh *share) {
	a.share, a.st.Sharing, a.st.Err, a.st.LocalNote, a.st.RecordingStopped = sh, true, "", "", ""
	a.st.Fingerprint = sh.fingerprint
	if !strings.HasSuffix(a.st.TargetDown, " "+sh.settings.Target) {
		a.st.TargetDown = "" // another target: unknown until looked at
	}
	if sh.monitorGone != "" {
		a.st.LocalNote = a.st.Words.Sprintf("monitor %s is gone: sharing all monitors", sh.monitorGone)
		a.notify("vncbridge", a.st.Words.Sprintf("Monitor %s is gone: sharing all monitors instead", sh.monitorGone))
	}
	a.pruneRecordings()
	a.countViewers()
	a.log.Info("sharing", "target", a.st.Settings.Target, "url", a.st.Settings.baseURL())
	a.syncTailnet()
	a.startLook(false)
	go func() {
		err := <-sh.ended
		a.post(func() {
			if a.share != sh {
				return // stopped on purpose
			}
			a.share, a.st.Sharing = nil, false
			if err != nil && !errors.Is(err, net.ErrClosed) {
				a.fail(a.st.Words.Sprintf("Sharing stopped: %s", a.reasonOf(err)))
			}
		})
	}()
}

// countViewers lists the viewers of the share and of the shares being
// drained (listViewers), and stops those of the latter that have none left.
// A viewer that left may have left because the VNC server went away: the
// target is looked at again (a local server is not visited while its port
// listens).
func (a *trayApp) countViewers() {
	before := len(a.st.Watching)
	a.listViewers()
	kept := a.draining[:0]
	for _, sh := range a.draining {
		if slices.ContainsFunc(a.st.Watching, func(w watcher) bool { return w.sh == sh }) {
			kept = append(kept, sh)
		} else {
			a.background(sh.stop)
		}
	}
	a.draining = kept
	if len(a.st.Watching) < before && a.st.Sharing {
		a.startLook(false)
		a.pruneRecordings() // a recording may have ended
	}
}

// stopSharing stops the share and the shares being drained, all at once:
// every viewer is disconnected.
func (a *trayApp) stopSharing() {
	if a.share == nil && len(a.draining) == 0 {
		return
	}
	a.keptOut.clear() // a new share lets everyone in again
	shares := append(a.draining, a.share)
	a.share, a.draining, a.st.Sharing, a.st.Watching, a.st.TargetDown, a.st.LocalNote, a.st.Fingerprint = nil, nil, false, nil, "", "", ""
	var wg sync.WaitGroup
	for _, sh := range shares {
		if sh != nil {
			wg.Go(sh.stop)
		}
	}
	wg.Wait()
	a.removeOfferCopies() // their offers ended with the shares
	a.syncTailnet()
	a.log.Info("stopped sharing")
}

// reshare moves sharing to s: a new share takes the new viewers, and the
// old one keeps its viewers until they leave (a change never drops an open
// session, except taking the desktop off the network, which ends the
// sessions of other computers: endNetworkSessions). A new listener on the
// same port starts beside the old one where the system allows both, else
// after it was closed. When the new share cannot start on another port (a
// busy one), the old share goes on and the error is returned.
func (a *trayApp) reshare(s settings) error {
	old := a.share
	samePlace := old.settings.Port == s.Port && old.settings.AllowRemote == s.AllowRemote
	if samePlace {
		old.closeListeners() // the new share listens on the same port
	}
	sh, err := startShare(s, a.shareOptions())
	if errors.Is(err, errPortInUse) && !samePlace && old.settings.Port == s.Port {
		// Every interface and loopback alone on one port: the system does
		// not let both listen, so the old listener goes first.
		samePlace = true
		old.closeListeners()
		sh, err = startShareOnFreedPort(s, a.shareOptions())
	}
	if errors.Is(err, errPortInUse) {
		err = errors.New(a.st.Words.Sprintf("port %s is in use", strconv.Itoa(s.Port)))
	}
	if err != nil && !samePlace {
		return err // the old share goes on
	}
	if old.settings.AllowRemote && (!s.AllowRemote || s.Token != old.settings.Token) {
		a.endNetworkSessions(old)
	}
	a.st.Settings = s
	a.draining = append(a.draining, old)
	if err != nil { // the old listener is closed: sharing stopped
		a.share, a.st.Sharing = nil, false
		a.fail(err.Error())
		a.countViewers()
		return nil
	}
	if !samePlace {
		old.closeListeners()
	}
	a.serve(sh)
	return nil
}

// startShareOnFreedPort starts s on the port a share has just closed. Linux
// (6.x) refuses the wildcard address for a moment after loopback's
// listeners closed while their sessions go on (measured: about 1 try in 10,
// and always free again 50 ms later), so a refusal is tried again for up to
// a second before it is believed.
func startShareOnFreedPort(s settings, o shareOptions) (*share, error) {
	deadline := time.Now().Add(time.Second)
	for {
		sh, err := startShare(s, o)
		if !errors.Is(err, errPortInUse) || time.Now().After(deadline) {
			return sh, err
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// update changes the settings, moves sharing to them when it is on
// (without dropping a viewer), and saves them. A refusal is told and
// returned, and changes nothing.
func (a *trayApp) update(change func(*settings)) error {
	s := a.st.Settings
	s.RecentTargets = slices.Clone(s.RecentTargets)
	change(&s)
	err := s.validate()
	if err == nil && a.share != nil {
		err = a.reshare(s)
	}
	if err == nil {
		if serr := saveSettings(a.cfg.paths, s); serr != nil {
			err = errors.New(a.st.Words.Sprintf("the settings could not be saved") + ": " + a.reasonOf(serr))
		}
	}
	if err != nil {
		a.tell(err.Error())
		return err
	}
	a.firstRun = false
	a.st.Settings = s
	return nil
}

// networkGone is the reason the page of a viewer on another computer shows
// when the desktop is taken off the network, or its link is replaced.
const networkGone = "The person sharing stopped sharing with other computers"

// endNetworkSessions ends the sessions of sh (a share open to other
// computers) that came from other computers, and says how many in a
// notification; this computer's go on.
func (a *trayApp) endNetworkSessions(sh *share) {
	n := 0
	for _, v := range sh.srv.Viewers() {
		if a.cfg.thisComputer(viewerHost(v)) {
			continue
		}
		if err := sh.srv.Disconnect(v.ID, networkGone); err == nil {
			n++
		}
	}
	if n > 0 {
		a.notify("vncbridge", a.st.Words.Sprintf("%d viewers on other computers were disconnected", n))
	}
	a.log.Info("the desktop is off the network", "disconnected", n)
}

// freePortHint names a port that is free now, near the busy one, in the
// words of the run: the menu's, or the command line's.
func (a *trayApp) freePortHint() string {
	busy := a.st.Settings.Port
	for p := busy + 1; p <= busy+100 && p <= 65535; p++ {
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		ln.Close()
		if a.cfg.headless {
			return a.st.Words.Sprintf("port %s is free: try --port %s", strconv.Itoa(p), strconv.Itoa(p))
		}
		return a.st.Words.Sprintf("port %s is free: choose it in Listen port ▸ Other…", strconv.Itoa(p))
	}
	return a.st.Words.Sprintf("choose another port")
}
