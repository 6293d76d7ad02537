package app

import (
	"strconv"
	"strings"
	"testing"

	"vncbridge/app/localvnc"
)

var (
	leftMonitor  = localvnc.Monitor{Name: "LEFT-1", Width: 320, Height: 240, Place: "left"}
	rightMonitor = localvnc.Monitor{Name: "RIGHT-1", Width: 320, Height: 240, X: 320, Place: "right"}
)

// On a desktop of two monitors, This desktop is a menu: All monitors (the
// default) and each monitor by its name, size and place. Choosing one
// while sharing serves it alone, named for the viewers; the choice is
// saved by the monitor's name and kept by the next run; a monitor gone
// falls back to all of them, with a notification.
func TestMonitorsInTheMenu(t *testing.T) {
	d := newFakeDesktop(t)
	d.setMonitors(leftMonitor, rightMonitor)
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: "desktop:x11vnc"}, d.use)
	desktop := []string{"Target VNC server", "This desktop (x11vnc)"}
	var got []string
	if it, ok := h.item(desktop...); ok {
		for _, c := range it.Children {
			got = append(got, c.Title)
		}
	}
	want := []string{"All monitors", "LEFT-1, 320×240, on the left", "RIGHT-1, 320×240, on the right"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("This desktop's menu: %q, want %q", got, want)
	}
	if it, _ := h.item(append(desktop, "All monitors")...); !it.Checked {
		t.Fatal("All monitors is not the choice at first")
	}

	h.click("Start sharing")
	h.waitStatus("sharing all monitors", prefix("Sharing this desktop (x11vnc) at"))
	if c := d.children(); len(c) != 1 || c[0].opt.Monitor != nil {
		t.Fatalf("all monitors: the child was given monitor %+v", c[0].opt.Monitor)
	}
	h.click(append(desktop, "RIGHT-1, 320×240, on the right")...)
	h.waitStatus("sharing RIGHT-1", prefix("Sharing this desktop (x11vnc, monitor RIGHT-1) at http://localhost:"+strconv.Itoa(port)))
	c := d.children()
	if len(c) != 2 || c[1].opt.Monitor == nil || *c[1].opt.Monitor != rightMonitor {
		t.Fatalf("a new child for RIGHT-1: %d children, the last given %+v", len(c), c[len(c)-1].opt.Monitor)
	}
	if name := c[1].opt.DesktopName; !strings.HasPrefix(name, "RIGHT-1 on ") {
		t.Fatalf("the desktop's name for viewers: %q", name)
	}
	greetAndEcho(t, port)
	if it, _ := h.item(append(desktop, "RIGHT-1, 320×240, on the right")...); !it.Checked {
		t.Fatal("RIGHT-1 is not checked")
	}
	saved, err := loadSettings(h.paths)
	if err != nil || saved.Target != "desktop:x11vnc:RIGHT-1" {
		t.Fatalf("the saved target: %q, %v", saved.Target, err)
	}

	// The next run has the same choice.
	h.app.Quit()
	<-h.done
	h.done <- nil // for the cleanup
	h2 := startApp(t, saved, d.use)
	if it, _ := h2.item(append(desktop, "RIGHT-1, 320×240, on the right")...); !it.Checked {
		t.Fatalf("RIGHT-1 is not the choice after a restart: %+v", h2.menu())
	}

	// RIGHT-1 unplugged: all monitors are shared, and the person is told.
	d.setMonitors(leftMonitor)
	h2.click("Start sharing")
	h2.waitNote("Monitor RIGHT-1 is gone: sharing all monitors instead")
	h2.waitStatus("the fallback in the status", func(s string) bool { return strings.HasSuffix(s, "— monitor RIGHT-1 is gone: sharing all monitors") })
	c = d.children()
	if last := c[len(c)-1]; last.opt.Monitor != nil {
		t.Fatalf("a gone monitor: the child was given %+v", last.opt.Monitor)
	}
	greetAndEcho(t, saved.Port)
}

// In a wlroots session the compositor's outputs are offered as X11's
// monitors are, and the one chosen is given to wayvnc.
func TestWaylandOutputsInTheMenu(t *testing.T) {
	d := newFakeDesktop(t)
	d.prog = localvnc.Program{Name: "wayvnc", Path: "/usr/bin/wayvnc"}
	d.setMonitors(leftMonitor, rightMonitor)
	h := startApp(t, settings{Port: freePort(t), Target: "desktop:wayvnc"}, d.use)
	right := []string{"Target VNC server", "This desktop (wayvnc)", "RIGHT-1, 320×240, on the right"}
	if _, ok := h.item(right...); !ok {
		t.Fatalf("no RIGHT-1 under This desktop (wayvnc): %+v", h.menu())
	}
	h.click(right...)
	h.click("Start sharing")
	h.waitStatus("sharing RIGHT-1", prefix("Sharing this desktop (wayvnc, monitor RIGHT-1) at"))
	if c := d.children(); len(c) != 1 || c[0].opt.Monitor == nil || *c[0].opt.Monitor != rightMonitor {
		t.Fatalf("wayvnc was not given RIGHT-1: %d children", len(c))
	}
}
