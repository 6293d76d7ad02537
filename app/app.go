package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// The desktop, behind small interfaces: the app's logic is tested with
// fakes of these, and the real tray test drives the real ones.
type (
	// A Tray shows the state: icon, tooltip and menu. Show is called from
	// the event loop only, with a menu that changed or not.
	Tray interface {
		Show(icon Icon, tooltip string, menu []MenuItem)
	}
	// An Opener opens a URL in the default browser, or a folder in the
	// file manager.
	Opener interface {
		Open(target string) error
	}
	// A Clipboard takes text.
	Clipboard interface {
		Copy(text string) error
	}
	// A Prompter asks the user for one line of text: a native dialog, or
	// an error when there is none (the app then opens its settings page).
	Prompter interface {
		Ask(ctx context.Context, title, prompt, value string) (answer string, ok bool, err error)
	}
	// A Notifier shows a desktop notification.
	Notifier interface {
		Notify(title, body string) error
	}
	// Autostart is "Start at login" for the tray.
	Autostart interface {
		Enabled() bool
		SetEnabled(on bool) error
	}
	// A ServiceControl installs and runs the vncbridge service.
	ServiceControl interface {
		Install() error
		Uninstall() error
		Start() error
		Stop() error
		Status() ServiceState
	}
)

// Options are what an App needs.
type Options struct {
	Paths   Paths
	Version string
	Web     fs.FS // the viewer the proxy serves
	Log     *slog.Logger
	Tray    Tray
	// TrayIcons gives the tray's icon for a state: a monochrome template
	// (macOS menu bar) and the regular icon (ICO on Windows, PNG elsewhere).
	TrayIcons func(Icon) (template, regular []byte)
	Opener    Opener
	Clipboard Clipboard
	Prompter  Prompter
	Notifier  Notifier
	Autostart Autostart
	Service   ServiceControl
	// Detect lists the VNC servers among candidates; nil probes them.
	Detect func(ctx context.Context, candidates []string) []FoundServer
	// DetectEvery is how often the VNC servers are looked for besides
	// when the menu opens; 0 means every 15 seconds.
	DetectEvery time.Duration
	// Headless starts sharing at once and prints the URL: there is no tray.
	Headless bool
}

// App is the tray application: one state, one event loop.
type App struct {
	opt     Options
	log     *slog.Logger
	st      State
	share   *share
	events  chan func()
	page    *settingsPage
	quit    chan struct{}
	viewers atomic.Int64  // open sessions, as the proxy last reported
	wake    chan struct{} // the proxy reported: read viewers
	// firstRun: no settings file yet, so the target may follow the first
	// VNC server found until the user picks one.
	firstRun bool
	// stopped is set by Quit: Run returns after this event.
	stopped bool
}

// New loads the settings and returns the App; a broken settings file is
// logged and replaced (see LoadSettings).
func New(opt Options) *App {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Detect == nil {
		opt.Detect = newDetector().detect
	}
	if opt.DetectEvery == 0 {
		opt.DetectEvery = 15 * time.Second
	}
	a := &App{opt: opt, log: opt.Log, events: make(chan func(), 16), quit: make(chan struct{}),
		wake: make(chan struct{}, 1)}
	_, statErr := os.Stat(opt.Paths.SettingsFile())
	a.firstRun = os.IsNotExist(statErr)
	s, err := LoadSettings(opt.Paths)
	if err != nil {
		a.log.Warn(err.Error())
		a.notify("vncbridge settings", err.Error())
	}
	a.st = State{Settings: s, Version: opt.Version}
	if opt.Autostart != nil {
		a.st.StartAtLogin = opt.Autostart.Enabled()
	}
	return a
}

// Click is a menu click; safe from any goroutine.
func (a *App) Click(id string) { a.post(func() { a.click(id) }) }

// MenuOpened asks for a fresh look for VNC servers and at the service;
// safe from any goroutine.
func (a *App) MenuOpened() {
	a.post(func() {
		a.startDetect(true)
		a.startServiceCheck()
	})
}

// OpenBrowser opens the viewer (a second launch asks for this).
func (a *App) OpenBrowser() { a.post(func() { a.click(idOpen) }) }

// Quit stops sharing and ends Run.
func (a *App) Quit() { a.post(func() { a.click(idQuit) }) }

func (a *App) post(f func()) {
	select {
	case a.events <- f:
	case <-a.quit:
	}
}

// Run is the event loop; it returns when the user quits or ctx is done, with
// sharing stopped.
func (a *App) Run(ctx context.Context) error {
	defer close(a.quit)
	defer a.stopSharing()
	defer func() {
		if a.page != nil {
			a.page.close()
		}
	}()
	a.refreshService()
	a.startDetect(true)
	if a.opt.Headless || a.st.Settings.ShareOnStart {
		a.startSharing()
		if a.st.Sharing {
			fmt.Printf("vncbridge: sharing %s; open %s\n", a.st.Settings.Target, a.st.Settings.localURL())
		}
	}
	a.render()
	tick := time.NewTicker(a.opt.DetectEvery)
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
			a.st.Viewers = int(a.viewers.Load())
		case <-tick.C:
			// This computer's servers only (other hosts when the menu opens);
			// the service where no menu-open event tells when to look.
			a.startDetect(false)
			if runtime.GOOS == "windows" {
				a.startServiceCheck()
			}
		}
		a.render()
	}
}

// handle runs one event; a bug in it is logged and shown, and the tray
// goes on.
func (a *App) handle(f func()) {
	defer func() {
		if r := recover(); r != nil {
			a.log.Error("internal error", "panic", r, "stack", string(debug.Stack()))
			a.st.Err = "Internal error (see vncbridge.log)"
		}
	}()
	f()
}

// render shows the state; the tray skips what did not change.
func (a *App) render() {
	if a.opt.Tray != nil {
		a.opt.Tray.Show(a.st.Icon(), "vncbridge: "+a.st.Status(), Menu(a.st))
	}
}

func (a *App) click(id string) {
	switch {
	case id == idStart:
		if a.st.Service.Installed && !a.st.serviceRunning() {
			a.serviceDo("start")
			return
		}
		a.startSharing()
	case id == idStop:
		if a.st.serviceRunning() {
			a.serviceDo("stop")
			return
		}
		a.stopSharing()
		a.st.Err = ""
	case id == idOpen:
		if !a.st.Sharing && !a.st.serviceRunning() {
			a.startSharing()
			if !a.st.Sharing {
				return
			}
		}
		a.open(a.st.Settings.localURL())
	case id == idCopyLink:
		link := a.st.Settings.shareURL()
		if a.opt.Clipboard == nil {
			a.notify("Share link", link)
			return
		}
		if err := a.opt.Clipboard.Copy(link); err != nil {
			a.log.Warn("clipboard", "err", err)
			a.notify("Share link", link)
			return
		}
		a.notify("Share link copied", "Send it to the viewer; it carries the secret token.")
	case strings.HasPrefix(id, idPortPrefix):
		p, err := strconv.Atoi(strings.TrimPrefix(id, idPortPrefix))
		if err == nil {
			a.setPort(p)
		}
	case id == idPortOther:
		a.ask("Listen port", "Port for the browser to connect to (1–65535):", strconv.Itoa(a.st.Settings.Port), func(v string) {
			p, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || p < 1 || p > 65535 {
				a.fail(fmt.Sprintf("%q is not a port between 1 and 65535", v))
				return
			}
			a.setPort(p)
		})
	case strings.HasPrefix(id, idTargetPrefix):
		a.setTarget(strings.TrimPrefix(id, idTargetPrefix))
	case id == idTargetOther:
		a.ask("Target VNC server", "VNC server to share, as host:port:", a.st.Settings.Target, func(v string) {
			v = strings.TrimSpace(v)
			if !strings.Contains(v, ":") && v != "" {
				v += ":5900"
			}
			if err := ValidateTarget(v); err != nil {
				a.fail(err.Error())
				return
			}
			a.setTarget(v)
		})
	case id == idRecord:
		a.update(func(s *Settings) { s.Record = !s.Record })
	case id == idRecordings:
		if err := os.MkdirAll(a.opt.Paths.Recordings, 0o700); err != nil {
			a.fail(err.Error())
			return
		}
		a.open(a.opt.Paths.Recordings)
	case id == idRemote:
		a.update(func(s *Settings) {
			s.AllowRemote = !s.AllowRemote
			if s.AllowRemote {
				s.Token = newToken() // a new secret for each share
			}
		})
	case id == idSvcInstall:
		a.serviceDo("install")
	case id == idSvcUninstall:
		a.serviceDo("uninstall")
	case id == idSvcStart:
		a.serviceDo("start")
	case id == idSvcStop:
		a.serviceDo("stop")
	case id == idLogin:
		if a.opt.Autostart == nil {
			a.fail("Start at login is not available here")
			return
		}
		on := !a.st.StartAtLogin
		if err := a.opt.Autostart.SetEnabled(on); err != nil {
			a.fail("Start at login: " + err.Error())
			return
		}
		a.st.StartAtLogin = a.opt.Autostart.Enabled()
	case id == idAbout:
		a.openPage("about")
	case id == idQuit:
		a.stopped = true
	default:
		a.log.Debug("menu: unknown item", "id", id)
	}
}

// startSharing starts the proxy with the settings; a failure is the state's
// error.
func (a *App) startSharing() {
	if a.share != nil {
		return
	}
	if a.st.serviceRunning() {
		a.fail("The vncbridge service is already sharing; stop it first")
		return
	}
	sh, err := startShare(a.st.Settings, shareOptions{paths: a.opt.Paths, web: a.opt.Web, log: a.log,
		onSessions: a.sessionsChanged})
	if err != nil {
		a.fail(err.Error())
		return
	}
	a.share, a.st.Sharing, a.st.Err = sh, true, ""
	a.viewers.Store(0)
	a.st.Viewers = 0
	a.log.Info("sharing", "target", a.st.Settings.Target, "url", a.st.Settings.baseURL())
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

// sessionsChanged is called by the proxy with its lock held: it must not
// wait for the event loop.
func (a *App) sessionsChanged(n int) {
	a.viewers.Store(int64(n))
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

func (a *App) stopSharing() {
	if a.share == nil {
		return
	}
	sh := a.share
	a.share, a.st.Sharing, a.st.Viewers = nil, false, 0
	sh.stop()
	a.log.Info("stopped sharing")
}

// update changes the settings, saves them, and restarts sharing with them
// when it was on.
func (a *App) update(change func(*Settings)) {
	a.firstRun = false
	s := a.st.Settings
	s.RecentTargets = slices.Clone(s.RecentTargets)
	change(&s)
	if err := s.Validate(); err != nil {
		a.fail(err.Error())
		return
	}
	if err := SaveSettings(a.opt.Paths, s); err != nil {
		a.fail("Cannot save the settings: " + err.Error())
		return
	}
	a.st.Settings, a.st.Err = s, ""
	if a.share != nil {
		a.stopSharing()
		a.startSharing()
	}
}

func (a *App) setPort(p int) { a.update(func(s *Settings) { s.Port = p }) }

func (a *App) setTarget(t string) { a.update(func(s *Settings) { *s = s.withTarget(t) }) }

// fail shows err in the status line (as a sentence: "Port 6080 is in use")
// and the log.
func (a *App) fail(err string) {
	if r, size := utf8.DecodeRuneInString(err); size > 0 {
		err = string(unicode.ToUpper(r)) + err[size:]
	}
	a.st.Err = err
	a.log.Warn(err)
}

func (a *App) open(target string) {
	if a.opt.Opener == nil {
		a.fail("No browser to open " + target)
		return
	}
	if err := a.opt.Opener.Open(target); err != nil {
		a.fail(fmt.Sprintf("Cannot open %s: %v", target, err))
	}
}

func (a *App) notify(title, body string) {
	if a.opt.Notifier != nil {
		if err := a.opt.Notifier.Notify(title, body); err != nil {
			a.log.Debug("notification", "err", err)
		}
	}
}

// ask asks with a native dialog in the background (the menu stays live), or
// opens the settings page when there is none.
func (a *App) ask(title, prompt, value string, then func(string)) {
	if a.opt.Prompter == nil {
		a.openPage("")
		return
	}
	go func() {
		v, ok, err := a.opt.Prompter.Ask(context.Background(), title, prompt, value)
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
// and at the saved targets elsewhere when all is set.
func (a *App) startDetect(all bool) {
	saved := append([]string{a.st.Settings.Target}, a.st.Settings.RecentTargets...)
	if !all {
		saved = slices.DeleteFunc(saved, func(t string) bool {
			h, _, err := net.SplitHostPort(t)
			return err != nil || !isLocalHost(h)
		})
	}
	cands := localCandidates(saved)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		found := a.opt.Detect(ctx, cands)
		a.post(func() {
			if !all { // keep what the last full look found elsewhere
				for _, f := range a.st.Found {
					if h, _, _ := net.SplitHostPort(f.Addr); !isLocalHost(h) {
						found = append(found, f)
					}
				}
			}
			a.st.Found = found
			a.adoptFoundServer()
		})
	}()
}

// adoptFoundServer: on the first run, when no VNC server answers at the
// default target but one was found, share that one.
func (a *App) adoptFoundServer() {
	s := a.st.Settings
	if !a.firstRun || len(a.st.Found) == 0 || s.Target != DefaultTarget ||
		slices.ContainsFunc(a.st.Found, func(f FoundServer) bool { return sameTarget(f.Addr, s.Target) }) {
		return
	}
	a.log.Info("first run: sharing the VNC server found", "target", a.st.Found[0].Addr)
	a.st.Settings.Target = a.st.Found[0].Addr // saved when the user changes anything
}

// startServiceCheck asks the service manager in the background (it may run
// a program such as systemctl).
func (a *App) startServiceCheck() {
	if a.opt.Service == nil {
		return
	}
	go func() {
		st := a.opt.Service.Status()
		a.post(func() { a.st.Service = st })
	}()
}

func (a *App) refreshService() {
	if a.opt.Service != nil {
		a.st.Service = a.opt.Service.Status()
	}
}

// serviceDo runs a service action in the background (it may ask for a
// password) and shows the outcome.
func (a *App) serviceDo(what string) {
	svc := a.opt.Service
	if svc == nil {
		a.fail("No service manager on this system")
		return
	}
	do := map[string]func() error{"install": svc.Install, "uninstall": svc.Uninstall, "start": svc.Start, "stop": svc.Stop}[what]
	if what == "install" || what == "start" {
		a.stopSharing() // the service takes the port
	}
	go func() {
		err := do()
		a.post(func() {
			a.refreshService()
			if err != nil {
				a.fail(fmt.Sprintf("Service %s: %v", what, err))
				return
			}
			a.st.Err = ""
			a.log.Info("service "+what, "installed", a.st.Service.Installed, "running", a.st.Service.Running)
		})
	}()
}
