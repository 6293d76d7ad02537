package app

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

// fakeAsker answers every question with answer, and notes its text.
type fakeAsker struct {
	answer bool
	asked  *recorder
}

func (f fakeAsker) Ask(_ context.Context, q question) (bool, error) {
	f.asked.add(q.title + " | " + q.text + " | " + q.yes + "/" + q.no)
	return f.answer, nil
}

const filesKey = "filesfilesfilesfilesfilesfilesfiles"

// sendFile opens a session on the share at port, as the page does, and
// sends data as name: the status of the offer, and of the upload when it
// was accepted.
func sendFile(t *testing.T, port int, name string, data []byte) (offered, sent int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	conn, _, _, err := ws.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/websockify?token="+testToken+"&files="+filesKey)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	do := func(method, path string, body []byte) (int, string) {
		var status int
		var text string
		// The session is being registered as the WebSocket opens.
		testnet.WaitFor(t, method+" answered", func() bool {
			req, _ := http.NewRequest(method, base+proxy.FilesPath+path+"?token="+testToken, bytes.NewReader(body))
			req.Header.Set("Vncbridge-Session", filesKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			status, text = resp.StatusCode, string(b)
			return !strings.Contains(text, "no open session")
		})
		return status, text
	}
	sum := sha256.Sum256(data)
	offer, _ := json.Marshal(map[string]any{"name": name, "size": len(data), "sha256": hex.EncodeToString(sum[:])})
	offered, text := do(http.MethodPost, "offer", offer)
	if offered != http.StatusOK {
		return offered, 0
	}
	var a struct{ ID string }
	json.Unmarshal([]byte(text), &a)
	sent, _ = do(http.MethodPut, a.ID, data)
	return offered, sent
}

// A viewer's file: the person sharing is asked in their words, and the
// file accepted lands in the files folder, with a notification; the file
// declined lands nowhere.
func TestFileFromViewer(t *testing.T) {
	t.Parallel()
	for _, accept := range []bool{true, false} {
		t.Run(strconv.FormatBool(accept), func(t *testing.T) {
			port := freePort(t)
			folder := filepath.Join(t.TempDir(), "Downloads", "vncbridge")
			asked := &recorder{}
			h := startApp(t, settings{Port: port, Target: echoTarget(t), FilesFolder: folder}, func(cfg *config) {
				cfg.asker = fakeAsker{answer: accept, asked: asked}
			})
			h.click("Start sharing")
			h.waitStatus("sharing", prefix("Sharing"))
			data := bytes.Repeat([]byte("pdf "), 525_000)
			offered, sent := sendFile(t, port, "../report.pdf", data)
			want := "A viewer sends you a file | This computer wants to send you _report.pdf (2.1 MB) | Accept/Decline"
			if got := asked.list(); len(got) != 1 || got[0] != want {
				t.Fatalf("asked %q, want %q", got, want)
			}
			if !accept {
				if offered != http.StatusForbidden {
					t.Fatalf("declined: %d", offered)
				}
				if _, err := os.Stat(folder); err == nil {
					entries, _ := os.ReadDir(folder)
					if len(entries) != 0 {
						t.Fatalf("declined, yet the folder has %v", entries)
					}
				}
				return
			}
			if sent != http.StatusCreated {
				t.Fatalf("offer %d, upload %d", offered, sent)
			}
			got, err := os.ReadFile(filepath.Join(folder, "_report.pdf"))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("the file: %d bytes, %v", len(got), err)
			}
			h.waitNote("This computer sent you _report.pdf. It is in " + folder + ".")
		})
	}
}

// files_max_mib bounds a viewer's file: a larger one is refused before
// the person sharing is asked.
func TestFileOverTheSizeSetting(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	asked := &recorder{}
	h := startApp(t, settings{Port: port, Target: echoTarget(t), FilesFolder: t.TempDir(), FilesMaxMiB: 1}, func(cfg *config) {
		cfg.asker = fakeAsker{answer: true, asked: asked}
	})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	if offered, _ := sendFile(t, port, "big.bin", make([]byte, 1<<20+1)); offered != http.StatusRequestEntityTooLarge {
		t.Fatalf("a file of 1 MiB + 1 byte: %d", offered)
	}
	if offered, sent := sendFile(t, port, "small.bin", make([]byte, 1<<20)); offered != http.StatusOK || sent != http.StatusCreated {
		t.Fatalf("a file of 1 MiB: offer %d, upload %d", offered, sent)
	}
	if got := asked.list(); len(got) != 1 {
		t.Fatalf("asked %q; want only the file within the limit", got)
	}
	if err := (settings{Port: 1, Target: "h:1", FilesMaxMiB: -1}).validate(); err == nil {
		t.Error("a negative files_max_mib is valid")
	}
}

// Without someone to answer (no asker: a headless run, the service), a
// share takes no files.
func TestNoFilesWithoutSomeoneToAsk(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t), FilesFolder: t.TempDir()})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(port)+proxy.FilesPath+"?token="+testToken, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK { // 405 here, with no web files: nothing is there
		t.Fatalf("the file endpoint answers %d", resp.StatusCode)
	}
}

// holdingConsenter holds its question until released.
type holdingConsenter struct {
	asking  chan struct{}
	release chan struct{}
}

func (b holdingConsenter) Consent(ctx context.Context, v proxy.Viewer) (proxy.Decision, error) {
	close(b.asking)
	<-b.release
	return proxy.Allow, nil
}

// A file's question waits while a viewer's is asked: one question at a
// time, whatever it is about.
func TestFileQuestionWaitsItsTurn(t *testing.T) {
	t.Parallel()
	b := holdingConsenter{asking: make(chan struct{}), release: make(chan struct{})}
	line := oneAtATime(b)
	asked := &recorder{}
	files := inLine{line: line.(*questionLine), ways: fakeAsker{answer: true, asked: asked}}
	go line.Consent(context.Background(), proxy.Viewer{})
	<-b.asking
	answered := make(chan bool)
	go func() {
		yes, _ := files.Ask(context.Background(), question{text: "a file"})
		answered <- yes
	}()
	l := line.(*questionLine)
	testnet.WaitFor(t, "the file's question in line", func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return len(l.waiting) == 1
	})
	if len(asked.list()) != 0 {
		t.Fatal("the file was asked about while a viewer's question was open")
	}
	close(b.release)
	if !<-answered || len(asked.list()) != 1 {
		t.Fatalf("asked %v", asked.list())
	}
}

func TestDownloadsFolder(t *testing.T) {
	home := t.TempDir()
	dirs := filepath.Join(home, "user-dirs.dirs")
	for _, c := range []struct{ file, want string }{
		{"XDG_DESKTOP_DIR=\"$HOME/Desktop\"\nXDG_DOWNLOAD_DIR=\"$HOME/Téléchargements\"\n", home + "/Téléchargements"},
		{"XDG_DOWNLOAD_DIR=\"/data/dl\"\n", "/data/dl"},
		{"XDG_DOWNLOAD_DIR=\"$HOME/\"\n", ""}, // xdg-user-dirs' "disabled"
		{"XDG_DOWNLOAD_DIR=relative\n", ""},
		{"", ""},
	} {
		os.WriteFile(dirs, []byte(c.file), 0o600)
		if got := userDirsDownload(dirs, home); got != c.want {
			t.Errorf("%q: %q, want %q", c.file, got, c.want)
		}
	}
	if got := (settings{FilesFolder: "/x"}).filesFolder(); got != "/x" {
		t.Errorf("the setting: %q", got)
	}
	if got := (settings{}).filesFolder(); filepath.Base(got) != "vncbridge" || !filepath.IsAbs(got) {
		t.Errorf("the default: %q", got)
	}
}

// Viewers ▸ Folder for files from viewers… sets where they go; a path that
// is not a full one is asked again.
func TestFilesFolderSetting(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	dir := filepath.Join(t.TempDir(), "in")
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(cfg *config) {
		cfg.asker = fakeAsker{answer: true, asked: &recorder{}}
		cfg.prompter = fakePrompter{answer: dir + string(filepath.Separator)}
	})
	if it, ok := h.item("Viewers", "Folder for files from viewers…"); ok {
		t.Fatalf("a menu of viewers while not sharing: %+v", it)
	}
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	h.click("Viewers", "Folder for files from viewers…")
	testnet.WaitFor(t, "the setting saved", func() bool {
		s, _ := loadSettings(h.paths)
		return s.FilesFolder == dir
	})
	testnet.WaitFor(t, "the menu showing the folder", func() bool {
		it, _ := h.item("Viewers", "Folder for files from viewers…")
		return it.Tooltip == dir
	})
	for in, want := range map[string]string{"": "", " /a/b/ ": "/a/b"} {
		if got, err := parseFolder(in); err != nil || got != want {
			t.Errorf("parseFolder(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := parseFolder("relative/dir"); err == nil {
		t.Error("a relative folder is taken")
	}
}

// A file on its way shows in the Viewers menu with how much came; its
// Cancel stops it, and nothing of it stays.
func TestSharerCancelsReceiving(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	folder := t.TempDir()
	h := startApp(t, settings{Port: port, Target: echoTarget(t), FilesFolder: folder}, func(cfg *config) {
		cfg.asker = fakeAsker{answer: true, asked: &recorder{}}
	})
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
	const size = 8 << 20
	sum := testnet.PrefixSum(size)
	offer, _ := json.Marshal(map[string]any{"name": "big.bin", "size": size, "sha256": hex.EncodeToString(sum[:])})
	var id struct{ ID string }
	testnet.WaitFor(t, "the offer answered", func() bool {
		req, _ := http.NewRequest(http.MethodPost, "http://"+base+proxy.FilesPath+"offer?token="+testToken, bytes.NewReader(offer))
		req.Header.Set("Vncbridge-Session", filesKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(&id) == nil
	})
	put, err := net.Dial("tcp", base)
	if err != nil {
		t.Fatal(err)
	}
	defer put.Close()
	fmt.Fprintf(put, "PUT %s%s?token=%s HTTP/1.1\r\nHost: localhost\r\nVncbridge-Session: %s\r\nContent-Length: %d\r\n\r\n",
		proxy.FilesPath, id.ID, testToken, filesKey, size)
	io.Copy(put, testnet.Stream(size/2))
	testnet.WaitFor(t, "half of it in the menu", func() bool {
		it, ok := h.item("Viewers", "Receiving big.bin")
		return ok && it.Title == "Receiving big.bin (50%)"
	})
	h.click("Viewers", "Receiving big.bin", "Cancel")
	// The upload is answered once the proxy has told the tray; a cancel of
	// the person's own gets no notification.
	res, err := http.ReadResponse(bufio.NewReader(put), nil)
	if err != nil || res.StatusCode != http.StatusConflict {
		t.Fatalf("the cancelled upload's answer: %v %v", res, err)
	}
	if slices.ContainsFunc(h.notes.list(), func(n string) bool { return strings.Contains(n, "big.bin") }) {
		t.Errorf("a notification of the person's own cancel: %q", h.notes.list())
	}
	testnet.WaitFor(t, "the menu without it", func() bool { _, ok := h.item("Viewers", "Receiving big.bin"); return !ok })
	if entries, _ := os.ReadDir(folder); len(entries) != 0 {
		t.Fatalf("the folder has %v", entries)
	}
}
