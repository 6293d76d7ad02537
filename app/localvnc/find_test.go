package localvnc

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func fakeEnv(goos string, vars map[string]string, installed []string, osRelease string) Env {
	return Env{
		GOOS:   goos,
		Getenv: func(k string) string { return vars[k] },
		LookPath: func(name string) (string, error) {
			for _, n := range installed {
				if n == name {
					return "/usr/bin/" + name, nil
				}
			}
			return "", errors.New("not found")
		},
		OSRelease: func() (io.ReadCloser, error) {
			if osRelease == "" {
				return nil, errors.New("none")
			}
			return io.NopCloser(strings.NewReader(osRelease)), nil
		},
	}
}

func TestFind(t *testing.T) {
	const debian = "PRETTY_NAME=\"Debian GNU/Linux 12\"\nID=debian\n"
	const mint = "ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n"
	const fedora = "ID=fedora\n"
	const tumbleweed = "ID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\n"
	const arch = "ID=arch\n"
	x11 := map[string]string{"DISPLAY": ":0"}
	sway := map[string]string{"WAYLAND_DISPLAY": "wayland-1", "XDG_CURRENT_DESKTOP": "sway", "DISPLAY": ":0"}
	gnome := map[string]string{"WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": "ubuntu:GNOME", "DISPLAY": ":0"}
	tests := []struct {
		name      string
		env       Env
		program   string // "" when none can be started
		summary   string // a part of the advice's summary
		command   string
		settingsU bool
	}{
		{"x11 with x11vnc", fakeEnv("linux", x11, []string{"x11vnc"}, debian), "x11vnc", "", "", false},
		{"x11 with x0vncserver only", fakeEnv("linux", x11, []string{"x0vncserver"}, debian), "x0vncserver", "", "", false},
		{"x11 with both", fakeEnv("linux", x11, []string{"x0vncserver", "x11vnc"}, debian), "x11vnc", "", "", false},
		{"x11 without x11vnc, Debian", fakeEnv("linux", x11, nil, debian), "", "install x11vnc", "sudo apt install x11vnc", false},
		{"x11, Mint by ID_LIKE", fakeEnv("linux", x11, nil, mint), "", "", "sudo apt install x11vnc", false},
		{"x11, Fedora", fakeEnv("linux", x11, nil, fedora), "", "", "sudo dnf install x11vnc", false},
		{"x11, openSUSE", fakeEnv("linux", x11, nil, tumbleweed), "", "", "sudo zypper install x11vnc", false},
		{"x11, Arch", fakeEnv("linux", x11, nil, arch), "", "", "sudo pacman -S x11vnc", false},
		{"x11, unknown distribution", fakeEnv("linux", x11, nil, ""), "", "install x11vnc and vncbridge starts it", "", false},
		{"sway with wayvnc", fakeEnv("linux", sway, []string{"wayvnc", "x11vnc"}, debian), "wayvnc", "", "", false},
		{"sway without wayvnc", fakeEnv("linux", sway, []string{"x11vnc"}, debian), "", "install wayvnc", "sudo apt install wayvnc", false},
		{"GNOME on Wayland", fakeEnv("linux", gnome, []string{"wayvnc", "x11vnc"}, debian), "", "GNOME on Wayland", "", false},
		{"no desktop (a service)", fakeEnv("linux", nil, []string{"x11vnc"}, debian), "", "no desktop session", "", false},
		{"macOS", fakeEnv("darwin", nil, nil, ""), "", "Screen Sharing", "", true},
		{"Windows", fakeEnv("windows", nil, nil, ""), "", "TightVNC", "winget install GlavSoft.TightVNC", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ok, adv := Find(tc.env)
			if ok != (tc.program != "") || p.Name != tc.program {
				t.Fatalf("Find = %q, %v; want %q", p.Name, ok, tc.program)
			}
			if ok {
				if p.Label() != "This desktop ("+tc.program+")" || len(p.args("/s", Options{})) == 0 {
					t.Fatalf("program %+v", p)
				}
				return
			}
			if !strings.Contains(adv.Summary, tc.summary) || len(adv.Steps) == 0 {
				t.Fatalf("advice %q lacks %q", adv.Summary, tc.summary)
			}
			if tc.command != "" && (len(adv.Commands) == 0 || adv.Commands[0] != tc.command) {
				t.Fatalf("commands %q, want %q first", adv.Commands, tc.command)
			}
			if tc.command == "" && tc.program == "" && len(adv.Commands) > 0 && tc.env.GOOS == "linux" {
				t.Fatalf("an install command %q where the family is unknown", adv.Commands)
			}
			if (adv.SettingsURL != "") != tc.settingsU {
				t.Fatalf("settings URL %q", adv.SettingsURL)
			}
		})
	}
}

// x11vnc never listens on TCP: every way it could is turned off.
func TestX11vncArgsPrivate(t *testing.T) {
	args := strings.Join(x11vncArgs("/run/user/1/x/vnc.sock", Options{}), " ")
	for _, want := range []string{"-unixsock /run/user/1/x/vnc.sock", "-rfbport 0", "-rfbportv6 -1", "-noipv6"} {
		if !strings.Contains(args, want) {
			t.Errorf("x11vnc args %q lack %q", args, want)
		}
	}
}
