//go:build !darwin || cgo

package app

import (
	"context"
	"sync"
	"time"

	"fyne.io/systray"

	"vncbridge/assets/icons"
)

// noTrayBuilt is empty: this build has a tray.
const noTrayBuilt = ""

// runTray runs the app in the system tray until the user quits; started is
// called with the trayApp before its loop runs. It must be called from the
// main goroutine (the macOS and Windows trays need it).
func runTray(cfg config, started func(*trayApp)) error {
	t := &systrayTray{lib: fyneLib{}}
	a := newApp(cfg, t)
	result := make(chan error, 1) // Run's, once it returned
	systray.Run(func() {
		systray.SetTitle("vncbridge")
		go func() {
			for range systray.TrayOpenedCh {
				a.menuOpened()
			}
		}()
		if err := platform.watchMenus(a.menuOpened); err != nil {
			a.log.Debug("menu opens are not watched", "err", err)
		}
		started(a)
		go func() {
			result <- a.Run(context.Background())
			systray.Quit()
		}()
	}, func() {
		// The tray ends: Quit, or Windows asking (WM_CLOSE from taskkill,
		// WM_ENDSESSION at logoff or shutdown, after which the process is
		// ended). Sessions are closed (1001) before this returns.
		a.Quit()
		select {
		case err := <-result:
			result <- err
		case <-time.After(5 * time.Second):
			a.log.Warn("the tray ended before sharing had stopped")
		}
	})
	select {
	case err := <-result:
		return err
	default:
		return nil
	}
}

// systrayTray shows the state with fyne.io/systray. A menu whose shape did
// not change is updated in place (an open menu stays open when a viewer
// joins); a new shape is rebuilt.
type systrayTray struct {
	mu    sync.Mutex
	lib   menuLib
	shown bool
	icon  icons.State
	tip   string
	shape string
	flat  []menuItem    // the menu shown, flattened: a click runs the action shown now
	items []menuEntry   // in the order of flat; nil for separators
	gen   chan struct{} // closed when the items are replaced
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

func (t *systrayTray) Show(icon icons.State, tip string, menu []menuItem) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.shown || icon != t.icon {
		t.lib.setIcon(icons.Template(icon), icons.Tray(icon))
	}
	if !t.shown || tip != t.tip {
		t.lib.setTooltip(tip)
	}
	t.shown, t.icon, t.tip = true, icon, tip
	flat := flatten(menu)
	if shape := menuShape(menu); shape != t.shape || t.items == nil {
		t.rebuild(menu)
		t.shape = shape
	} else {
		for i, m := range flat {
			update(t.items[i], t.flat[i], m)
		}
	}
	t.flat = flat
}

// clickAt runs the action of the item at index i of the menu shown now: an
// item updated in place (a port menu's last port) does what it says now.
func (t *systrayTray) clickAt(i int) {
	t.mu.Lock()
	var action func()
	if i < len(t.flat) {
		action = t.flat[i].Action
	}
	t.mu.Unlock()
	if action != nil {
		action()
	}
}

// rebuild replaces the whole menu. The old items' forwarders are told to stop
// first; the library then closes the old click channels, which they read as
// the end of the item, never as a click.
func (t *systrayTray) rebuild(menu []menuItem) {
	if t.gen != nil {
		close(t.gen)
		t.lib.reset()
	}
	t.gen = make(chan struct{})
	t.items = nil
	var add func(parent menuEntry, items []menuItem)
	add = func(parent menuEntry, items []menuItem) {
		for _, m := range items {
			if m.Separator {
				t.lib.addSeparator(parent)
				t.items = append(t.items, nil)
				continue
			}
			it := t.lib.add(parent, m.Title, m.Tooltip, m.Checkbox, m.Checked)
			i := len(t.items)
			t.items = append(t.items, it)
			if m.Disabled {
				it.setDisabled(true)
			}
			if m.Action != nil {
				go forwardClicks(it.clicked(), t.gen, func() { t.clickAt(i) })
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
func forwardClicks(clicked <-chan struct{}, gen <-chan struct{}, click func()) {
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
			click()
		}
	}
}

func update(it menuEntry, was, now menuItem) {
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
