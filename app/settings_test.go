package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testPaths(t *testing.T) Paths {
	dir := t.TempDir()
	return Paths{Dir: dir, Recordings: filepath.Join(dir, "recordings")}
}

func TestSettingsMissingFileGivesDefaults(t *testing.T) {
	t.Parallel()
	s, err := loadSettings(testPaths(t))
	if err != nil || s.Port != defaultPort || s.Target != defaultTarget || s.Record || s.AllowRemote {
		t.Fatalf("got %+v, %v; want the defaults", s, err)
	}
}

func TestSettingsRoundTrip(t *testing.T) {
	t.Parallel()
	p := testPaths(t)
	want := settings{Port: 6081, Target: "desk:5901", RecentTargets: []string{"desk:5901", "localhost:5900"}, Record: true, AllowRemote: true, Token: "secret"}
	if err := saveSettings(p, want); err != nil {
		t.Fatal(err)
	}
	got, err := loadSettings(p)
	if err != nil || got.Port != want.Port || got.Target != want.Target || !got.Record || !got.AllowRemote ||
		got.Token != "secret" || strings.Join(got.RecentTargets, ",") != "desk:5901,localhost:5900" {
		t.Fatalf("got %+v, %v; want %+v", got, err, want)
	}
	entries, _ := os.ReadDir(p.Dir)
	if len(entries) != 1 {
		t.Fatalf("files left beside settings.json: %v", entries)
	}
}

func TestBrokenSettingsAreKeptAndReplaced(t *testing.T) {
	for name, body := range map[string]string{
		"not json":   "{port: 6080",
		"bad port":   `{"port": 70000, "target": "localhost:5900"}`,
		"bad target": `{"port": 6080, "target": "nowhere"}`,
	} {
		t.Run(name, func(t *testing.T) {
			p := testPaths(t)
			os.WriteFile(p.SettingsFile(), []byte(body), 0o600)
			s, err := loadSettings(p)
			if err == nil || !strings.Contains(err.Error(), "broken") || !strings.Contains(err.Error(), "kept as") {
				t.Fatalf("error %v, want one saying the file is broken and kept", err)
			}
			if s.Port != defaultPort || s.Target != defaultTarget {
				t.Fatalf("got %+v, want the defaults", s)
			}
			kept, _ := filepath.Glob(p.SettingsFile() + ".broken-*")
			if len(kept) != 1 {
				t.Fatalf("kept copies: %v", kept)
			}
			if b, _ := os.ReadFile(kept[0]); string(b) != body {
				t.Fatalf("kept copy holds %q, want %q", b, body)
			}
			again, err := loadSettings(p) // the defaults were written
			if err != nil || again.Port != defaultPort {
				t.Fatalf("after replacing: %+v, %v", again, err)
			}
		})
	}
}

func TestRecentTargetsNewestFirstWithoutRepeats(t *testing.T) {
	t.Parallel()
	s := defaultSettings()
	for _, t := range []string{"a:1", "b:2", "a:1", "c:3", "d:4", "e:5", "f:6"} {
		s = s.withTarget(t)
	}
	if got := strings.Join(s.RecentTargets, " "); got != "f:6 e:5 d:4 c:3 a:1" {
		t.Fatalf("recent %q", got)
	}
}

func TestValidateNamesTheField(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s    settings
		want string
	}{
		{settings{Port: 0, Target: "h:1"}, "port 0"},
		{settings{Port: 1, Target: "h"}, `target "h"`},
		{settings{Port: 1, Target: "h:0"}, `port "0"`},
		{settings{Port: 1, Target: ":5900"}, `target ":5900"`},
	} {
		if err := c.s.validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error naming %s", c.s, err, c.want)
		}
	}
}

// A save interrupted by a kill leaves a temporary file holding the token;
// the next start removes it, but not the temporary file of a save that
// another process (the service) is making now.
func TestLeftoverSavesAreRemovedAtStart(t *testing.T) {
	t.Parallel()
	p := testPaths(t)
	if err := saveSettings(p, settings{Port: 6081, Target: "desk:5901", AllowRemote: true, Token: "the-secret-token"}); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * leftoverAge)
	var leftovers []string
	for _, name := range []string{"settings-123456.json", "settings-987654321.json"} {
		f := filepath.Join(p.Dir, name)
		os.WriteFile(f, []byte(`{"port": 6081, "token": "the-secret-token"}`), 0o600)
		os.Chtimes(f, old, old)
		leftovers = append(leftovers, f)
	}
	current := filepath.Join(p.Dir, "settings-555.json") // a save under way
	os.WriteFile(current, []byte(`{"port": 6081`), 0o600)
	other := filepath.Join(p.Dir, "cert.pem")
	os.WriteFile(other, []byte("kept"), 0o600)
	os.Chtimes(other, old, old)

	s, err := loadSettings(p)
	if err != nil || s.Token != "the-secret-token" {
		t.Fatalf("settings: %+v, %v", s, err)
	}
	for _, f := range leftovers {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("leftover %s is still there", filepath.Base(f))
		}
	}
	for _, f := range []string{current, other, p.SettingsFile()} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(f), err)
		}
	}
}

// Targets as VNC users type them, and what each one is.
func TestParseTarget(t *testing.T) {
	for in, want := range map[string]string{
		"5901":            "localhost:5901",
		" 5962 ":          "localhost:5962",
		":1":              "localhost:5901",
		":0":              "localhost:5900",
		":5901":           "localhost:5901", // not a display: a port
		"desk":            "desk:5900",
		"desk:5901":       "desk:5901",
		"desk::5901":      "desk:5901",
		"desk::1":         "desk:1",
		"[::1]:5901":      "[::1]:5901",
		"[::1]":           "[::1]:5900",
		"::1":             "localhost:1", // VNC's ::port on this computer
		"fe80::1:2:3":     "[fe80::1:2:3]:5900",
		"192.168.1.20:2":  "192.168.1.20:2",
		"localhost:5900":  "localhost:5900",
		"vnc.example.org": "vnc.example.org:5900",
	} {
		got, err := ParseTarget(in)
		if err != nil || got != want {
			t.Errorf("ParseTarget(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "  ", "desk:0", "desk:70000", "desk:x", "[::1", "[::1]x", "a b", "http://desk/", "desk:::5901x", ":"} {
		if got, err := ParseTarget(bad); err == nil {
			t.Errorf("ParseTarget(%q) = %q, want an error", bad, got)
		} else if !errors.Is(err, errBadTarget) && !errors.Is(err, errBadPort) {
			t.Errorf("ParseTarget(%q): %v is neither errBadTarget nor errBadPort", bad, err)
		}
	}
}

func TestParsePort(t *testing.T) {
	t.Parallel()
	if p, err := ParsePort(" 6080 "); err != nil || p != 6080 {
		t.Fatalf("got %d, %v", p, err)
	}
	for _, bad := range []string{"", "0", "65536", "seventy", "-1", "80.5"} {
		if _, err := ParsePort(bad); !errors.Is(err, errBadPort) {
			t.Errorf("ParsePort(%q): %v, want errBadPort", bad, err)
		}
	}
}
