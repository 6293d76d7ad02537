package app

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"vncbridge/app/localvnc"
	"vncbridge/internal/words"
)

// ParseTarget reads a VNC server's address as VNC users type it, and
// returns it as host:port:
//
//	5901          a port on this computer       localhost:5901
//	:1            display 1 on this computer    localhost:5901
//	desk          display 0 of a host           desk:5900
//	desk:5901     a host and a port             desk:5901
//	desk::5901    the same, VNC's way           desk:5901
//	[::1]:5901    an IPv6 address and a port    [::1]:5901
//
// A display number is below 100; ":5901" is taken as the port.
// "desktop:x11vnc", "desktop:x0vncserver" and "desktop:wayvnc" are this
// desktop, served by that program, which vncbridge starts while it shares;
// "desktop:x11vnc:DP-1" is one monitor of it, by the name the system gives.
func ParseTarget(v string) (string, error) {
	v = strings.TrimSpace(v)
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("target %q is %w: %s", v, errBadTarget, why)
	}
	if v == "" {
		return bad("it is empty")
	}
	if len(v) >= len("this desktop") && strings.EqualFold(v[:len("this desktop")], "this desktop") { // as targetLabel words it
		name := strings.TrimSpace(v[len("this desktop"):])
		if n, ok := strings.CutPrefix(name, "("); ok && strings.HasSuffix(n, ")") {
			name = strings.TrimSpace(strings.TrimSuffix(n, ")"))
		}
		name, monitor, _ := strings.Cut(name, ", monitor ")
		if !slices.Contains(desktopPrograms, strings.ToLower(name)) {
			return bad("say which program serves it: This desktop (" + strings.Join(desktopPrograms, ") or This desktop (") + ")")
		}
		return desktopTargetOf(strings.ToLower(name), strings.TrimSpace(monitor)), nil
	}
	if len(v) >= len(desktopPrefix) && strings.EqualFold(v[:len(desktopPrefix)], desktopPrefix) {
		name, monitor, _ := strings.Cut(v[len(desktopPrefix):], ":")
		if !slices.Contains(desktopPrograms, strings.ToLower(name)) {
			return bad("this desktop is served by " + strings.Join(desktopPrograms, " or "))
		}
		return desktopTargetOf(strings.ToLower(name), monitor), nil
	}
	if strings.ContainsAny(v, " \t/?#@") {
		return bad("use host:port, :display or a port")
	}
	host, port := v, ""
	switch {
	case isDigits(v): // a port alone
		host, port = "localhost", v
	case strings.HasPrefix(v, "["): // [v6] or [v6]:port
		end := strings.Index(v, "]")
		if end < 0 {
			return bad("the IPv6 address has no ]")
		}
		host, port = v[1:end], strings.TrimPrefix(v[end+1:], ":")
		if rest := v[end+1:]; rest != "" && !strings.HasPrefix(rest, ":") {
			return bad("text after the IPv6 address")
		}
	case strings.Contains(v, "::") && strings.Count(v, ":") == 2: // host::port
		host, port, _ = strings.Cut(v, "::")
	case !strings.Contains(v, ":"): // a host alone: display 0
	case strings.Count(v, ":") == 1:
		host, port, _ = strings.Cut(v, ":")
		if port == "" {
			return bad("no port or display after the colon")
		}
		if n, err := strconv.Atoi(port); err == nil && host == "" && n < 100 {
			port = strconv.Itoa(vncBasePort + n) // :N, a display
		}
	default: // a bare IPv6 address
		if net.ParseIP(v) == nil {
			return bad("use host:port, :display or a port")
		}
		host = v
	}
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = strconv.Itoa(vncBasePort)
	}
	t := net.JoinHostPort(host, port)
	if err := validTarget(t); err != nil {
		return "", err
	}
	return t, nil
}

// desktopPrefix starts a target that is this desktop: "desktop:x11vnc",
// or one of its monitors: "desktop:x11vnc:DP-1".
const desktopPrefix = "desktop:"

// desktopPrograms are the VNC servers vncbridge can start to serve this
// desktop (see package localvnc).
var desktopPrograms = []string{"x11vnc", "x0vncserver", "wayvnc"}

// desktopTargetOf is the target of a program serving this desktop: one
// monitor, or all of them (monitor "").
func desktopTargetOf(program, monitor string) string {
	if monitor == "" {
		return desktopPrefix + program
	}
	return desktopPrefix + program + ":" + monitor
}

// desktopTarget reads a "desktop:PROGRAM[:MONITOR]" target.
func desktopTarget(t string) (program, monitor string, ok bool) {
	rest, ok := strings.CutPrefix(t, desktopPrefix)
	program, monitor, _ = strings.Cut(rest, ":")
	return program, monitor, ok && slices.Contains(desktopPrograms, program)
}

// desktopProgram returns the program of a "desktop:PROGRAM[:MONITOR]" target.
func desktopProgram(t string) (name string, ok bool) {
	name, _, ok = desktopTarget(t)
	return name, ok
}

// targetInput is a target as a person types it: "This desktop (x11vnc)",
// "This desktop (x11vnc, monitor DP-1)", or host:port; ParseTarget reads
// either.
func targetInput(t string) string {
	if _, _, ok := desktopTarget(t); ok {
		return sentence(targetLabel(words.English, t)) // ParseTarget reads English
	}
	return t
}

// targetLabel is a target as the status line names it, in w's language.
func targetLabel(w words.Printer, t string) string {
	if name, monitor, ok := desktopTarget(t); ok {
		if monitor != "" {
			return w.Sprintf("this desktop (%s, monitor %s)", name, monitor)
		}
		return w.Sprintf("this desktop (%s)", name)
	}
	return t
}

// programLabel is the menu's name of the desktop served by prog, in w's
// language: "This desktop (x11vnc)".
func programLabel(w words.Printer, prog localvnc.Program) string {
	return w.Sprintf("This desktop (%s)", prog.Name)
}

// validTarget checks a saved target: host:port, or desktop:NAME.
func validTarget(t string) error {
	if _, ok := desktopProgram(t); ok {
		return nil
	}
	host, port, err := net.SplitHostPort(t)
	if err != nil || host == "" {
		return fmt.Errorf("target %q is %w: it is not host:port", t, errBadTarget)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("target %q: port %q is %w", t, port, errBadPort)
	}
	return nil
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// withTarget returns s with t as the target, remembered among the recent ones.
func (s settings) withTarget(t string) settings {
	recent := []string{t}
	for _, r := range append([]string{s.Target}, s.RecentTargets...) {
		if !slices.Contains(recent, r) && len(recent) < maxRecent {
			recent = append(recent, r)
		}
	}
	s.Target, s.RecentTargets = t, recent
	return s
}
