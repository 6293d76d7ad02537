package app

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"vncbridge/internal/words"
)

// Options are what the command line gives the tray application.
type Options struct {
	Paths   Paths
	Version string
	Web     fs.FS // the viewer the proxy serves
	Log     *slog.Logger
	// Out receives the address of a headless share.
	Out io.Writer
	// Headless shares at once with the saved settings: no tray icon.
	Headless bool
	// Port, Target, Record and AllowRemote, when set, change the saved
	// settings as the menu's choices do (Target as ParseTarget reads it).
	Port        int
	Target      string
	Record      *bool
	AllowRemote *bool
	// Language is the language the tray speaks this run, a BCP 47 tag or
	// a locale name ("de", "pt-BR", "ja_JP.UTF-8"); "" is the language
	// setting, else the system's language.
	Language string
	// Tailnet, Funnel, TailnetHostname and TailnetControlURL, when set, change the
	// saved tailnet settings; TailnetAuthKey (not saved) logs the node in
	// without a person.
	Tailnet           *bool
	Funnel            *bool
	TailnetHostname   string
	TailnetControlURL string
	TailnetAuthKey    string
	// LoginArgs are the arguments "Start at login" starts vncbridge with
	// (such as --config-dir DIR).
	LoginArgs []string
}

// Run runs the tray application until the user quits, a signal asks it to
// stop, or (headless) sharing cannot start. It must run on the main
// goroutine. When this user's tray runs already, it is asked to open the
// browser and Run returns ErrAlreadyRunning.
func Run(opt Options) error {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opener := redirectOpener{dir: opt.Paths.OpenDir(), next: browser{}}
	cfg := config{
		paths: opt.Paths, version: opt.Version, web: opt.Web, log: log, out: opt.Out,
		opener: opener, clipboard: systemClipboard{},
		prompter: dialogPrompter{}, consenter: askSharer(opener.Open),
		notifier: &desktopNotifier{}, autostart: loginItem{args: opt.LoginArgs}, headless: opt.Headless,
		changes: opt.changes(), language: opt.Language, systemLanguages: words.System,
		tailnetAuthKey: opt.TailnetAuthKey,
	}
	cfg.asker = askSharerAbout(opener.Open, cfg.consenter) // in the line of the viewers' questions
	cfg.chooser = dialogChooser{}
	cfg.noteWithButton = notifyWithButton
	if svc, err := NewService(opt.Paths, opt.Web, log, !platform.isRoot()); err == nil {
		cfg.service = elevated{svc: svc, paths: opt.Paths}
	} else {
		log.Warn("no service manager", "err", err)
	}
	if !cfg.headless {
		if why := trayHost(); why != nil {
			log.Warn("running without a tray icon: " + why.Error())
			w := cfg.words(settings{}) // the settings are read later: the command line's or the system's language
			cfg.notifier.Notify(w.Sprintf("vncbridge runs without a tray icon"), w.Sprintf("%s. It shares with the saved settings; see the log for the address.", sentence(reason(w, why))))
			cfg.headless = true
		}
	}
	// A later launch asks this one to open the browser: the request waits
	// in opens until the app runs.
	opens := make(chan struct{}, 1)
	inst, err := claim(opt.Paths, func() {
		select {
		case opens <- struct{}{}:
		default:
		}
	})
	if errors.Is(err, ErrAlreadyRunning) {
		return err
	}
	if err != nil {
		log.Warn("cannot watch for a second launch", "err", err)
	} else {
		defer inst.release()
	}
	started := func(a *trayApp) {
		go func() {
			for range opens {
				a.openBrowser()
			}
		}()
		go func() { // Ctrl-C or a logout: stop sharing cleanly
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
			<-sig
			a.Quit()
		}()
	}
	if cfg.headless {
		a := newApp(cfg, nil)
		started(a)
		return a.Run(context.Background())
	}
	return runTray(cfg, started)
}

// trayHost tells why a tray cannot show the icon here (nil when it can): a
// build without a tray has none, whatever the desktop.
func trayHost() error {
	if noTrayBuilt != "" {
		return knownError{say: noTrayBuilt}
	}
	return platform.trayHost()
}

// changes are the settings given on the command line, as a change of the
// saved ones; nil when there are none.
func (opt Options) changes() func(*settings) {
	if opt.Port == 0 && opt.Target == "" && opt.Record == nil && opt.AllowRemote == nil &&
		opt.Tailnet == nil && opt.Funnel == nil && opt.TailnetHostname == "" && opt.TailnetControlURL == "" {
		return nil
	}
	return func(s *settings) {
		if opt.Port != 0 {
			s.Port = opt.Port
		}
		if opt.Target != "" {
			if t, err := ParseTarget(opt.Target); err == nil {
				*s = s.withTarget(t)
			} else {
				s.Target = opt.Target // refused by validate, with the reason
			}
		}
		if opt.Record != nil {
			s.Record = *opt.Record
		}
		if opt.AllowRemote != nil && *opt.AllowRemote != s.AllowRemote {
			s.AllowRemote = *opt.AllowRemote
			s.mintTokens(true) // as the menu's item does: old links stop working
		}
		if opt.Tailnet != nil {
			s.Tailnet = *opt.Tailnet
		}
		if opt.Funnel != nil {
			s.Funnel = *opt.Funnel
		}
		if opt.TailnetHostname != "" {
			s.TailnetHostname = opt.TailnetHostname
		}
		if opt.TailnetControlURL != "" {
			s.TailnetControlURL = opt.TailnetControlURL
		}
	}
}
