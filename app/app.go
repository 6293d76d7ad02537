package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"vncbridge/assets/icons"
	"vncbridge/internal/localpage"
	"vncbridge/proxy"
)

// The desktop, behind small interfaces: the app's logic is tested with
// fakes of these, and the real tray test drives the real ones.
type (
	// A trayView shows the state: icon, tooltip and menu. Show is called
	// from the event loop only, with a menu that changed or not.
	trayView interface {
		Show(icon icons.State, tooltip string, menu []menuItem)
	}
	// An opener opens a URL in the default browser, or a folder in the
	// file manager.
	opener interface {
		Open(target string) error
	}
	// A clipboard takes text.
	clipboard interface {
		Copy(text string) error
	}
	// A prompter asks the user for one line of text: a native dialog, or
	// errNoDialog when there is none (the app then opens its settings page).
	prompter interface {
		Ask(ctx context.Context, title, prompt, value string) (answer string, ok bool, err error)
	}
	// A notifier shows a desktop notification.
	notifier interface {
		Notify(title, body string) error
	}
	// A consenter asks the person sharing whether a viewer may join
	// (dialogConsenter). It is called from the proxy's goroutines, never
	// from the event loop, and gives up when ctx is done.
	consenter interface {
		Consent(ctx context.Context, v proxy.Viewer) (proxy.Decision, error)
	}
	// autostart is "Start at login" for the tray.
	autostart interface {
		Enabled() bool
		SetEnabled(on bool) error
	}
	// A serviceControl installs and runs the vncbridge service.
	serviceControl interface {
		Install() error
		Uninstall() error
		Start() error
		Stop() error
		Status() ServiceState
	}
)

// config is what a trayApp needs: the settings' place, the viewer, and the
// desktop's parts (nil where the desktop has none).
type config struct {
	paths     Paths
	version   string
	web       fs.FS // the viewer the proxy serves
	log       *slog.Logger
	out       io.Writer // where a headless run prints the address
	opener    opener
	clipboard clipboard
	prompter  prompter
	notifier  notifier
	// consenter asks before a viewer joins when the settings say so;
	// without one, such viewers are refused.
	consenter consenter
	autostart autostart
	service   serviceControl
	// detect lists the VNC servers among candidates; nil probes them.
	detect func(ctx context.Context, candidates []string) []foundServer
	// every is how often the VNC servers and the service are looked at
	// besides when the menu opens; 0 means every 15 seconds.
	every time.Duration
	// serviceFiles are the service's definition files, watched between
	// looks at the service; nil: the platform's.
	serviceFiles []string
	// headless starts sharing at once and prints the URL: there is no tray.
	headless bool
	// changes are the command line's settings, saved as menu choices are.
	changes func(*settings)
	// find tells which program can serve this desktop (nil:
	// localvnc.Find); startLocal starts it (nil: localvnc.Start).
	find       desktopFinder
	startLocal localStarter
}

// trayApp is the tray application: one state, one event loop.
type trayApp struct {
	cfg   config
	tray  trayView // nil when headless
	log   *slog.Logger
	st    state
	share *share
	// draining are shares replaced by a change of the settings: they take
	// no new viewers, and are stopped when their last viewer leaves.
	draining []*share
	events   chan func()
	page     *settingsPage
	quit     chan struct{}
	wake     chan struct{} // a proxy reported a viewer: list the viewers
	// viewerQueue holds viewers joining and leaving for the event loop.
	viewerQueue viewerEvents
	// firstRun: no settings file yet, so the target may follow the first
	// VNC server found until the user picks one.
	firstRun bool
	// stopped is set by quit: Run returns after this event.
	stopped bool
	// lastLook is when the menu's opening last started a look.
	lastLook time.Time
	// serviceSeen is what serviceSign said at the last look at the service.
	serviceSeen string
	// shown is the status last printed by a headless run.
	shown string
	// recPage is the recordings page, once opened; pruning: the limits of
	// the recordings folder are being applied.
	recPage *localpage.Server
	pruning bool
}

// newApp loads the settings and returns the trayApp showing itself on tray (nil
// for none); a broken settings file is logged and replaced (see
// loadSettings).
func newApp(cfg config, tray trayView) *trayApp {
	if cfg.log == nil {
		cfg.log = slog.New(slog.DiscardHandler)
	}
	if cfg.out == nil {
		cfg.out = io.Discard
	}
	if cfg.detect == nil {
		cfg.detect = newDetector().detect
	}
	if cfg.every == 0 {
		cfg.every = 15 * time.Second
	}
	if cfg.serviceFiles == nil {
		cfg.serviceFiles = platform.serviceFiles()
	}
	if cfg.find == nil {
		cfg.find = findDesktop
	}
	if cfg.startLocal == nil {
		cfg.startLocal = startLocal
	}
	a := &trayApp{cfg: cfg, tray: tray, log: cfg.log, events: make(chan func(), 16), quit: make(chan struct{}),
		wake: make(chan struct{}, 1)}
	_, statErr := os.Stat(cfg.paths.SettingsFile())
	a.firstRun = os.IsNotExist(statErr)
	s, err := loadSettings(cfg.paths)
	if err != nil {
		a.log.Warn(err.Error())
		a.notify("vncbridge settings", err.Error())
	}
	a.st = state{Settings: s, Version: cfg.version}
	a.st.Desktop.Prog, a.st.Desktop.OK, a.st.Desktop.Advice = cfg.find()
	if cfg.autostart != nil {
		a.st.StartAtLogin = cfg.autostart.Enabled()
	}
	return a
}

// menuOpened asks for a fresh look for VNC servers and at the service;
// safe from any goroutine. Panels say it several times for one opening
// (once per submenu): one look a second is enough.
func (a *trayApp) menuOpened() {
	a.post(func() {
		if time.Since(a.lastLook) < time.Second {
			return
		}
		a.lastLook = time.Now()
		a.startDetect(true)
		a.checkService(true)
	})
}

// openBrowser opens the viewer (a second launch asks for this); safe from
// any goroutine.
func (a *trayApp) openBrowser() { a.post(a.openViewer) }

// Quit stops sharing and ends Run; safe from any goroutine.
func (a *trayApp) Quit() { a.post(a.quitNow) }

// quitNow ends Run after this event, saying how many viewers that
// disconnects.
func (a *trayApp) quitNow() {
	a.stopped = true
	if n := len(a.st.Watching); n > 0 {
		were := fmt.Sprintf("%d viewers were", n)
		if n == 1 {
			were = "1 viewer was"
		}
		a.tell(were + " disconnected when vncbridge quit")
	}
}

// post runs f on the event loop; after Run returned, f is dropped.
func (a *trayApp) post(f func()) {
	select {
	case a.events <- f:
	case <-a.quit:
	}
}

// do is a menu item's action: f run on the event loop.
func (a *trayApp) do(f func()) func() { return func() { a.post(f) } }

// Run is the event loop; it returns when the user quits or ctx is done, with
// sharing stopped. A headless run that cannot share returns the reason.
func (a *trayApp) Run(ctx context.Context) error {
	defer close(a.quit)
	defer a.stopSharing()
	defer func() {
		if a.page != nil {
			a.page.close()
		}
		if a.recPage != nil {
			a.recPage.Close()
		}
	}()
	if a.cfg.service != nil { // what the service does decides whether this tray shares
		sign, _ := serviceSign(a.cfg.serviceFiles, a.st.Settings.Port, false)
		a.setService(a.lookAtService(sign))
	}
	if a.cfg.changes != nil {
		a.update(a.cfg.changes)
	}
	a.startDetect(true)
	if a.cfg.headless || a.st.Settings.ShareOnStart {
		a.startSharing()
		if a.st.Sharing {
			fmt.Fprintf(a.cfg.out, "vncbridge: sharing %s; open %s\n", targetLabel(a.st.Settings.Target), a.st.Settings.localURL())
		} else if a.cfg.headless {
			if a.st.Err == "" {
				return errors.New("sharing did not start (see the log)")
			}
			return errors.New(a.st.Err)
		}
	}
	a.render()
	tick := time.NewTicker(a.cfg.every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case f := <-a.events:
			a.handle(f)
			if a.stopped {
				return nil
			}
		case <-a.wake:
			a.countViewers()
		case <-tick.C:
			// This computer's servers only (other hosts when the menu
			// opens, and the target while sharing), and the service, which
			// may change behind the tray.
			a.startDetect(false)
			a.checkService(false)
		}
		a.render()
	}
}

// handle runs one event; a bug in it is logged and shown, and the tray
// goes on.
func (a *trayApp) handle(f func()) {
	defer func() {
		if r := recover(); r != nil {
			a.log.Error("internal error", "panic", r, "stack", string(debug.Stack()))
			a.st.Err = "Internal error (see vncbridge.log)"
		}
	}()
	f()
}

// render shows the state; the tray skips what did not change. Without a
// tray (headless), a status that changed is printed, with the advice's
// steps when it has some.
func (a *trayApp) render() {
	if a.tray != nil {
		a.tray.Show(a.st.icon(), "vncbridge: "+a.st.status(), a.menu(a.st))
		return
	}
	if st := a.st.status(); st != a.shown && (a.st.Sharing || a.st.Err != "") {
		a.shown = st
		fmt.Fprintf(a.cfg.out, "vncbridge: %s\n", st)
		if adv := a.st.advice(); adv != nil {
			for _, step := range adv.Steps {
				fmt.Fprintf(a.cfg.out, "  %s\n", step)
			}
		}
	}
}

// startSharingOrService is Start sharing: the installed service's if there
// is one, this process's proxy otherwise.
func (a *trayApp) startSharingOrService() {
	if a.st.Service.Installed && !a.st.serviceRunning() {
		a.serviceDo("start", serviceControl.Start)
		return
	}
	a.startSharing()
}

// stopSharingOrService is Stop sharing.
func (a *trayApp) stopSharingOrService() {
	if a.st.serviceRunning() {
		a.serviceDo("stop", serviceControl.Stop)
		return
	}
	a.stopSharing()
	a.st.Err = ""
}

// openViewer is Open in browser: it starts sharing if needed.
func (a *trayApp) openViewer() {
	if !a.st.Sharing && !a.st.serviceRunning() {
		a.startSharing()
		if !a.st.Sharing {
			return
		}
	}
	if a.st.serviceRunning() {
		a.open(a.st.serviceSettings().localURL())
		return
	}
	a.open(a.st.Settings.localURL())
}

// copyLink is Copy share link.
func (a *trayApp) copyLink() {
	link := a.st.Settings.shareURL()
	if a.cfg.clipboard == nil {
		a.notify("Share link", link)
		return
	}
	if err := a.cfg.clipboard.Copy(link); err != nil {
		a.log.Warn("clipboard", "err", err)
		a.notify("Share link (the clipboard did not take it)", link)
		return
	}
	a.notify("Share link copied", "Send it to the viewer; it carries the secret token.")
}

// askPort is Listen port ▸ Other….
func (a *trayApp) askPort() {
	a.ask("Listen port", "Port for the browser to connect to (1–65535):", fmt.Sprint(a.st.Settings.Port), func(v string) {
		p, err := ParsePort(v)
		if err != nil {
			a.tell(err.Error())
			return
		}
		a.setPort(p)
	})
}

// askTarget is Target VNC server ▸ Other….
func (a *trayApp) askTarget() {
	a.ask("Target VNC server", "VNC server to share (host:port, :display or a port):", a.st.Settings.Target, func(v string) {
		t, err := ParseTarget(v)
		if err != nil {
			a.tell(err.Error())
			return
		}
		a.setTarget(t)
	})
}

// toggleRemote is Allow other computers: a new secret for each share.
func (a *trayApp) toggleRemote() {
	a.update(func(s *settings) {
		s.AllowRemote = !s.AllowRemote
		if s.AllowRemote {
			s.Token = newToken()
			s.ViewOnlyToken = newToken()
		}
	})
}

// toggleLogin is Start at login.
func (a *trayApp) toggleLogin() {
	if a.cfg.autostart == nil {
		a.tell("Start at login is not available here")
		return
	}
	if err := a.cfg.autostart.SetEnabled(!a.st.StartAtLogin); err != nil {
		a.tell("Start at login: " + err.Error())
		return
	}
	a.st.StartAtLogin = a.cfg.autostart.Enabled()
}

// startSharing starts the proxy with the settings; a failure is the state's
// error.
func (a *trayApp) startSharing() {
	if a.share != nil {
		return
	}
	if a.st.serviceRunning() {
		a.tell("The vncbridge service is already sharing; stop it first")
		return
	}
	if s := a.st.Settings; s.AllowRemote && s.ViewOnlyToken == "" {
		a.update(func(s *settings) { s.ViewOnlyToken = newToken() }) // settings from before view-only links
	}
	sh, err := startShare(a.st.Settings, a.shareOptions())
	if err != nil {
		a.fail(err.Error())
		if ae := (adviceError{}); errors.As(err, &ae) {
			a.st.ErrAdvice = &ae.advice
		}
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
	return shareOptions{paths: a.cfg.paths, web: a.cfg.web, log: a.log,
		find: a.cfg.find, start: a.cfg.startLocal, onLocal: a.localStatus,
		version: a.cfg.version, onRecordError: a.recordingFailed,
		onViewer: a.viewerReported, consent: consent}
}

// localStatus is told by the desktop's VNC server of sh that it restarted
// or gave up ("" when it runs again); from the server's goroutine.
func (a *trayApp) localStatus(sh *share, msg string) {
	a.post(func() {
		if a.share == sh {
			if msg != "" {
				a.log.Warn(msg)
			}
			a.st.LocalNote = msg
		}
	})
}

// serve makes sh the share, and checks at once that its target answers.
// The recordings folder is kept within its limits.
func (a *trayApp) serve(sh *share) {
	a.share, a.st.Sharing, a.st.Err, a.st.LocalNote, a.st.RecordingStopped = sh, true, "", "", ""
	if !strings.HasSuffix(a.st.TargetDown, " "+sh.settings.Target) {
		a.st.TargetDown = "" // another target: unknown until looked at
	}
	a.pruneRecordings()
	a.countViewers()
	a.log.Info("sharing", "target", a.st.Settings.Target, "url", a.st.Settings.baseURL())
	a.startDetect(false)
	go func() {
		err := <-sh.ended
		a.post(func() {
			if a.share != sh {
				return // stopped on purpose
			}
			a.share, a.st.Sharing = nil, false
			if err != nil && !errors.Is(err, net.ErrClosed) {
				a.fail("Sharing stopped: " + err.Error())
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
			go sh.stop()
		}
	}
	a.draining = kept
	if len(a.st.Watching) < before && a.st.Sharing {
		a.startDetect(false)
		a.pruneRecordings() // a recording may have ended
	}
}

// stopSharing stops the share and the shares being drained: every viewer
// is disconnected.
func (a *trayApp) stopSharing() {
	if a.share == nil && len(a.draining) == 0 {
		return
	}
	shares := append(a.draining, a.share)
	a.share, a.draining, a.st.Sharing, a.st.Watching, a.st.TargetDown, a.st.LocalNote = nil, nil, false, nil, "", ""
	for _, sh := range shares {
		if sh != nil {
			sh.stop()
		}
	}
	a.log.Info("stopped sharing")
}

// reshare moves sharing to s: a new share takes the new viewers, and the
// old one keeps its viewers until they leave (a change never drops an open
// session). When the new share cannot start on another port (a busy one),
// the old share goes on and the error is returned.
func (a *trayApp) reshare(s settings) error {
	old := a.share
	samePlace := old.settings.Port == s.Port && old.settings.AllowRemote == s.AllowRemote
	if samePlace {
		old.closeListeners() // the new share listens on the same port
	}
	sh, err := startShare(s, a.shareOptions())
	if err != nil && !samePlace {
		return err // the old share goes on
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
			err = fmt.Errorf("the settings could not be saved: %w", serr)
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

func (a *trayApp) setPort(p int) { a.update(func(s *settings) { s.Port = p }) }

func (a *trayApp) setTarget(t string) { a.update(func(s *settings) { *s = s.withTarget(t) }) }

// fail shows err in the status line (as a sentence: "Port 6080 is in use")
// and the log.
func (a *trayApp) fail(err string) {
	a.st.Err = sentence(err)
	a.log.Warn(a.st.Err)
}

// tell says a one-off failure (a browser that did not open, a refused
// choice) in a notification, and leaves the status line to the state.
// Where no notification can be shown, the status line says it after all.
func (a *trayApp) tell(msg string) {
	msg = sentence(msg)
	a.log.Warn(msg)
	if a.cfg.notifier == nil {
		a.st.Err = msg
		return
	}
	if err := a.cfg.notifier.Notify("vncbridge", msg); err != nil {
		a.log.Debug("notification", "err", err)
		a.st.Err = msg
	}
}

// sentence starts s with a capital letter, for the status line and the
// page (errors are in lower case).
func sentence(s string) string {
	if r, size := utf8.DecodeRuneInString(s); size > 0 {
		return string(unicode.ToUpper(r)) + s[size:]
	}
	return s
}

// open opens a URL in the browser or a folder in the file manager; a
// failure says what to do instead.
func (a *trayApp) open(target string) {
	what := "the browser"
	if !strings.Contains(target, "://") {
		what = "the folder"
	}
	if a.cfg.opener == nil {
		a.tell(fmt.Sprintf("No program to open %s was found: open %s yourself", what, target))
		return
	}
	if err := a.cfg.opener.Open(target); err != nil {
		a.log.Warn("open", "target", target, "err", err)
		var exit *exec.ExitError
		if errors.Is(err, exec.ErrNotFound) || errors.As(err, &exit) && exit.ExitCode() == 3 {
			a.tell(fmt.Sprintf("No program to open %s was found: open %s yourself", what, target))
			return
		}
		a.tell(fmt.Sprintf("%s could not be opened: open %s yourself", sentence(what), target))
	}
}

func (a *trayApp) notify(title, body string) {
	if a.cfg.notifier != nil {
		if err := a.cfg.notifier.Notify(title, body); err != nil {
			a.log.Debug("notification", "err", err)
		}
	}
}

// ask asks with a native dialog in the background (the menu stays live), or
// opens the settings page when there is none.
func (a *trayApp) ask(title, prompt, value string, then func(string)) {
	if a.cfg.prompter == nil {
		a.openPage("")
		return
	}
	go func() {
		v, ok, err := a.cfg.prompter.Ask(context.Background(), title, prompt, value)
		a.post(func() {
			switch {
			case err != nil:
				a.log.Debug("no dialog; opening the settings page", "err", err)
				a.openPage("")
			case ok:
				then(v)
			}
		})
	}()
}

// startDetect looks for VNC servers in the background: on this computer,
// and, when all is set, at the saved targets elsewhere and for the program
// that can serve this desktop (localvnc.Find: a search of PATH).
func (a *trayApp) startDetect(all bool) {
	saved := append([]string{a.st.Settings.Target}, a.st.Settings.RecentTargets...)
	saved = slices.DeleteFunc(saved, func(t string) bool {
		h, _, err := net.SplitHostPort(t)
		_, desktop := desktopProgram(t)
		return err != nil || desktop || !all && !isLocalHost(h)
	})
	if _, desktop := desktopProgram(a.st.Settings.Target); a.st.Sharing && !desktop && !slices.Contains(saved, a.st.Settings.Target) {
		saved = append(saved, a.st.Settings.Target) // is the shared server there?
	}
	cands := localCandidates(saved)
	sh := a.share
	var socket string // the desktop's VNC server, when it is the target
	if sh != nil && sh.local != nil {
		socket = sh.local.Socket()
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		found := a.cfg.detect(ctx, cands)
		var desktop desktopState
		if all { // which programs are installed changes seldom: not every round
			desktop.Prog, desktop.OK, desktop.Advice = a.cfg.find()
		}
		localUp := false
		if socket != "" {
			_, localUp = probeVNC(ctx, "unix", socket)
		}
		a.post(func() {
			if all {
				a.st.Desktop = desktop
			}
			if socket != "" && a.share == sh {
				a.checkLocal(localUp)
			}
			if !all { // keep what the last full look found elsewhere
				for _, f := range a.st.Found {
					h, _, _ := net.SplitHostPort(f.Addr)
					if !isLocalHost(h) && !slices.ContainsFunc(found, func(g foundServer) bool { return g.Addr == f.Addr }) &&
						!slices.Contains(cands, f.Addr) {
						found = append(found, f)
					}
				}
			}
			a.st.Found = found
			a.checkTarget(cands)
			a.log.Debug("looked for VNC servers", "everywhere", all, "found", len(found))
			a.adoptFoundServer()
		})
	}()
}

// checkTarget says whether the shared VNC server answered the look that
// probed cands: the status and the icon warn while it does not.
func (a *trayApp) checkTarget(cands []string) {
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
	a.st.TargetDown = "no VNC server answers at " + t
}

// checkLocal says whether the desktop's VNC server answered on its socket.
func (a *trayApp) checkLocal(up bool) {
	name, _ := desktopProgram(a.st.Settings.Target)
	switch {
	case up:
		a.st.TargetDown = ""
	case a.st.TargetDown == "":
		a.st.TargetDown = name + " does not answer on its socket"
		a.log.Warn(a.st.TargetDown)
	}
}

// adoptFoundServer: on the first run, when no VNC server answers at the
// default target but one was found, share that one. When none was found
// at all and this desktop can be served, share this desktop: on the first
// run, or while the settings hold a target nobody chose in vncbridge (no
// recent targets: a file written by hand or by an installer), when that
// target is on this computer. Neither choice is saved until the user
// changes something; a share that runs moves to it.
func (a *trayApp) adoptFoundServer() {
	s := a.st.Settings
	answers := slices.ContainsFunc(a.st.Found, func(f foundServer) bool { return sameTarget(f.Addr, s.Target) })
	host, _, err := net.SplitHostPort(s.Target)
	_, desktop := desktopProgram(s.Target)
	switch {
	case answers:
		return
	case a.firstRun && len(a.st.Found) > 0 && s.Target == defaultTarget:
		a.log.Info("first run: sharing the VNC server found", "target", a.st.Found[0].Addr)
		s.Target = a.st.Found[0].Addr
	case (a.firstRun || len(s.RecentTargets) == 0) && len(a.st.Found) == 0 && a.st.Desktop.OK &&
		!desktop && err == nil && isLocalHost(host):
		a.log.Info("no VNC server runs: sharing this desktop", "program", a.st.Desktop.Prog.Name, "instead of", s.Target)
		s.Target = desktopPrefix + a.st.Desktop.Prog.Name
	default:
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

// checkService looks at the service in the background: at what can be
// seen of it without the service manager (serviceSign), and, when force is
// set or that changed since the last look (or cannot be had), at the
// service manager, which may run a program such as systemctl. The event
// loop does none of this I/O.
func (a *trayApp) checkService(force bool) {
	if a.cfg.service == nil {
		return
	}
	port, sharing, seen := a.st.Settings.Port, a.st.Sharing, a.serviceSeen
	go func() {
		sign, ok := serviceSign(a.cfg.serviceFiles, port, sharing)
		if !force && ok && sign == seen {
			return
		}
		v := a.lookAtService(sign)
		a.post(func() { a.setService(v) })
	}()
}

// A serviceView is what one look at the service found.
type serviceView struct {
	st ServiceState
	// settings are the service's own, when it was installed with another
	// settings directory.
	settings *settings
	sign     string // serviceSign's at the look
}

// lookAtService asks the service manager, and reads the service's settings
// when they are not the tray's; off the event loop, but at start.
func (a *trayApp) lookAtService(sign string) serviceView {
	v := serviceView{st: a.cfg.service.Status(), sign: sign}
	if dir := v.st.ConfigDir; dir != "" && !sameDir(dir, a.cfg.paths.Dir) {
		if s, err := peekSettings(dir); err == nil {
			v.settings = &s
		} else {
			a.log.Debug("the service's settings", "dir", dir, "err", err)
		}
	}
	return v
}

// setService takes what a look at the service found.
func (a *trayApp) setService(v serviceView) {
	a.st.Service, a.st.ServiceSettings, a.serviceSeen = v.st, v.settings, v.sign
}

// serviceSign is the cheap view of the service: its definition files, and
// whether something listens on the sharing port while this tray does not
// share. ok is false where the system does not tell which ports listen.
func serviceSign(files []string, port int, sharing bool) (sign string, ok bool) {
	ports, known := platform.listeningPorts()
	if !known {
		return "", false
	}
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			sign += fmt.Sprintf("%s@%d/%d;", f, fi.ModTime().UnixNano(), fi.Size())
		}
	}
	sign += fmt.Sprintf("port %d listening: %v", port, ports[port] && !sharing)
	return sign, true
}

// serviceDo runs a service action in the background (it may ask for a
// password) and shows the outcome.
func (a *trayApp) serviceDo(what string, do func(serviceControl) error) {
	svc := a.cfg.service
	if svc == nil {
		a.fail("No service manager on this system")
		return
	}
	if what == "start" {
		a.stopSharing() // the service takes the port
	}
	port, sharing := a.st.Settings.Port, a.st.Sharing
	go func() {
		err := do(svc)
		sign, _ := serviceSign(a.cfg.serviceFiles, port, sharing)
		v := a.lookAtService(sign)
		a.post(func() {
			a.setService(v)
			switch {
			case errors.Is(err, ErrNotInstalled):
				a.tell("The service is not installed: choose Run in background ▸ Install as service")
			case errors.Is(err, errAlreadyInstalled):
				a.tell("The service is already installed")
			case err != nil:
				a.tell(fmt.Sprintf("The service could not %s: %v", what, err))
			default:
				a.log.Info("service "+what, "installed", a.st.Service.Installed, "running", a.st.Service.Running)
			}
		})
	}()
}
