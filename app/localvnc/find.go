// Package localvnc serves this computer's desktop when no VNC server runs:
// on Linux it starts x11vnc (X11) or wayvnc (wlroots Wayland) as a child on a
// private Unix socket; where it cannot, it says what the person can do on
// this system (Advice).
package localvnc

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// A Program is a VNC server that can serve this desktop.
type Program struct {
	Name string // "x11vnc", "x0vncserver", "wayvnc"
	Path string
	args func(socket string, opt Options) []string
}

// Label is how a menu names the desktop this program serves.
func (p Program) Label() string { return "This desktop (" + p.Name + ")" }

// Env is what Find looks at: the environment, the programs on PATH, the
// operating system and its os-release file. The zero value reads this process's.
type Env struct {
	Getenv    func(string) string
	LookPath  func(string) (string, error)
	GOOS      string
	OSRelease func() (io.ReadCloser, error)
}

func (e Env) orDefaults() Env {
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	if e.LookPath == nil {
		e.LookPath = exec.LookPath
	}
	if e.GOOS == "" {
		e.GOOS = runtime.GOOS
	}
	if e.OSRelease == nil {
		e.OSRelease = func() (io.ReadCloser, error) {
			f, err := os.Open("/etc/os-release")
			if err != nil {
				return os.Open("/usr/lib/os-release")
			}
			return f, nil
		}
	}
	return e
}

// Advice is what to do when vncbridge cannot start a VNC server itself.
type Advice struct {
	Summary string // one line for the status: "Install x11vnc: sudo apt install x11vnc"
	// Format and Args make Summary (fmt.Sprintf), when it has words
	// filled in: Format is then the English text a translation of the
	// summary is keyed by (internal/words), else Summary itself is.
	Format string
	Args   []any
	Steps  []string // the whole story, for the help page
	// StepFormats and StepArgs make Steps as Format and Args make Summary,
	// step by step ("" or none: the step is its own key).
	StepFormats []string
	StepArgs    [][]any
	// Commands are install commands to copy ("winget install …").
	Commands []string
	// SettingsURL opens the system's own setting, where there is one
	// (macOS Screen Sharing).
	SettingsURL string
}

// Find returns the program that can serve this desktop, or, when there is
// none, the advice for this system.
func Find(env Env) (Program, bool, Advice) {
	env = env.orDefaults()
	switch env.GOOS {
	case "darwin":
		return Program{}, false, macAdvice
	case "windows":
		return Program{}, false, windowsAdvice
	}
	wayland, x11 := env.Getenv("WAYLAND_DISPLAY") != "", env.Getenv("DISPLAY") != ""
	desktop := strings.ToLower(env.Getenv("XDG_CURRENT_DESKTOP"))
	if wayland {
		// GNOME and KDE on Wayland offer no wlroots screencopy, so wayvnc
		// cannot serve them; their own remote desktop can.
		switch {
		case strings.Contains(desktop, "gnome"):
			return Program{}, false, gnomeWaylandAdvice
		case strings.Contains(desktop, "kde"):
			return Program{}, false, kdeWaylandAdvice
		}
		if p, err := env.LookPath("wayvnc"); err == nil {
			return Program{Name: "wayvnc", Path: p, args: wayvncArgs}, true, Advice{}
		}
		return Program{}, false, installAdvice("wayvnc", distro(env))
	}
	if x11 {
		if p, err := env.LookPath("x11vnc"); err == nil {
			return Program{Name: "x11vnc", Path: p, args: x11vncArgs}, true, Advice{}
		}
		// TigerVNC's scraping server (Debian's tigervnc-scraping-server)
		// serves X11 as well, where x11vnc is not packaged any more.
		// Debian's x0vncserver is a script that runs X0tigervnc with its
		// output in ~/.vnc: the program itself says why it failed.
		for _, name := range []string{"X0tigervnc", "x0vncserver"} {
			if p, err := env.LookPath(name); err == nil {
				return Program{Name: "x0vncserver", Path: p, args: x0vncserverArgs}, true, Advice{}
			}
		}
		return Program{}, false, installAdvice("x11vnc", distro(env))
	}
	return Program{}, false, noDesktopAdvice
}

// x11vncArgs serve the X display of the environment on socket only: no TCP
// port (IPv4 and IPv6 both off), no password (the socket's folder is the
// owner's alone), shared, for as long as it runs. One monitor is its
// rectangle (-clip WxH+X+Y: x11vnc's xinerama<N> numbers the monitors by
// their distance from the origin, not by their names).
func x11vncArgs(socket string, opt Options) []string {
	args := []string{"-unixsock", socket, "-rfbport", "0", "-noipv6", "-rfbportv6", "-1",
		"-nopw", "-forever", "-shared", "-nolookup", "-quiet"}
	if opt.Monitor != nil {
		args = append(args, "-clip", opt.Monitor.Geometry())
	}
	if opt.DesktopName != "" {
		args = append(args, "-desktop", opt.DesktopName)
	}
	return args
}

// x0vncserverArgs are the same for TigerVNC's x0vncserver: the socket
// only (rfbport -1 listens on no TCP port), no authentication (the
// folder is private), one monitor as its -Geometry.
func x0vncserverArgs(socket string, opt Options) []string {
	args := []string{"-rfbunixpath", socket, "-rfbunixmode", "0600", "-rfbport", "-1",
		"-SecurityTypes", "None", "-AlwaysShared"}
	if opt.Monitor != nil {
		args = append(args, "-Geometry", opt.Monitor.Geometry())
	}
	if opt.DesktopName != "" {
		args = append(args, "-desktop", opt.DesktopName)
	}
	return args
}

// wayvncArgs: --unix-socket makes wayvnc's address (the last argument) a
// socket's path; one monitor is its output.
func wayvncArgs(socket string, opt Options) []string {
	args := []string{"--unix-socket"}
	if opt.Monitor != nil {
		args = append(args, "--output", opt.Monitor.Name)
	}
	return append(args, socket)
}

// distro is the os-release ID and ID_LIKE words, lower case.
func distro(env Env) []string {
	f, err := env.OSRelease()
	if err != nil {
		return nil
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok || (k != "ID" && k != "ID_LIKE") {
			continue
		}
		ids = append(ids, strings.Fields(strings.ToLower(strings.Trim(v, `"'`)))...)
	}
	return ids
}

// installCommand is the command that installs pkg on a system whose
// os-release names ids, or "" when the family is unknown.
func installCommand(pkg string, ids []string) string {
	for _, id := range ids {
		switch id {
		case "debian", "ubuntu", "linuxmint", "pop", "raspbian":
			return "sudo apt install " + pkg
		case "fedora", "rhel", "centos", "rocky", "almalinux":
			return "sudo dnf install " + pkg
		case "opensuse", "suse", "opensuse-leap", "opensuse-tumbleweed", "sles":
			return "sudo zypper install " + pkg
		case "arch", "manjaro", "endeavouros":
			return "sudo pacman -S " + pkg
		case "alpine":
			return "sudo apk add " + pkg
		}
	}
	return ""
}

func installAdvice(pkg string, ids []string) Advice {
	cmd := installCommand(pkg, ids)
	a := summary("No VNC server runs; install %s and vncbridge starts it for you", pkg)
	if cmd != "" {
		a = summary("No VNC server runs; install %s: %s", pkg, cmd)
		a.Commands = []string{cmd}
	}
	a.step("vncbridge can share this desktop itself with %s, which is not installed.", pkg)
	if cmd != "" {
		a.step("Install it: %s", cmd)
	} else {
		a.step("Install it with your package manager.")
	}
	a.step("Then choose Start sharing again: vncbridge starts %s only while you share, on a private socket no other user can reach.", pkg)
	return a
}

var macAdvice = Advice{
	Summary: "No VNC server runs; turn on Screen Sharing in System Settings",
	Steps: []string{
		"macOS has a VNC server built in, switched off: open System Settings ▸ General ▸ Sharing and turn on Screen Sharing.",
		"Click the (i) beside Screen Sharing, then Computer Settings…, and turn on \"VNC viewers may control screen with password\" with a password you choose.",
		"vncbridge finds it at localhost:5900 by itself; the browser asks for that password.",
	},
	SettingsURL: "x-apple.systempreferences:com.apple.preferences.sharing?Services_ScreenSharing",
}

var windowsAdvice = Advice{
	Summary: "No VNC server runs; install one (TightVNC, UltraVNC or TigerVNC) and vncbridge finds it",
	Steps: []string{
		"Windows has no VNC server of its own. These are free; install one (in a terminal, or from its web site):",
		"TightVNC: winget install GlavSoft.TightVNC",
		"UltraVNC: winget install uvncbvba.UltraVnc",
		"TigerVNC (its winvnc server): winget install TigerVNC.TigerVNC",
		"Set a password in the server's settings; vncbridge finds it at localhost:5900 when it starts, and the browser asks for that password.",
	},
	Commands: []string{"winget install GlavSoft.TightVNC", "winget install uvncbvba.UltraVnc", "winget install TigerVNC.TigerVNC"},
}

var gnomeWaylandAdvice = Advice{
	Summary: "GNOME on Wayland: turn on its Remote Desktop's VNC (grdctl vnc enable) and vncbridge finds it (x11vnc and wayvnc cannot see this desktop)",
	Steps: []string{
		"On GNOME with Wayland, no separate VNC server can capture the screen: x11vnc sees only an empty X display, and wayvnc needs a wlroots compositor.",
		"GNOME shares its own screen (gnome-remote-desktop): Settings ▸ System ▸ Remote Desktop turns on Desktop Sharing, which speaks RDP; its VNC side is turned on in a terminal: grdctl vnc enable, grdctl vnc set-auth-method password, grdctl vnc set-password. Then vncbridge finds it at localhost:5900 (GNOME 41 and older: Settings ▸ Sharing ▸ Screen Sharing).",
		"Or log in to a \"GNOME on Xorg\" session, where vncbridge starts x11vnc for you.",
	},
}

var kdeWaylandAdvice = Advice{
	Summary: "KDE Plasma on Wayland: start krfb (Desktop Sharing) and vncbridge finds it",
	Steps: []string{
		"On KDE Plasma with Wayland, x11vnc and wayvnc cannot capture the screen; KDE's own Desktop Sharing (krfb) can.",
		"KDE shares its own screen: Desktop Sharing (krfb) speaks VNC on Wayland through the desktop portal; install and start it, allow unattended access with a password, and vncbridge finds it at localhost:5900. (Plasma 6's Remote Desktop in System Settings speaks RDP, which vncbridge does not carry.)",
	},
}

var noDesktopAdvice = Advice{
	Summary: "No VNC server runs, and there is no desktop session here to share (no DISPLAY or WAYLAND_DISPLAY)",
	Steps: []string{
		"vncbridge runs without a desktop session (as a service, or over ssh), so there is no screen it could share itself.",
		"Start a VNC server of its own (for example TigerVNC's Xvnc or vncserver) and pick it in the Target menu, or run vncbridge in your desktop session.",
	},
}

// step adds the step format filled with args.
func (a *Advice) step(format string, args ...any) {
	a.Steps = append(a.Steps, fmt.Sprintf(format, args...))
	for len(a.StepFormats) < len(a.Steps)-1 {
		a.StepFormats, a.StepArgs = append(a.StepFormats, ""), append(a.StepArgs, nil)
	}
	a.StepFormats, a.StepArgs = append(a.StepFormats, format), append(a.StepArgs, args)
}

// summary is the advice whose summary is format filled with args.
func summary(format string, args ...any) Advice {
	return Advice{Summary: fmt.Sprintf(format, args...), Format: format, Args: args}
}
