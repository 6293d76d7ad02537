//go:build linux

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// `vncbridge proxy --file-transfer DIR`: a viewer's file lands in DIR,
// unasked; without the option, the proxy takes no files.
func TestProxyFileTransfer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	with, without := freeAddr(t), freeAddr(t)
	start(t, binary, "proxy", "--file-transfer", dir, "--file-max-mib", "1", with, echoServer(t))
	start(t, binary, "proxy", without, echoServer(t))
	waitListening(t, "tcp", with)
	waitListening(t, "tcp", without)

	const key = "proxyfilesproxyfilesproxyfiles"
	data := bytes.Repeat([]byte("log line\n"), 100_000)
	sum := sha256.Sum256(data)
	offer, _ := json.Marshal(map[string]any{"name": "../server.log", "size": len(data), "sha256": hex.EncodeToString(sum[:])})
	for _, addr := range []string{with, without} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		c, _, _, err := ws.Dial(ctx, "ws://"+addr+"/websockify?files="+key)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		status, text := fileRequest(t, addr, "", key, http.MethodPost, "offer", offer)
		if addr == without {
			if status == http.StatusOK {
				t.Fatalf("without --file-transfer, the offer got %d %s", status, text)
			}
			continue
		}
		if status != http.StatusOK {
			t.Fatalf("the offer: %d %s", status, text)
		}
		big, _ := json.Marshal(map[string]any{"name": "big.bin", "size": 1<<20 + 1, "sha256": hex.EncodeToString(sum[:])})
		if status, text := fileRequest(t, addr, "", key, http.MethodPost, "offer", big); status != http.StatusRequestEntityTooLarge {
			t.Fatalf("a file over --file-max-mib: %d %s", status, text)
		}
		var a struct{ ID string }
		json.Unmarshal([]byte(text), &a)
		if status, text := fileRequest(t, addr, "", key, http.MethodPut, a.ID, data); status != http.StatusCreated {
			t.Fatalf("the upload: %d %s", status, text)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "_server.log" {
		t.Fatalf("the folder has %v", entries)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "_server.log")); !bytes.Equal(got, data) {
		t.Fatalf("the file has %d bytes, want %d", len(got), len(data))
	}
}

// --file-transfer needs a folder that is there, and --file-max-mib it
// and a positive size.
func TestFileTransferNeedsAFolder(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o600)
	for _, arg := range []string{filepath.Join(t.TempDir(), "missing"), file} {
		o, err := parseProxyArgs([]string{"--file-transfer", arg, "6080", "h:1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.config(slog.New(slog.DiscardHandler)); err == nil || !strings.HasPrefix(err.Error(), "--file-transfer: ") {
			t.Errorf("%s: %v", arg, err)
		}
	}
	o, _ := parseProxyArgs([]string{"6080", "h:1"})
	if cfg, _ := o.config(slog.New(slog.DiscardHandler)); cfg.Files != nil {
		t.Error("file transfer is on by default")
	}
	for _, args := range [][]string{{"--file-max-mib", "5"}, {"--file-transfer", t.TempDir(), "--file-max-mib", "0"}} {
		if _, err := parseProxyArgs(append(args, "6080", "h:1")); err == nil || !strings.Contains(err.Error(), "--file-max-mib") {
			t.Errorf("%q: %v", args, err)
		}
	}
}
