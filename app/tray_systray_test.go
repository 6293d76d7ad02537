//go:build !darwin || cgo

package app

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vncbridge/assets/icons"
)

// fakeLib plays fyne.io/systray's menu: reset removes every item, closing its
// click channel, as systray.ResetMenu does.
type fakeLib struct {
	mu    sync.Mutex
	items []*fakeEntry
}

type fakeEntry struct {
	title string
	ch    chan struct{}
}

func (l *fakeLib) add(parent menuEntry, title, tip string, checkbox, checked bool) menuEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := &fakeEntry{title: title, ch: make(chan struct{})}
	l.items = append(l.items, e)
	return e
}

func (l *fakeLib) addSeparator(menuEntry) {}

func (l *fakeLib) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.items {
		close(e.ch)
	}
	l.items = nil
}

func (l *fakeLib) setIcon(template, regular []byte) {}
func (l *fakeLib) setTooltip(string)                {}

func (l *fakeLib) entries() []*fakeEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*fakeEntry(nil), l.items...)
}

func (e *fakeEntry) clicked() <-chan struct{} { return e.ch }
func (e *fakeEntry) setTitle(string)          {}
func (e *fakeEntry) setTooltip(string)        {}
func (e *fakeEntry) setChecked(bool)          {}
func (e *fakeEntry) setDisabled(bool)         {}

// Rebuilding the menu closes the old items' click channels; not one of those
// closes may reach the app as a click (it once stepped the listen port through
// every choice and turned on Allow other computers by itself).
func TestRebuildNeverClicks(t *testing.T) {
	var clicks atomic.Int64
	var mu sync.Mutex
	var clicked []string
	tray := &systrayTray{lib: &fakeLib{}}
	// Every item's action counts as a click, named after the item.
	var count func(items []menuItem) []menuItem
	count = func(items []menuItem) []menuItem {
		for i := range items {
			title := items[i].Title
			if items[i].Action != nil {
				items[i].Action = func() {
					clicks.Add(1)
					mu.Lock()
					clicked = append(clicked, title)
					mu.Unlock()
				}
			}
			items[i].Children = count(items[i].Children)
		}
		return items
	}
	st := state{Settings: defaultSettings(), Version: "test"}
	for i := 0; i < 3000; i++ {
		// Alternate two shapes so that every Show rebuilds.
		st.Settings.AllowRemote = i%2 == 0
		tray.Show(icons.Idle, "tip", count(menuOf(st)))
		if i%100 == 0 {
			time.Sleep(time.Millisecond) // let forwarders run between rebuilds too
		}
	}
	time.Sleep(50 * time.Millisecond)
	if n := clicks.Load(); n != 0 {
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("%d phantom clicks from 3000 rebuilds, the first: %q", n, clicked[:min(len(clicked), 10)])
	}

	// A real click still arrives, once, at its item's action.
	tray.Show(icons.Idle, "tip", count(menuOf(st)))
	var quit *fakeEntry
	for _, e := range tray.lib.(*fakeLib).entries() {
		if e.title == "Quit" {
			quit = e
		}
	}
	if quit == nil {
		t.Fatal("the menu has no Quit item")
	}
	select {
	case quit.ch <- struct{}{}:
	case <-time.After(5 * time.Second):
		t.Fatal("nothing reads the Quit item's clicks")
	}
	deadline := time.Now().Add(5 * time.Second)
	for clicks.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if n := clicks.Load(); n != 1 || clicked[0] != "Quit" {
		t.Fatalf("one click on a live item arrived %d times: %q", n, clicked)
	}
}

// An item updated in place (the last port of the Listen port menu, 7000
// then 7001) does what it shows now, not what it did when it was built.
func TestInPlaceUpdateClicksTheCurrentAction(t *testing.T) {
	lib := &fakeLib{}
	tray := &systrayTray{lib: lib}
	got := make(chan string, 1)
	show := func(port int) {
		st := state{Settings: defaultSettings()}
		st.Settings.Port = port
		m := menuOf(st)
		for i, it := range m {
			if it.Title == "Listen port" {
				for j, c := range it.Children {
					title := c.Title
					m[i].Children[j].Action = func() { got <- title }
				}
			}
		}
		tray.Show(icons.Idle, "tip", m)
	}
	show(7000)
	entries := lib.entries()
	show(7001)
	if len(lib.entries()) != len(entries) {
		t.Fatal("the menu was rebuilt; this test needs an update in place")
	}
	var last *fakeEntry
	for _, e := range entries {
		if e.title == "7000" {
			last = e
		}
	}
	if last == nil {
		t.Fatal("no item 7000")
	}
	last.ch <- struct{}{}
	select {
	case title := <-got:
		if title != "7001" {
			t.Fatalf("the click ran the action of %q, want 7001's", title)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no click")
	}
}

// A forwarder ends when its item's channel is closed, without a click.
func TestForwardClicksClosedChannel(t *testing.T) {
	ch := make(chan struct{})
	gen := make(chan struct{})
	var n atomic.Int64
	done := make(chan struct{})
	go func() {
		forwardClicks(ch, gen, func() { n.Add(1) })
		close(done)
	}()
	ch <- struct{}{}
	close(ch)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the forwarder did not end when its channel was closed")
	}
	if n.Load() != 1 {
		t.Fatalf("got %d clicks, want the 1 sent", n.Load())
	}
}
