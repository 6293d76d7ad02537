package localvnc

import (
	"regexp"
	"strings"
)

// A failure rule reads one kind of line a VNC server prints when it cannot
// start, and says it in words. The programs' last lines are seldom the
// reason: x11vnc ends with a FAQ link after fifty lines of tips, so the
// line that says what went wrong is looked for among all of them.
type failureRule struct {
	program string // "" for any
	line    *regexp.Regexp
	// words say it: {program} is the program's name, {name} what the
	// line's first matching group caught (a display, an output).
	words string
	// steps are what to do, for the help page.
	steps []string
}

// A StartError says why the program could not start, in words (its
// Advice's Summary), and what to do (its Steps).
type StartError struct{ Advice Advice }

func (e *StartError) Error() string { return e.Advice.Summary }

var (
	inYourSession = "Run vncbridge inside your desktop session (started from its menu, or at login): the session tells it its display. Over ssh, or as a system service, there is no screen of yours to share."
	onWayland     = "On Wayland, wayvnc serves wlroots compositors (Sway, Hyprland, labwc, Wayfire); GNOME and KDE Plasma share their screen themselves (see below)."
)

var failureRules = []failureRule{
	// x11vnc's own test for a Wayland session (XDG_SESSION_TYPE, WAYLAND_DISPLAY).
	{"x11vnc", regexp.MustCompile(`Wayland display server detected`),
		"x11vnc cannot share a Wayland session: it needs an X11 session (see Help for what works on Wayland)",
		[]string{"x11vnc reads X11 displays only, and this session is a Wayland one.", onWayland, gnomeWaylandAdvice.Steps[1], kdeWaylandAdvice.Steps[1]}},
	// Xlib's words when the X server refuses this user.
	{"", regexp.MustCompile(`No protocol specified|Authorization required|Invalid MIT-MAGIC-COOKIE`),
		"{program} may not open the X display: no X authority lets it in (is XAUTHORITY set for this session?)",
		[]string{"The X server refused {program}: a program needs the session's X authority (the file XAUTHORITY names) to open its display.", inYourSession}},
	// x11vnc: `XOpenDisplay(":99") failed.`, or with -quiet `*** XOpenDisplay failed (:99)`.
	{"x11vnc", regexp.MustCompile(`XOpenDisplay\("?([^")]*)"?\) failed|XOpenDisplay failed \(([^)]*)\)`),
		"x11vnc cannot open the X display {name}: is this an X11 session?",
		[]string{"x11vnc was told to share the X display {name} (DISPLAY), and no X server answers there.", inYourSession, onWayland}},
	// x0vncserver (TigerVNC): "Unable to open display \":99\"".
	{"x0vncserver", regexp.MustCompile(`[Uu]nable to open display "?([^"\s]*)"?`),
		"x0vncserver cannot open the X display {name}: is this an X11 session?",
		[]string{"x0vncserver was told to share the X display {name} (DISPLAY), and no X server answers there.", inYourSession, onWayland}},
	// wayvnc: no Wayland compositor at WAYLAND_DISPLAY.
	{"wayvnc", regexp.MustCompile(`Failed to initiali[sz]e wayland|Failed to connect to WAYLAND_DISPLAY`),
		"wayvnc cannot reach the Wayland compositor (WAYLAND_DISPLAY): is this a Wayland session?",
		[]string{"wayvnc found no Wayland compositor at WAYLAND_DISPLAY.", inYourSession}},
	// wayvnc on a compositor without wlroots' screen capture (GNOME, KDE).
	{"wayvnc", regexp.MustCompile(`(?i)screencopy.*not supported|doesn't support screencopy|Screen capture.*not supported`),
		"wayvnc cannot capture this desktop: its compositor is not wlroots-based (see Help for GNOME and KDE)",
		[]string{"wayvnc captures the screen through wlroots' screencopy, which this compositor does not offer.", gnomeWaylandAdvice.Steps[1], kdeWaylandAdvice.Steps[1]}},
	// wayvnc --output NAME, where the compositor has no such output.
	{"wayvnc", regexp.MustCompile(`No such output`),
		"wayvnc finds no such monitor: was it unplugged?",
		[]string{"Choose another monitor, or All monitors, in Target VNC server ▸ This desktop."}},
}

// placeholder is a word a failure rule fills in.
var placeholder = regexp.MustCompile(`\{program\}|\{name\}`)

// explainFailure says in words why program could not start, from the lines
// it printed, and what to do; nil when no line is understood.
func explainFailure(program string, lines []string) *StartError {
	for _, r := range failureRules {
		if r.program != "" && r.program != program {
			continue
		}
		for _, l := range lines {
			m := r.line.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			group := ""
			for _, g := range m[1:] {
				if g != "" {
					group = g
					break
				}
			}
			fill := strings.NewReplacer("{program}", program, "{name}", group, "  ", " ").Replace
			// The summary's format: each {program} and {name} a %s, in
			// the order they come.
			var args []any
			format := placeholder.ReplaceAllStringFunc(r.words, func(p string) string {
				args = append(args, map[string]string{"{program}": program, "{name}": group}[p])
				return "%s"
			})
			a := Advice{Summary: fill(r.words), Format: format, Args: args}
			for _, st := range r.steps {
				var args []any
				format := placeholder.ReplaceAllStringFunc(st, func(p string) string {
					args = append(args, map[string]string{"{program}": program, "{name}": group}[p])
					return "%s"
				})
				a.Steps = append(a.Steps, fill(st))
				a.StepFormats, a.StepArgs = append(a.StepFormats, format), append(a.StepArgs, args)
			}
			return &StartError{a}
		}
	}
	return nil
}

// lastWords is the last line printed that is not a link or a banner: what
// to say when no rule understands the output.
func lastWords(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(strings.Trim(lines[i], "#@* "))
		if l == "" || strings.HasPrefix(l, "See also:") || strings.Contains(l, "http://") || strings.Contains(l, "https://") {
			continue
		}
		return l
	}
	return ""
}
