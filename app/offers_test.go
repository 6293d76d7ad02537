package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// fakeChooser chooses path.
type fakeChooser struct{ path string }

func (f fakeChooser) Choose(context.Context, string) (string, bool, error) { return f.path, true, nil }

// Viewers ▸ Send a file to viewers… offers the file chosen to every
// viewer's page, with a notification; Withdraw ends the offer.
func TestOfferFileToViewers(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	src := filepath.Join(t.TempDir(), "handout.pdf")
	os.WriteFile(src, []byte("the handout"), 0o600)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(cfg *config) { cfg.chooser = fakeChooser{src} })
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	base := "127.0.0.1:" + strconv.Itoa(port)
	conn, _, _, err := ws.Dial(ctx, "ws://"+base+"/websockify?token="+testToken+"&files="+filesKey)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	offers := func() []proxy.OfferedFile {
		req, _ := http.NewRequest(http.MethodGet, "http://"+base+proxy.FilesPath+"?token="+testToken, nil)
		req.Header.Set("Vncbridge-Session", filesKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var state struct{ Offers []proxy.OfferedFile }
		json.Unmarshal(b, &state)
		return state.Offers
	}

	h.click("Viewers", "Send a file to viewers…")
	h.waitNote("handout.pdf is offered to every viewer until you withdraw it or stop sharing.")
	testnet.WaitFor(t, "Withdraw in the menu", func() bool { _, ok := h.item("Viewers", "Withdraw handout.pdf"); return ok })
	if got := offers(); len(got) != 1 || got[0].Name != "handout.pdf" || got[0].Size != 11 {
		t.Fatalf("the page sees %+v", got)
	}
	h.click("Viewers", "Withdraw handout.pdf")
	testnet.WaitFor(t, "Withdraw gone from the menu", func() bool { _, ok := h.item("Viewers", "Withdraw handout.pdf"); return !ok })
	if got := offers(); len(got) != 0 {
		t.Fatalf("withdrawn, the page still sees %+v", got)
	}
}
