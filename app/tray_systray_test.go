//go:build !darwin || cgo

package app

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vncbridge/assets/icons"
	"vncbridge/internal/testnet"
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
	tray := testTray(t, &fakeLib{})
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
	// Two states whose menus differ in shape (one found server more), so
	// that every Show rebuilds.
	st := state{Settings: defaultSettings(), Version: "test"}
	found := []foundServer{{Addr: "localhost:5901", Version: "3.8"}}
	other := st
	other.Found = found
	if menuShape(menuOf(st)) == menuShape(menuOf(other)) {
		t.Fatal("the two menus have one shape: Show would update in place, not rebuild")
	}
	for i := 0; i < 3000; i++ {
		st.Found = found[:i%2]
		tray.Show(icons.Idle, "tip", count(menuOf(st)))
		if i%100 == 0 {
			// Not a wait for anything: a pause now and then lets the
			// forwarders run between rebuilds too, not only after them.
			time.Sleep(time.Millisecond)
		}
	}
	// A phantom click comes from an old item's forwarder before it ends:
	// once only the shown menu's forwarders are left, every one has come.
	waitForwarders(t, menuOf(st))
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
	testnet.WaitFor(t, "the click on Quit", func() bool { return clicks.Load() > 0 })
	// A second click would come from a forwarder of this menu: replace
	// it, and wait for them all to end.
	st.Found = found[:1-len(st.Found)]
	tray.Show(icons.Idle, "tip", count(menuOf(st)))
	waitForwarders(t, menuOf(st))
	mu.Lock()
	defer mu.Unlock()
	if n := clicks.Load(); n != 1 || clicked[0] != "Quit" {
		t.Fatalf("one click on a live item arrived %d times: %q", n, clicked)
	}
}

// testTray is a systrayTray on lib whose forwarders end with the test.
func testTray(t *testing.T, lib *fakeLib) *systrayTray {
	tray := &systrayTray{lib: lib}
	t.Cleanup(func() {
		tray.mu.Lock()
		defer tray.mu.Unlock()
		if tray.gen != nil {
			close(tray.gen)
		}
	})
	return tray
}

// waitForwarders waits until the click forwarders alive are those of menu
// alone: the forwarders of the menus it replaced have ended.
func waitForwarders(t *testing.T, menu []menuItem) {
	t.Helper()
	want := 0
	for _, m := range flatten(menu) {
		if !m.Separator && m.Action != nil {
			want++
		}
	}
	testnet.WaitFor(t, "the replaced menus' forwarders to end", func() bool { return forwardersAlive() == want })
}

// forwardersAlive counts the goroutines in forwardClicks, from a dump of
// every goroutine's stack.
func forwardersAlive() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "app.forwardClicks(")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// An item updated in place (the last port of the Listen port menu, 7000
// then 7001) does what it shows now, not what it did when it was built.
func TestInPlaceUpdateClicksTheCurrentAction(t *testing.T) {
	lib := &fakeLib{}
	tray := testTray(t, lib)
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
	t.Parallel()
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
