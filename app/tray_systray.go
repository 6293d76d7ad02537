//go:build !darwin || cgo

package app

import (
	"context"
	"runtime"
	"sync"

	"fyne.io/systray"
	"github.com/godbus/dbus/v5"
)

// trayHost tells whether a system tray can show the icon, and why not.
// On Linux that is a StatusNotifierWatcher on the session bus (a panel with
// a tray); without one, fyne.io/systray would run with nothing to show.
func trayHost() (bool, string) {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" && runtime.GOOS != "openbsd" && runtime.GOOS != "netbsd" {
		return true, ""
	}
	conn, err := dbus.SessionBus()
	if err != nil {
		return false, "no D-Bus session bus (" + err.Error() + ")"
	}
	var has bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	if err != nil || !has {
		return false, "no system tray on this desktop (nothing owns org.kde.StatusNotifierWatcher on the session bus)"
	}
	return true, ""
}

// runTray runs a in the system tray until the user quits. It must be
// called from the main goroutine (the macOS and Windows trays need it).
func runTray(a *App) error {
	t := &systrayTray{lib: fyneLib{}, click: a.Click, icons: a.opt.TrayIcons}
	a.opt.Tray = t
	var runErr error
	systray.Run(func() {
		systray.SetTitle("vncbridge")
		go func() {
			for range systray.TrayOpenedCh {
				a.MenuOpened()
			}
		}()
		go func() {
			runErr = a.Run(context.Background())
			systray.Quit()
		}()
	}, nil)
	return runErr
}

// systrayTray shows the state with fyne.io/systray. A menu whose shape did
// not change is updated in place (an open menu stays open when a viewer
// joins); a new shape is rebuilt.
type systrayTray struct {
	mu    sync.Mutex
	lib   menuLib
	shown bool
	icon  Icon
	tip   string
	shape string
	menu  []MenuItem
	items []menuEntry   // in the order of flatten(menu); nil for separators
	gen   chan struct{} // closed when the items are replaced
	click func(string)
	icons func(Icon) (template, regular []byte)
}

// menuLib is the part of fyne.io/systray that builds the menu, so that the
// rebuild and its click forwarding run in tests against a fake library.
type menuLib interface {
	add(parent menuEntry, title, tip string, checkbox, checked bool) menuEntry
	addSeparator(parent menuEntry)
	reset() // removes every item, closing their click channels
	setIcon(template, regular []byte)
	setTooltip(tip string)
}

// menuEntry is one item the library shows.
type menuEntry interface {
	clicked() <-chan struct{}
	setTitle(string)
	setTooltip(string)
	setChecked(bool)
	setDisabled(bool)
}

// fyneLib is menuLib over fyne.io/systray.
type fyneLib struct{}

type fyneEntry struct{ *systray.MenuItem }

func (fyneLib) add(parent menuEntry, title, tip string, checkbox, checked bool) menuEntry {
	var it *systray.MenuItem
	switch p, _ := parent.(fyneEntry); {
	case p.MenuItem == nil && checkbox:
		it = systray.AddMenuItemCheckbox(title, tip, checked)
	case p.MenuItem == nil:
		it = systray.AddMenuItem(title, tip)
	case checkbox:
		it = p.AddSubMenuItemCheckbox(title, tip, checked)
	default:
		it = p.AddSubMenuItem(title, tip)
	}
	return fyneEntry{it}
}

func (fyneLib) addSeparator(parent menuEntry) {
	if p, ok := parent.(fyneEntry); ok {
		p.AddSeparator()
		return
	}
	systray.AddSeparator()
}

func (fyneLib) reset()                           { systray.ResetMenu() }
func (fyneLib) setIcon(template, regular []byte) { systray.SetTemplateIcon(template, regular) }
func (fyneLib) setTooltip(tip string)            { systray.SetTooltip(tip) }

func (e fyneEntry) clicked() <-chan struct{} { return e.ClickedCh }
func (e fyneEntry) setTitle(s string)        { e.SetTitle(s) }
func (e fyneEntry) setTooltip(s string)      { e.SetTooltip(s) }

func (e fyneEntry) setChecked(on bool) {
	if on {
		e.Check()
	} else {
		e.Uncheck()
	}
}

func (e fyneEntry) setDisabled(off bool) {
	if off {
		e.Disable()
	} else {
		e.Enable()
	}
}

func (t *systrayTray) Show(icon Icon, tip string, menu []MenuItem) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.shown || icon != t.icon {
		if t.icons != nil {
			t.lib.setIcon(t.icons(icon))
		}
	}
	if !t.shown || tip != t.tip {
		t.lib.setTooltip(tip)
	}
	t.shown, t.icon, t.tip = true, icon, tip
	if shape := menuShape(menu); shape != t.shape || t.items == nil {
		t.rebuild(menu)
		t.shape = shape
	} else {
		old := flatten(t.menu)
		for i, m := range flatten(menu) {
			update(t.items[i], old[i], m)
		}
	}
	t.menu = menu
}

// rebuild replaces the whole menu. The old items' forwarders are told to stop
// first; the library then closes the old click channels, which they read as
// the end of the item, never as a click.
func (t *systrayTray) rebuild(menu []MenuItem) {
	if t.gen != nil {
		close(t.gen)
		t.lib.reset()
	}
	t.gen = make(chan struct{})
	t.items = nil
	var add func(parent menuEntry, items []MenuItem)
	add = func(parent menuEntry, items []MenuItem) {
		for _, m := range items {
			if m.Separator {
				t.lib.addSeparator(parent)
				t.items = append(t.items, nil)
				continue
			}
			it := t.lib.add(parent, m.Title, m.Tooltip, m.Checkbox, m.Checked)
			t.items = append(t.items, it)
			if m.Disabled {
				it.setDisabled(true)
			}
			if m.ID != "" {
				go forwardClicks(it.clicked(), m.ID, t.gen, t.click)
			}
			add(it, m.Children)
		}
	}
	add(nil, menu)
}

// forwardClicks sends an item's clicks to the app until its menu is replaced
// or the item is removed. A closed channel is never a click: the library
// closes an item's channel when it removes the item, and a receive from it
// is ready at once, for ever.
func forwardClicks(clicked <-chan struct{}, id string, gen <-chan struct{}, click func(string)) {
	for {
		select {
		case <-gen:
			return
		case _, ok := <-clicked:
			if !ok {
				return
			}
			select {
			case <-gen: // the menu was replaced meanwhile: the click was on an item that is gone
				return
			default:
			}
			click(id)
		}
	}
}

func update(it menuEntry, was, now MenuItem) {
	if it == nil {
		return
	}
	if was.Title != now.Title {
		it.setTitle(now.Title)
	}
	if was.Tooltip != now.Tooltip {
		it.setTooltip(now.Tooltip)
	}
	if was.Checked != now.Checked {
		it.setChecked(now.Checked)
	}
	if was.Disabled != now.Disabled {
		it.setDisabled(now.Disabled)
	}
}
