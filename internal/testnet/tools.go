package testnet

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// RequireTools finds the programs a test drives and returns the path of the
// first. Outside CI a missing one skips the test, saying which; in CI (env
// CI set, where scripts/deps.sh installs everything) it fails the test.
func RequireTools(t testing.TB, names ...string) string {
	t.Helper()
	var missing []string
	var first string
	for i, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			missing = append(missing, n)
		} else if i == 0 {
			first = p
		}
	}
	if len(missing) == 0 {
		return first
	}
	list := strings.Join(missing, ", ")
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not installed (make deps installs it)", list)
	}
	t.Skipf("%s not installed; run make deps (CI fails here instead of skipping)", list)
	return ""
}
