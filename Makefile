# vncbridge — see README.md. Every target a fresh Debian machine needs is here:
# `make run` starts the proxy, `make test` installs what the tests need and runs them all.

GO      ?= go
BIN     := bin/vncbridge
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: all assets build run deps test lint cross dist e2e wine bench screenshot screenshots clean

all: build

# The noVNC library from npm, into assets/web/novnc for go:embed (quick when there).
assets:
	./scripts/assets.sh

build: assets
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/vncbridge

# The tray application: its icon's menu shares localhost:5900 (or the VNC server
# it finds) on http://localhost:6080. Without a tray on the desktop it shares at
# once and prints the address. Ctrl-C stops it.
run: build
	./$(BIN)

# Debian packages and npm modules the tests use; quick when they are there.
deps:
	./scripts/deps.sh

# The whole suite: vet, staticcheck, the page's scripts in Node (assets/test),
# unit and integration tests (real clients on loopback), and the seed corpus of
# every fuzz target. The Windows build under Wine runs last, alone: beside the
# browser tests on two cores, Wine sometimes delivered a session's first bytes
# too late.
test: deps build cross dist lint
	$(GO) vet ./...
	node --test assets/test/
	E2E_ARTIFACTS=$(E2E_ARTIFACTS) CGO_ENABLED=1 $(GO) test -race -count=1 $$($(GO) list ./... | grep -v '/wine$$')
	$(GO) test -count=1 ./wine

# Every package, into dist/ with SHA256SUMS (scripts/dist.sh; installer/
# holds the packaging files and the test that checks what this writes).
dist: build
	./scripts/dist.sh

# The other systems vncbridge ships for must keep compiling and pass vet
# (macOS without cgo: everything but the tray, which needs a Mac to build).
CROSSPKGS := ./app/... ./cmd/... ./proxy/... ./assets/... ./recordings/... ./internal/localpage/... ./internal/peeruser/...
cross:
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null ./cmd/vncbridge
	GOOS=windows GOARCH=amd64 $(GO) vet $(CROSSPKGS)
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/vncbridge
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) vet $(CROSSPKGS)

# staticcheck (make deps installs it into bin/) on every system vncbridge
# builds for, its findings merged: code that one system's files use is not
# unused.
lint: deps
	bin/staticcheck -f binary ./... >bin/staticcheck-linux.out
	GOOS=windows GOARCH=amd64 bin/staticcheck -f binary $(CROSSPKGS) >bin/staticcheck-windows.out
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 bin/staticcheck -f binary $(CROSSPKGS) >bin/staticcheck-darwin.out
	bin/staticcheck -merge bin/staticcheck-linux.out bin/staticcheck-windows.out bin/staticcheck-darwin.out

# Only the end-to-end tests: Xvnc, vncbridge and headless Chromium (part of make test).
# A failure leaves screenshots and logs under $(E2E_ARTIFACTS).
E2E_ARTIFACTS ?= $(CURDIR)/e2e-artifacts
e2e: deps build
	E2E_ARTIFACTS=$(E2E_ARTIFACTS) $(GO) test -count=1 -v ./e2e

# Only the Windows build under Wine on a private Xvfb (part of make test, as
# ./wine): the command line, a proxy session, the web files, the installer
# from dist/, the service and the tray clicked with xdotool; one fresh prefix.
wine: deps dist
	$(GO) test -count=1 -v ./wine

# Speed, side by side on loopback: the desktop in a browser through vncbridge and
# websockify, then vncbridge, a plain TCP relay and websockify (docs/BENCHMARKS.md).
# BENCHFLAGS=-quick for a short smoke run.
bench: deps build
	VNCBRIDGE_E2E_REPORT=$(CURDIR)/bin/desktop-bench.md $(GO) test ./e2e -run '^$$' -bench Desktop -benchtime 1x
	VNCBRIDGE_TAILNET_REPORT=$(CURDIR)/bin/tailnet-bench.txt $(GO) test ./e2e/tailnet -run '^$$' -bench TailnetPath -benchtime 1x >/dev/null
	$(GO) run ./bench -proxy $(BIN) -desktop bin/desktop-bench.md -tailnet bin/tailnet-bench.txt -out docs/BENCHMARKS.md $(BENCHFLAGS)

# docs/tray.png: the tray icon and its menu in a real panel (Xvfb, xfce4-panel).
# The picture is committed with the tree it shows, so its About item names the
# version without "-dirty".
screenshot: assets
	$(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION:-dirty=)" -o bin/vncbridge-screenshot ./cmd/vncbridge
	BIN=bin/vncbridge-screenshot ./scripts/screenshot.sh docs/tray.png
	BIN=bin/vncbridge-screenshot TRAY_LANG=de_DE.UTF-8 TRAY_CROP=560x430+240+0 ./scripts/screenshot.sh docs/tray-de.png

# docs/viewer-desktop.png, docs/viewer-phone.png, docs/viewer-failure.png: the
# viewer page on a real Xvnc desktop in headless Chromium (TestViewerScreenshots).
screenshots: deps assets
	./scripts/screenshots.sh docs

clean:
	rm -rf bin dist assets/node_modules
	find assets/web/novnc -mindepth 1 ! -name README.md -exec rm -rf {} +
