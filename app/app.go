package app

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"vncbridge/app/localvnc"
	"vncbridge/assets/icons"
	"vncbridge/internal/localpage"
	"vncbridge/internal/words"
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
	// asker asks about the files viewers send (question.go); without one,
	// viewers send none.
	asker questioner
	// chooser picks the files offered to viewers (offers.go); without
	// one, none are.
	chooser fileChooser
	// noteWithButton tells in a notification with one button, and whether
	// it was clicked (notifyWithButton); nil: notifications without one.
	noteWithButton func(ctx context.Context, title, body, label string) (bool, error)
	autostart      autostart
	service        serviceControl
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
	// language is the tray's language chosen on the command line ("":
	// the language setting, else the system's languages).
	language string
	// systemLanguages lists the person's languages, best first (nil:
	// none, so English unless chosen).
	systemLanguages func() []string
	// thisComputer tells a viewer's address on this computer from one on
	// another (nil: loopback addresses are this computer's).
	thisComputer func(host string) bool
	// find tells which program can serve this desktop (nil:
	// localvnc.Find); startLocal starts it (nil: localvnc.Start).
	find       desktopFinder
	startLocal localStarter
	// monitors lists this desktop's monitors (nil: localvnc.Monitors).
	monitors monitorLister
	// tailnetAuthKey logs the tailnet node in without a person ("": the
	// login page).
	tailnetAuthKey string
	// funnelTLS is the TLS of the public (Funnel) listener (nil: the
	// node's certificate from the tailnet; tests give their own).
	funnelTLS *tls.Config
}

// trayApp is the tray application: one state, one event loop.
//
// Its files, one concern each: loop.go (the event loop and its lifetime),
// actions.go (what the menu's items do), sharing.go (starting, moving and
// stopping the share), look.go (looking for VNC servers), servicewatch.go
// (the installed service seen from the tray), viewers.go, consent.go,
// recordings.go, menu.go and state.go (what is shown).
type trayApp struct {
	cfg  config
	tray trayView // nil when headless
	log  *slog.Logger
	st   state
	// words is the language the app speaks, chosen at start (st.Words
	// too): read from any goroutine.
	words words.Printer
	share *share
	// draining are shares replaced by a change of the settings: they take
	// no new viewers, and are stopped when their last viewer leaves.
	draining []*share
	events   chan func()
	page     *settingsPage
	// life ends when the app does (Quit, or Run's context): every
	// goroutine, dialog and child program the app starts hangs from it.
	life context.Context
	end  context.CancelFunc
	// keptOut are the viewers the person sharing disconnected, until
	// sharing stops.
	keptOut keptOut
	// workers are the goroutines started by background.
	workers sync.WaitGroup
	wake    chan struct{} // a proxy reported a viewer: list the viewers
	// viewerQueue holds viewers joining and leaving for the event loop.
	viewerQueue viewerEvents
	// firstRun: no settings file yet, so the target may follow the first
	// VNC server found until the user picks one.
	firstRun bool
	// stopped is set by quit: Run returns after this event.
	stopped bool
	// lastLook is when the menu's opening last started a look; looks
	// numbers the looks, so that a late one never overwrites a newer one.
	lastLook time.Time
	looks    lookCount
	// serviceSeen is what serviceSign said at the last look at the service.
	serviceSeen string
	// shown is the status last printed by a headless run.
	shown string
	// recPage is the recordings page, once opened; pruning: the limits of
	// the recordings folder are being applied.
	recPage *localpage.Server
	pruning bool
	// tn is the tailnet node while sharing on the tailnet (tailnet.go).
	tn *tailnetRun
}

// words is the tray's language: the command line's, else the language
// setting (when vncbridge speaks it), else the first of the system's
// languages it speaks, else English.
func (cfg config) words(s settings) words.Printer {
	_, unknown := words.Lookup(s.Language)
	switch {
	case cfg.language != "":
		return words.For(cfg.language)
	case s.Language != "" && unknown == nil:
		return words.For(s.Language)
	case cfg.systemLanguages != nil:
		return words.For(cfg.systemLanguages()...)
	}
	return words.English
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
	if cfg.thisComputer == nil {
		cfg.thisComputer = isLoopback
	}
	if cfg.startLocal == nil {
		cfg.startLocal = startLocal
	}
	if cfg.monitors == nil {
		cfg.monitors = localvnc.Monitors
	}
	a := &trayApp{cfg: cfg, tray: tray, log: cfg.log, events: make(chan func(), 16), wake: make(chan struct{}, 1)}
	a.life, a.end = context.WithCancel(context.Background())
	_, statErr := os.Stat(cfg.paths.SettingsFile())
	a.firstRun = os.IsNotExist(statErr)
	s, err := loadSettings(cfg.paths)
	a.words = cfg.words(s)
	if err != nil { // the log says why; the person, where
		a.log.Warn(err.Error())
		a.notify(a.words.Sprintf("vncbridge settings"), a.words.Sprintf("The settings in %s could not be read, so vncbridge uses the defaults; the log says why", cfg.paths.SettingsFile()))
	}
	if s.Language != "" && cfg.language == "" {
		if _, err := words.Lookup(s.Language); err != nil {
			a.log.Warn(fmt.Sprintf("the \"language\" setting in %s: %v", cfg.paths.SettingsFile(), err))
			a.notify(a.words.Sprintf("vncbridge settings"), a.words.Sprintf("The \"language\" setting in %s is %s, which vncbridge does not speak; it speaks %s",
				cfg.paths.SettingsFile(), strconv.Quote(s.Language), strings.Join(words.Languages(), ", ")))
		}
	}
	a.st = state{Settings: s, Version: cfg.version, NoServiceManager: cfg.service == nil, Words: a.words}
	a.st.Desktop = findDesktopState(cfg.find, cfg.monitors)
	if cfg.autostart != nil {
		a.st.StartAtLogin = cfg.autostart.Enabled()
	}
	return a
}
