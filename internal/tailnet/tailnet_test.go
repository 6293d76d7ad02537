package tailnet_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/tailnet"
	"vncbridge/internal/tailnet/tailnettest"
	"vncbridge/internal/testnet"
)

// Every test here runs in a network namespace with only lo: the nodes'
// packets cannot leave this computer.
func TestMain(m *testing.M) { testnet.MainInLoopbackNamespace(m) }

func TestOnlyLoopbackInNamespace(t *testing.T) {
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ifs {
		if i.Name != "lo" {
			t.Errorf("interface %q in the test's network namespace; only lo may be there", i.Name)
		}
	}
	if len(ifs) != 1 || ifs[0].Flags&net.FlagUp == 0 {
		t.Errorf("interfaces %v: want lo, up", ifs)
	}
}

// startNode starts a node on the test tailnet and waits until it runs.
func startNode(t *testing.T, c *tailnettest.Control, name string) (*tailnet.Node, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	n, err := tailnet.Start(tailnet.Config{Dir: dir, Hostname: name, ControlURL: c.URL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := n.Running(ctx); err != nil {
		t.Fatalf("%s: %v (state %s)", name, err, n.State())
	}
	return n, dir
}

func TestShareWhoIs(t *testing.T) {
	c := tailnettest.Start(t, tailnettest.Options{})
	share, dir := startNode(t, c, "share")
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("state folder mode %v, want 0700", fi.Mode().Perm())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sh, err := share.Listen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	// The test tailnet has HTTPS on (it gives cert domains): :80 and :443.
	if want := "https://share." + tailnettest.Domain + "/"; sh.URL != want || !sh.HTTPS || len(sh.Listeners) != 2 {
		t.Errorf("share at %s (HTTPS %v, %d listeners), want %s with HTTPS", sh.URL, sh.HTTPS, len(sh.Listeners), want)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := share.WhoIs(r.Context(), r.RemoteAddr)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		fmt.Fprintf(w, "%d|%s", id.UserID, id)
	})}
	go srv.Serve(sh.Listeners[0])
	defer srv.Close()

	viewer, _ := startNode(t, c, "viewer")
	me, err := viewer.Self(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := viewer.Dial(ctx, "tcp", "share."+tailnettest.Domain+":80")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: share\r\nConnection: close\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	want := fmt.Sprintf("%d|%s (%s) on viewer", me.UserID, me.DisplayName, me.Login)
	if string(body) != want {
		t.Errorf("the share saw %q, want %q", body, want)
	}
	owner, err := share.Self(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if owner.UserID == me.UserID || owner.Login == "" {
		t.Errorf("owner %+v and viewer %+v: want two users", owner, me)
	}
}

func TestLoginURLAndLogOut(t *testing.T) {
	c := tailnettest.Start(t, tailnettest.Options{RequireAuth: true})
	dir := filepath.Join(t.TempDir(), "state")
	urls := make(chan string, 4)
	n, err := tailnet.Start(tailnet.Config{Dir: dir, Hostname: "share", ControlURL: c.URL,
		OnLoginURL: func(u string) { urls <- u }})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var u string
	select {
	case u = <-urls:
	case <-ctx.Done():
		t.Fatalf("no login URL (state %s)", n.State())
	}
	if !strings.HasPrefix(u, c.URL+"/auth/") || n.LoginURL() != u {
		t.Fatalf("login URL %q (LoginURL %q), want one of the control server", u, n.LoginURL())
	}
	if !c.CompleteAuth(u) {
		t.Fatal("the control server does not know the login URL")
	}
	if err := n.Running(ctx); err != nil {
		t.Fatal(err)
	}
	if n.LoginURL() != "" {
		t.Errorf("LoginURL %q once running, want none", n.LoginURL())
	}
	if err := n.LogOut(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("state folder after logging out: %v, want it gone", err)
	}
}

func TestStartRefusesBadNames(t *testing.T) {
	for _, h := range []string{"", "-x", "x-", "a b", "a.b", strings.Repeat("a", 64)} {
		if _, err := tailnet.Start(tailnet.Config{Dir: t.TempDir(), Hostname: h}); err == nil {
			t.Errorf("Start with host name %q: no error", h)
		}
	}
}

func TestDefaultHostname(t *testing.T) {
	h := tailnet.DefaultHostname()
	if !strings.HasPrefix(h, "vncbridge") || len(h) > 63 || strings.ContainsAny(h, ". _") {
		t.Errorf("DefaultHostname() = %q", h)
	}
}

func TestIdentityString(t *testing.T) {
	for _, c := range []struct {
		id   tailnet.Identity
		want string
	}{
		{tailnet.Identity{Login: "a@x", DisplayName: "Ann", Device: "phone"}, "Ann (a@x) on phone"},
		{tailnet.Identity{Login: "a@x", Device: "phone"}, "a@x on phone"},
		{tailnet.Identity{Login: "a@x", DisplayName: "a@x"}, "a@x"},
	} {
		if got := c.id.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.id, got, c.want)
		}
	}
}
