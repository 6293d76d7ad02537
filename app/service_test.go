package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSysVScriptProvidesTheName(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "vncbridge")
	script := "#!/bin/sh\n### BEGIN INIT INFO\n# Provides:          /home/me/src/bin/vncbridge\n# Required-Start:\n### END INIT INFO\ncmd=\"/home/me/src/bin/vncbridge service run\"\n"
	os.WriteFile(file, []byte(script), 0o755)
	if err := nameSysVScript(file); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	if !strings.Contains(string(b), "# Provides:          vncbridge\n") || !strings.Contains(string(b), `cmd="/home/me/src/bin/vncbridge service run"`) {
		t.Fatalf("script:\n%s", b)
	}
}

// A refusal for lack of rights is errNeedsRights, with the way to get them,
// and keeps its cause; other errors pass unchanged.
func TestExplainNeedsRights(t *testing.T) {
	t.Parallel()
	for _, err := range []error{os.ErrPermission, errors.New("Failed to enable unit: Access denied"), errors.New("open /etc/x: permission denied")} {
		got := explain(err)
		if !errors.Is(got, errNeedsRights) || !errors.Is(got, err) || !strings.Contains(got.Error(), platform.adminHint) {
			t.Errorf("explain(%v) = %v", err, got)
		}
	}
	other := errors.New("unit file is masked")
	if got := explain(other); got != other {
		t.Errorf("explain(%v) = %v, want it unchanged", other, got)
	}
	if explain(nil) != nil {
		t.Error("explain(nil) is not nil")
	}
}

func TestConfigDirOfAnInstalledService(t *testing.T) {
	t.Parallel()
	for name, def := range map[string]string{
		"systemd": "[Service]\nExecStart=/usr/bin/vncbridge \"service\" \"run\" \"--config-dir\" \"/home/me/.config/vb2\"\n",
		"sysv":    "cmd=\"/usr/bin/vncbridge service run --config-dir /home/me/.config/vb2\"\n",
		"launchd": "<key>ProgramArguments</key>\n<array>\n<string>/usr/bin/vncbridge</string>\n<string>--config-dir</string>\n<string>/home/me/.config/vb2</string>\n</array>",
	} {
		m := configDirArg.FindStringSubmatch(def)
		if m == nil || m[1] != "/home/me/.config/vb2" {
			t.Errorf("%s: found %q", name, m)
		}
	}
}
