//go:build linux

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// waitUntilFile waits until file holds want.
func waitUntilFile(t *testing.T, file, want string) {
	t.Helper()
	testnet.WaitFor(t, want+" in "+file, func() bool {
		b, _ := os.ReadFile(file)
		return strings.Contains(string(b), want)
	})
}

// fileRequest sends a file request of the session named key to the proxy
// at addr (with query, the token), waiting for the session to be open.
func fileRequest(t *testing.T, addr, query, key, method, path string, body []byte) (int, string) {
	var status int
	var text string
	testnet.WaitFor(t, method+" "+path+" answered", func() bool {
		req, _ := http.NewRequest(method, "http://"+addr+proxy.FilesPath+path+query, bytes.NewReader(body))
		req.Header.Set("Vncbridge-Session", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return true
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		status, text = resp.StatusCode, string(b)
		return !strings.Contains(text, "no open session")
	})
	return status, text
}

// TestTrayAsksAboutAFile: on the session bus, the tray asks about a
// viewer's file in a notification with Accept and Decline; the file
// accepted lands in the files folder and a notification says so, whose
// button opens the folder; the one declined does not land.
func TestTrayAsksAboutAFile(t *testing.T) {
	bus := sessionBus(t)
	p := newPanel(t, bus)
	svc := newQuestionService(t, bus)
	binDir, opened, _ := fakeDesktop(t)
	os.Remove(filepath.Join(binDir, "zenity"))
	folder := filepath.Join(t.TempDir(), "Downloads", "vncbridge")
	port := freeAddr(t)[len("127.0.0.1:"):]
	_, tray := startTray(t, trayEnv(t, bus, binDir, "PATH="+binDir),
		map[string]any{"port": mustAtoi(t, port), "target": echoServer(t), "share_on_start": true, "files_folder": folder})
	p.follow(tray)
	p.waitMenu(t, "sharing", func(m entry) bool { return m.listening() })

	const key = "trayfilestrayfilestrayfilestrayfiles"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+port+"/websockify?token="+shareToken+"&files="+key)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	data := bytes.Repeat([]byte("report "), 300_000)
	sum := sha256.Sum256(data)
	offer, _ := json.Marshal(map[string]any{"name": "report.pdf", "size": len(data), "sha256": hex.EncodeToString(sum[:])})
	for _, accept := range []bool{true, false} {
		answered := make(chan [2]any, 1)
		go func() {
			status, text := fileRequest(t, "127.0.0.1:"+port, "?token="+shareToken, key, http.MethodPost, "offer", offer)
			answered <- [2]any{status, text}
		}()
		q := svc.next(t)
		if want := []string{"yes", "Accept", "no", "Decline"}; !slices.Equal(q.actions, want) {
			t.Fatalf("buttons %q, want %q", q.actions, want)
		}
		if want := "This computer wants to send you report.pdf (2.1 MB)"; q.body != want {
			t.Fatalf("the question reads %q, want %q", q.body, want)
		}
		if !accept {
			svc.click(t, q, "no")
			if a := <-answered; a[0] != http.StatusForbidden {
				t.Fatalf("declined, the offer got %v", a)
			}
			break
		}
		svc.click(t, q, "yes")
		a := <-answered
		if a[0] != http.StatusOK {
			t.Fatalf("accepted, the offer got %v", a)
		}
		var id struct{ ID string }
		json.Unmarshal([]byte(a[1].(string)), &id)
		if status, text := fileRequest(t, "127.0.0.1:"+port, "?token="+shareToken, key, http.MethodPut, id.ID, data); status != http.StatusCreated {
			t.Fatalf("the upload: %d %s", status, text)
		}
		note := svc.next(t)
		if want := "This computer sent you report.pdf. It is in " + folder + "."; note.body != want ||
			!slices.Equal(note.actions, []string{"open", "Open folder"}) {
			t.Fatalf("the notification reads %q with %q", note.body, note.actions)
		}
		svc.click(t, note, "open")
		waitUntilFile(t, opened, folder)
	}
	entries, _ := os.ReadDir(folder)
	if len(entries) != 1 || entries[0].Name() != "report.pdf" {
		t.Fatalf("the folder has %v", entries)
	}
	if got, _ := os.ReadFile(filepath.Join(folder, "report.pdf")); !bytes.Equal(got, data) {
		t.Fatalf("the file has %d bytes, want %d", len(got), len(data))
	}
}

// TestTrayOffersAFile: the real tray's Viewers ▸ Send a file to viewers…
// takes the file the desktop's chooser (zenity, faked) names, every page
// of the share downloads it with the hash the proxy tells, and Withdraw
// ends the offer.
func TestTrayOffersAFile(t *testing.T) {
	bus := sessionBus(t)
	p := newPanel(t, bus)
	binDir, _, answer := fakeDesktop(t)
	src := filepath.Join(t.TempDir(), "handout.pdf")
	data := bytes.Repeat([]byte("handout "), 200_000)
	os.WriteFile(src, data, 0o600)
	os.WriteFile(answer, []byte(src+"\n"), 0o600) // what zenity --file-selection prints
	port := freeAddr(t)[len("127.0.0.1:"):]
	_, tray := startTray(t, trayEnv(t, bus, binDir),
		map[string]any{"port": mustAtoi(t, port), "target": echoServer(t), "share_on_start": true})
	p.follow(tray)
	p.waitMenu(t, "sharing", func(m entry) bool { return m.listening() })

	const key = "trayofferstrayofferstrayoffers"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+port+"/websockify?token="+shareToken+"&files="+key)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	addr, query := "127.0.0.1:"+port, "?token="+shareToken
	offers := func() []proxy.OfferedFile {
		_, text := fileRequest(t, addr, query, key, http.MethodGet, "", nil)
		var state struct{ Offers []proxy.OfferedFile }
		json.Unmarshal([]byte(text), &state)
		return state.Offers
	}
	if got := offers(); len(got) != 0 {
		t.Fatalf("offered before anything was chosen: %+v", got)
	}

	p.click(t, "Viewers", "Send a file to viewers…")
	p.waitMenu(t, "Withdraw in the menu", func(m entry) bool { _, ok := m.path("Viewers", "Withdraw handout.pdf"); return ok })
	got := offers()
	sum := sha256.Sum256(data)
	if len(got) != 1 || got[0].Name != "handout.pdf" || got[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("the page sees %+v", got)
	}
	status, body := fileRequest(t, addr, query+"&session="+key, "", http.MethodGet, "download/"+got[0].ID, nil)
	if status != http.StatusOK || sha256.Sum256([]byte(body)) != sum {
		t.Fatalf("the download: %d, %d bytes", status, len(body))
	}

	p.click(t, "Viewers", "Withdraw handout.pdf")
	p.waitMenu(t, "Withdraw gone", func(m entry) bool { _, ok := m.path("Viewers", "Withdraw handout.pdf"); return !ok })
	if got := offers(); len(got) != 0 {
		t.Fatalf("withdrawn, the page still sees %+v", got)
	}
}
