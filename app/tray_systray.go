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
	t := &systrayTray{click: a.Click, icons: a.opt.TrayIcons}
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
	shown bool
	icon  Icon
	tip   string
	shape string
	menu  []MenuItem
	items []*systray.MenuItem // in the order of flatten(menu)
	gen   chan struct{}       // closed when the items are replaced
	click func(string)
	icons func(Icon) (template, regular []byte)
}

func (t *systrayTray) Show(icon Icon, tip string, menu []MenuItem) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.shown || icon != t.icon {
		if t.icons != nil {
			systray.SetTemplateIcon(t.icons(icon))
		}
	}
	if !t.shown || tip != t.tip {
		systray.SetTooltip(tip)
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

// rebuild replaces the whole menu.
func (t *systrayTray) rebuild(menu []MenuItem) {
	if t.gen != nil {
		close(t.gen)
		systray.ResetMenu()
	}
	t.gen = make(chan struct{})
	t.items = nil
	var add func(parent *systray.MenuItem, items []MenuItem)
	add = func(parent *systray.MenuItem, items []MenuItem) {
		for _, m := range items {
			var it *systray.MenuItem
			switch {
			case m.Separator && parent == nil:
				systray.AddSeparator()
			case m.Separator:
				parent.AddSeparator()
			case parent == nil && m.Checkbox:
				it = systray.AddMenuItemCheckbox(m.Title, m.Tooltip, m.Checked)
			case parent == nil:
				it = systray.AddMenuItem(m.Title, m.Tooltip)
			case m.Checkbox:
				it = parent.AddSubMenuItemCheckbox(m.Title, m.Tooltip, m.Checked)
			default:
				it = parent.AddSubMenuItem(m.Title, m.Tooltip)
			}
			t.items = append(t.items, it)
			if it == nil {
				continue
			}
			if m.Disabled {
				it.Disable()
			}
			if m.ID != "" {
				go forwardClicks(it, m.ID, t.gen, t.click)
			}
			add(it, m.Children)
		}
	}
	add(nil, menu)
}

// forwardClicks sends an item's clicks to the app until its menu is replaced.
func forwardClicks(it *systray.MenuItem, id string, gen chan struct{}, click func(string)) {
	for {
		select {
		case <-it.ClickedCh:
			click(id)
		case <-gen:
			return
		}
	}
}

func update(it *systray.MenuItem, was, now MenuItem) {
	if it == nil {
		return
	}
	if was.Title != now.Title {
		it.SetTitle(now.Title)
	}
	if was.Tooltip != now.Tooltip {
		it.SetTooltip(now.Tooltip)
	}
	if was.Checked != now.Checked {
		if now.Checked {
			it.Check()
		} else {
			it.Uncheck()
		}
	}
	if was.Disabled != now.Disabled {
		if now.Disabled {
			it.Disable()
		} else {
			it.Enable()
		}
	}
}
