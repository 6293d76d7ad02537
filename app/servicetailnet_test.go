package app

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/tailnet/tailnettest"
	"vncbridge/internal/testnet"
)

// The service shares on the tailnet from the settings file, as the tray
// does: the page that logs its node in, then its address, in the log; a
// viewer node gets the desktop by the share's name; Stop takes it off the
// tailnet.
func TestServiceSharesOnTheTailnet(t *testing.T) {
	if !testnet.RunInLoopbackNamespace(t) {
		return
	}
	c := tailnettest.Start(t, tailnettest.Options{SameUser: true, RequireAuth: true})
	p := testPaths(t)
	target := testnet.Greeter(t, "RFB 003.008\n")
	if err := saveSettings(p, settings{Port: freePort(t), Token: testToken, Target: target,
		Tailnet: true, TailnetHostname: "desk", TailnetControlURL: c.URL}); err != nil {
		t.Fatal(err)
	}
	var log testnet.LogBuffer
	prog := &serviceProgram{paths: p, log: slog.New(slog.NewTextHandler(&log, nil)), find: noDesktop}
	if err := prog.Start(nil); err != nil {
		t.Fatal(err)
	}
	defer prog.Stop(nil)
	// line waits for the log's line with want, and returns it.
	line := func(want string) string {
		t.Helper()
		var got string
		testnet.WaitFor(t, want, func() bool {
			for _, l := range strings.Split(log.String(), "\n") {
				if strings.Contains(l, want) {
					got = l
					return true
				}
			}
			return false
		})
		return got
	}
	login := line("the tailnet node needs a login")
	u := login[strings.Index(login, "url=")+len("url="):]
	if !c.CompleteAuth(strings.TrimSpace(u)) {
		t.Fatalf("the logged login URL %q is not the control server's", u)
	}
	line(`msg="service sharing on the tailnet" url=https://desk.` + tailnettest.Domain + "/")

	viewer, ctx := c.Node(t, "viewer") // it logs in too on this tailnet
	host := "desk." + tailnettest.Domain
	greetOverTailnet(t, ctx, viewer, host)

	prog.Stop(nil)
	dctx, dcancel := context.WithTimeout(ctx, 3*time.Second)
	defer dcancel()
	if c2, err := viewer.Dial(dctx, "tcp", host+":80"); err == nil {
		c2.Close()
		t.Fatal("the share still answers on the tailnet after the service stopped")
	}
}
