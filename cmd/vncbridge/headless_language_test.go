//go:build linux

package main

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"vncbridge/internal/testnet"
)

// headlessLines runs `vncbridge --headless` under locale, with no desktop
// session and nothing behind the port (an echo server), until it printed
// its address, its status and the steps of the advice; then a second
// launch with --port. It returns what both printed on stdout, the lines a
// person reads (the log goes to stderr).
func headlessLines(t *testing.T, locale string) []string {
	t.Helper()
	config := t.TempDir()
	port := testnet.FreePort(t)
	env := append(os.Environ(), "LANG="+locale, "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=", "DISPLAY=", "WAYLAND_DISPLAY=",
		"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR="+t.TempDir())
	first := exec.Command(binary, "--headless", "--config-dir", config, "--port", strconv.Itoa(port), "--target", echoServer(t))
	first.Env = env
	var out, log testnet.LogBuffer
	first.Stdout, first.Stderr = &out, &log
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { first.Wait(); close(exited) }()
	t.Cleanup(func() {
		first.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("%s: stdout:\n%s\nstderr:\n%s", locale, out.String(), log.String())
		}
	})
	testnet.WaitFor(t, "the address, the status and the advice's steps", func() bool {
		return strings.Count(out.String(), "\n  ") >= 2
	})
	second := exec.Command(binary, "--config-dir", config, "--port", strconv.Itoa(port+1))
	second.Env = env
	again, err := second.Output()
	if err != nil {
		t.Fatalf("%s: the second launch: %v\n%s", locale, err, again)
	}
	lines := strings.Split(strings.TrimSpace(out.String()+string(again)), "\n")
	// The address, the status (perhaps "Sharing", before the look found
	// nothing behind the port), 2 steps; already running, --port not
	// applied.
	if len(lines) < 6 {
		t.Fatalf("%s: %d lines, want 6 or more:\n%s", locale, len(lines), strings.Join(lines, "\n"))
	}
	return lines
}

// addresses are the URLs and host:port pairs of a line, which no language
// words.
var addresses = regexp.MustCompile(`\S*://\S*|[\d.]+:\d+`)

// The headless mode speaks the locale's language: under LANG=de_DE.UTF-8
// and ja_JP.UTF-8 none of its lines, nor the English words of the English
// lines, is left (a second launch's lines too); under LANG=C they are
// English.
func TestHeadlessLinesInTheLocalesLanguage(t *testing.T) {
	t.Parallel()
	english := headlessLines(t, "C")
	for _, want := range []string{"vncbridge: sharing ", "vncbridge: Nothing to share ", "  vncbridge runs without a desktop session",
		"vncbridge: vncbridge is already running", "vncbridge: --port not applied"} {
		if !slices.ContainsFunc(english, func(l string) bool { return strings.HasPrefix(l, want) }) {
			t.Errorf("C: no line %q…:\n%s", want, strings.Join(english, "\n"))
		}
	}
	var plain []string
	for _, l := range english {
		plain = append(plain, addresses.ReplaceAllString(l, ""))
	}
	words := englishWords(plain)
	for _, name := range []string{"tigervnc", "xvnc", "vncserver", "ssh"} { // names
		delete(words, name)
	}
	for _, locale := range []string{"de_DE.UTF-8", "ja_JP.UTF-8"} {
		t.Run(locale, func(t *testing.T) {
			t.Parallel()
			for _, l := range headlessLines(t, locale) {
				if slices.Contains(english, l) {
					t.Errorf("%q is English", l)
				}
				for _, w := range asciiWord.FindAllString(addresses.ReplaceAllString(l, ""), -1) {
					if words[strings.ToLower(w)] {
						t.Errorf("%q has the English word %q", l, w)
					}
				}
				if locale == "ja_JP.UTF-8" && !strings.ContainsFunc(l, func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) }) {
					t.Errorf("%q has no Japanese", l)
				}
			}
		})
	}
}
