package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vncbridge/proxy"
)

// fakeDialog puts a program called name on an otherwise empty PATH: it
// records its arguments and ends as script says.
func fakeDialog(t *testing.T, name, script string) (argsFile string) {
	t.Helper()
	dir := t.TempDir()
	argsFile = filepath.Join(dir, "args")
	body := "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\" >> " + argsFile + "; done\n" + script + "\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	return argsFile
}

func TestDialogConsent(t *testing.T) {
	viewer := proxy.Viewer{ID: 3, Address: "192.168.1.20:50123", Browser: "Firefox"}
	lookOnly := viewer
	lookOnly.ViewOnly = true
	cases := []struct {
		name, program, script string
		v                     proxy.Viewer
		want                  proxy.Decision
		question              string
		extra                 bool // the "Allow view only" button is offered
	}{
		{"zenity allow", "zenity", "exit 0", viewer, proxy.Allow, "Allow 192.168.1.20 to see and control your desktop? (Firefox)", true},
		{"zenity view only", "zenity", "echo 'Allow view only'; exit 1", viewer, proxy.AllowViewOnly, "", true},
		{"zenity deny", "zenity", "exit 1", viewer, proxy.Deny, "", true},
		{"zenity closed", "zenity", "exit 5", viewer, proxy.Deny, "", true},
		{"zenity view-only link", "zenity", "exit 0", lookOnly, proxy.Allow, "Allow 192.168.1.20 to see your desktop? (Firefox)", false},
		{"kdialog allow", "kdialog", "exit 0", viewer, proxy.Allow, "", true},
		{"kdialog view only", "kdialog", "exit 1", viewer, proxy.AllowViewOnly, "", true},
		{"kdialog deny", "kdialog", "exit 2", viewer, proxy.Deny, "", true},
		{"kdialog view-only link, no", "kdialog", "exit 1", lookOnly, proxy.Deny, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := fakeDialog(t, c.program, c.script)
			got, err := dialogConsenter{}.Consent(context.Background(), c.v)
			if err != nil || got != c.want {
				t.Fatalf("answer %v (%v), want %v", got, err, c.want)
			}
			b, _ := os.ReadFile(args)
			asked := string(b)
			if c.question != "" && !strings.Contains(asked, c.question+"\n") {
				t.Errorf("asked %q, want the question %q", asked, c.question)
			}
			if strings.Contains(asked, "Allow view only") != c.extra {
				t.Errorf("the view-only button offered: %v, want %v (%q)", !c.extra, c.extra, asked)
			}
		})
	}

	t.Run("time out", func(t *testing.T) {
		fakeDialog(t, "zenity", "/bin/sleep 10")
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		got, err := dialogConsenter{}.Consent(ctx, viewer)
		if got != proxy.Deny || err == nil {
			t.Fatalf("answer %v (%v), want a refusal with the context's error", got, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("the dialog was left open %v", d)
		}
	})
	t.Run("no dialog program", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		if got, err := (dialogConsenter{}).Consent(context.Background(), viewer); got != proxy.Deny || err != errNoDialog {
			t.Fatalf("answer %v (%v)", got, err)
		}
	})
}
