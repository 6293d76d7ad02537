//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// `vncbridge recordings` tells a person in the tray's language: the
// locale's, or the language setting's over it; its --help stays English.
func TestRecordingsSpeaksTheTraysLanguage(t *testing.T) {
	t.Parallel()
	setting := t.TempDir()
	os.WriteFile(filepath.Join(setting, "settings.json"), []byte(`{"language": "ja"}`), 0o600)
	for _, c := range []struct {
		locale string
		args   []string
		says   string
	}{
		{"C", []string{"/no/such/folder"}, "vncbridge recordings: /no/such/folder is not a folder"},
		{"de_DE.UTF-8", []string{"/no/such/folder"}, "vncbridge recordings: /no/such/folder ist kein Ordner"},
		{"de_DE.UTF-8", []string{"a", "b"}, "vncbridge recordings: höchstens ein Ordner, nicht 2"},
		{"ja_JP.UTF-8", []string{"/no/such/folder"}, "vncbridge recordings: /no/such/folder はフォルダーではありません"},
		{"de_DE.UTF-8", []string{"--config-dir", setting, "/no/such/folder"}, "vncbridge recordings: /no/such/folder はフォルダーではありません"},
	} {
		cmd := exec.Command(binary, append([]string{"recordings"}, c.args...)...)
		cmd.Env = append(os.Environ(), "LANG="+c.locale, "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=")
		out, _ := cmd.CombinedOutput()
		if strings.TrimSpace(string(out)) != c.says {
			t.Errorf("%s %v: said %q, want %q", c.locale, c.args, out, c.says)
		}
	}
	cmd := exec.Command(binary, "recordings", "--help")
	cmd.Env = append(os.Environ(), "LANG=de_DE.UTF-8", "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=")
	if out, err := cmd.Output(); err != nil || !strings.Contains(string(out), "Usage: vncbridge recordings") {
		t.Errorf("--help under de_DE: %v\n%s", err, out)
	}
}
