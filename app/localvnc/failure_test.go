package localvnc

import "testing"

// The lines are the programs' own, as they print them.
func TestExplainFailure(t *testing.T) {
	for _, c := range []struct {
		program string
		lines   []string
		want    string
	}{
		{"x11vnc", []string{`05/12/2026 00:09:24 *** XOpenDisplay failed (:99)`, `*** x11vnc was unable to open the X DISPLAY: ":99", it cannot continue.`,
			"See also: http://www.karlrunge.com/x11vnc/faq.html"},
			"x11vnc cannot open the X display :99: is this an X11 session?"},
		{"x11vnc", []string{`XOpenDisplay(":0") failed.`, "Trying again with XAUTHLOCALHOSTNAME=localhost ..."},
			"x11vnc cannot open the X display :0: is this an X11 session?"},
		{"x11vnc", []string{"No protocol specified", `XOpenDisplay(":0") failed.`},
			"x11vnc may not open the X display: no X authority lets it in (is XAUTHORITY set for this session?)"},
		{"x11vnc", []string{"Wayland display server detected.", "Wayland sessions are as of now only supported via -rawfb and the bundled deskshot utility. Exiting."},
			"x11vnc cannot share a Wayland session: it needs an X11 session (see Help for what works on Wayland)"},
		{"wayvnc", []string{"ERROR: ../src/main.c: 953: Failed to initialise wayland"},
			"wayvnc cannot reach the Wayland compositor (WAYLAND_DISPLAY): is this a Wayland session?"},
		{"wayvnc", []string{"Compositor doesn't support screencopy! Exiting."},
			"wayvnc cannot capture this desktop: its compositor is not wlroots-based (see Help for GNOME and KDE)"},
		{"wayvnc", []string{"No such output"}, "wayvnc finds no such monitor: was it unplugged?"},
		{"x0vncserver", []string{`x0vncserver: Unable to open display ":99"`},
			"x0vncserver cannot open the X display :99: is this an X11 session?"},
		{"x11vnc", []string{"something else"}, ""},
	} {
		got := ""
		if e := explainFailure(c.program, c.lines); e != nil {
			got = e.Error()
			if len(e.Advice.Steps) == 0 {
				t.Errorf("%s %q: no steps for the help page", c.program, c.lines)
			}
		}
		if got != c.want {
			t.Errorf("%s %q:\n got %q\nwant %q", c.program, c.lines, got, c.want)
		}
	}
}

func TestLastWordsSkipsLinksAndBanners(t *testing.T) {
	got := lastWords([]string{"the reason", "###############", "See also: http://www.karlrunge.com/x11vnc/faq.html"})
	if got != "the reason" {
		t.Fatalf("lastWords: %q", got)
	}
}
