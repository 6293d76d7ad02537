package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/words"
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
		extra                 bool // the "View only" button is offered
	}{
		{"zenity allow", "zenity", "exit 0", viewer, proxy.Allow, "192.168.1.20 wants to see and control your desktop (Firefox)", true},
		{"zenity view only", "zenity", "echo 'View only'; exit 1", viewer, proxy.AllowViewOnly, "", true},
		{"zenity deny", "zenity", "exit 1", viewer, proxy.Deny, "", true},
		{"zenity closed", "zenity", "exit 5", viewer, proxy.Deny, "", true},
		{"zenity view-only link", "zenity", "exit 0", lookOnly, proxy.Allow, "192.168.1.20 wants to see your desktop (Firefox)", false},
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
			if strings.Contains(asked, "View only") != c.extra {
				t.Errorf("the view-only button offered: %v, want %v (%q)", !c.extra, c.extra, asked)
			}
		})
	}

	t.Run("in German", func(t *testing.T) {
		// The sharer's language asks, and the answers are the buttons'
		// whatever their labels say.
		de := withWords(context.Background(), words.For("de_DE.UTF-8"))
		for _, c := range []struct {
			program, script string
			want            proxy.Decision
			args            []string
		}{
			{"zenity", "echo 'Nur ansehen'; exit 1", proxy.AllowViewOnly, []string{"--ok-label", "Zulassen", "--cancel-label", "Ablehnen", "--extra-button", "Nur ansehen"}},
			{"zenity", "exit 0", proxy.Allow, nil},
			{"zenity", "exit 1", proxy.Deny, nil},
			{"kdialog", "exit 1", proxy.AllowViewOnly, []string{"--yes-label", "Zulassen", "--no-label", "Nur ansehen", "--cancel-label", "Ablehnen"}},
			{"kdialog", "exit 2", proxy.Deny, nil},
		} {
			argsFile := fakeDialog(t, c.program, c.script)
			got, err := dialogConsenter{}.Consent(de, viewer)
			if err != nil || got != c.want {
				t.Fatalf("%s %q: answer %v (%v), want %v", c.program, c.script, got, err, c.want)
			}
			b, _ := os.ReadFile(argsFile)
			asked := string(b)
			if !strings.Contains(asked, "192.168.1.20 möchte Ihren Bildschirm sehen und steuern (Firefox)") {
				t.Errorf("%s asked %q", c.program, asked)
			}
			if c.args != nil && !strings.Contains(asked, strings.Join(c.args, "\n")+"\n") {
				t.Errorf("%s's buttons: %q, want %q", c.program, asked, c.args)
			}
			if strings.Contains(asked, "Allow") || strings.Contains(asked, "Deny") {
				t.Errorf("%s asked in English: %q", c.program, asked)
			}
		}
	})
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
