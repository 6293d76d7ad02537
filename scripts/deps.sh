#!/usr/bin/env bash
# Installs what vncbridge's tests need on a Debian machine: Debian packages
# (as root, through apt-get) and the npm modules of the test clients. Each step is
# skipped when its result is already there, so `make test` stays quick.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(websockify python3-websockets nodejs npm
	# websockify's token plugins, for the side-by-side tests
	python3-requests python3-redis python3-simplejson
	# end to end (make e2e): a real desktop and a real browser
	tigervnc-standalone-server tigervnc-tools x11-xserver-utils x11-utils xdotool xterm xfonts-base chromium
	# the viewer's clipboard test and view-only's (xev, for the keys test, is in x11-utils)
	xclip
	# token plugins and scale-out: a real Redis and HAProxy
	redis-server haproxy
	# the tray's test: a private session bus
	dbus-daemon
	# make dist: the Windows installer, the rpm check, zip archives
	nsis rpm zip
	# Chinese and Japanese glyphs for the pages in Chromium (tests, screenshots)
	fonts-wqy-microhei
	# the desktop's own VNC server that vncbridge starts (app/localvnc)
	x11vnc xvfb
	# where x11vnc is missing: TigerVNC's scraping server (x0vncserver)
	tigervnc-scraping-server
	# and its Wayland twin, tested in a headless wlroots compositor
	wayvnc cage xwayland
	# make wine: the Windows build on a 64-bit Wine, headless (Xvfb); mingw-w64
	# builds the test prefix's bcryptprimitives.dll; locales' sources give
	# Wine the languages the Windows build is tested in (localedef)
	wine wine64 gcc-mingw-w64-x86-64-win32 locales)
missing=()
for p in "${debs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	# Node may come from outside Debian (it is on the image); keep it if so.
	if command -v node >/dev/null && command -v npm >/dev/null; then
		filtered=(); for p in "${missing[@]}"; do case $p in nodejs|npm) ;; *) filtered+=("$p");; esac; done
		missing=("${filtered[@]+"${filtered[@]}"}")
	fi
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci again when the lock file changed since (axe-core came after ws):
# npm keeps its view of node_modules in node_modules/.package-lock.json.
for dir in e2e/clients; do
	if [ -f $dir/package-lock.json ] && { [ ! -f $dir/node_modules/.package-lock.json ] || [ $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]; }; then
		echo "deps: npm ci in $dir"
		(cd $dir && npm ci --no-audit --no-fund --loglevel=error)
	fi
done

# staticcheck for make lint, pinned, from the Go module proxy into bin/.
staticcheck=0.8.2
if ! bin/staticcheck -version 2>/dev/null | grep -qF "($staticcheck)"; then
	echo "deps: staticcheck $staticcheck into bin/"
	GOBIN="$PWD/bin" "${GO:-go}" install "honnef.co/go/tools/cmd/staticcheck@v$staticcheck"
fi
