package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"vncbridge/proxy/auth"
	"vncbridge/proxy/tokens"
)

// readmeTable returns the first column of the README table whose header's
// first cell is header: the names it lists, in order.
func readmeTable(t *testing.T, readme, header string) []string {
	t.Helper()
	i := strings.Index(readme, "| "+header+" |")
	if i < 0 {
		t.Fatalf("the README has no table headed %s", header)
	}
	var names []string
	row := regexp.MustCompile("^\\| `([A-Za-z]+)` \\|")
	for _, line := range strings.Split(readme[i:], "\n")[2:] {
		m := row.FindStringSubmatch(line)
		if m == nil {
			break
		}
		names = append(names, m[1])
	}
	return names
}

// The plugins' names come from one table per kind: the help and the README
// list the same ones, in the same order.
func TestPluginListsAgree(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	var o proxyOptions
	flags := newProxyFlags(&o)
	for _, kind := range []struct {
		flag  string
		names []string
	}{
		{"--token-plugin", tokens.Names()},
		{"--auth-plugin", auth.Names()},
	} {
		if got := readmeTable(t, readme, "`"+kind.flag+"`"); !slices.Equal(got, kind.names) {
			t.Errorf("the README's %s table lists %v; the plugins are %v", kind.flag, got, kind.names)
		}
		if usage := flags.Lookup(strings.TrimPrefix(kind.flag, "--")).Usage; !strings.Contains(usage, "("+strings.Join(kind.names, ", ")+")") {
			t.Errorf("the help of %s does not list %v", kind.flag, kind.names)
		}
	}
}

// Errors of the plugin packages are the library's: they do not name the
// command line's flags, which the tray's users do not have.
func TestPluginErrorsNameNoFlags(t *testing.T) {
	t.Parallel()
	var errs []error
	for _, src := range []string{"", "h:notaport"} {
		_, err := tokens.New("TokenRedis", src, nil)
		errs = append(errs, err)
	}
	_, err := tokens.New("NoSuch", "x", nil)
	errs = append(errs, err)
	_, err = auth.New("BasicHTTPAuth", "nocolon")
	errs = append(errs, err)
	_, err = auth.New("NoSuch", "")
	errs = append(errs, err)
	for _, err := range errs {
		if err == nil {
			t.Fatal("a bad plugin setting was accepted")
		}
		if strings.Contains(err.Error(), "--") {
			t.Errorf("error %q names a flag", err)
		}
	}
}
