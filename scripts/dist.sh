#!/usr/bin/env bash
# make dist: every package of vncbridge into dist/, with SHA256SUMS.
#   Linux:   .deb and .rpm (nfpm), .tar.gz; amd64 and arm64
#   Windows: vncbridge.exe (the tray, no console), vncbridge-cli.exe (the
#            command line), both with icon, version and manifest; the NSIS
#            installer (64-bit, tested under Wine by make wine); signed with osslsigncode when a certificate is given
#   macOS:   vncbridge.app (LSUIElement, .icns); on a Mac with the tray, a
#            universal binary and a .dmg; elsewhere the headless build, zipped
# The version comes from git tags (v1.2.3); between tags it is 0.0.0~gitHASH.
# Signing: SIGN_PFX (a PKCS#12 file) and SIGN_PASS, or SIGN_CERT and SIGN_KEY;
# SIGN_TIMESTAMP names a timestamp server.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
NFPM="$GO run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.0"
WINRES="$GO run github.com/tc-hib/go-winres@v0.3.3"

describe=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
if [[ $describe =~ ^v?([0-9]+)\.([0-9]+)\.([0-9]+)$ ]]; then
	version=${describe#v}
	winversion=$version.0
else
	version=0.0.0~git$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
	winversion=0.0.0.0
fi
fileversion=${version//\~/-} # for file names and the .app
ldflags="-s -w -X main.version=$describe"

out=dist
stage=$out/stage
rm -rf "$out"
mkdir -p "$stage"
say() { echo "dist: $*"; }

# What every package carries beside the binary.
docs=$stage/doc
mkdir -p "$docs"
cp README.md "$docs/"
novnc=assets/node_modules/@novnc/novnc
if [ ! -f "$novnc/LICENSE.txt" ]; then
	echo "dist: noVNC is missing; run make assets first" >&2
	exit 1
fi
cp "$novnc/LICENSE.txt" "$docs/noVNC-LICENSE.txt"
cp "$novnc/AUTHORS" "$docs/noVNC-AUTHORS.txt"

build() { # GOOS GOARCH OUTPUT [extra ldflags]
	CGO_ENABLED=0 GOOS=$1 GOARCH=$2 $GO build -trimpath -ldflags "$ldflags ${4:-}" -o "$3" ./cmd/vncbridge
}

# The Go modules built into the binary, for the notices.
third_party() { # BINARY
	{
		echo "vncbridge $describe is built with these Go modules (see each one's licence):"
		echo
		$GO version -m "$1" | awk '$1 == "dep" { print "  " $2 " " $3 }'
		echo
		echo "and ships the noVNC web client (MPL-2.0): noVNC-LICENSE.txt, noVNC-AUTHORS.txt."
	} >"$docs/THIRD-PARTY.txt"
}

# ---- Linux
for arch in amd64 arm64; do
	dir=$stage/linux-$arch
	mkdir -p "$dir/icons/scalable"
	build linux "$arch" "$dir/vncbridge"
	[ -f "$docs/THIRD-PARTY.txt" ] || third_party "$dir/vncbridge"
	cp installer/linux/vncbridge.desktop "$dir/"
	for size in 16 32 48 64 128 256 512; do
		mkdir -p "$dir/icons/${size}x${size}"
		cp "assets/icons/app-$size.png" "$dir/icons/${size}x${size}/vncbridge.png"
	done
	cp assets/icons/vncbridge.svg "$dir/icons/scalable/vncbridge.svg"
	cp -r "$docs" "$dir/doc"
	sed "s|@STAGE@|$PWD/$dir|g; s|@ARCH@|$arch|; s|@VERSION@|$version|" installer/linux/nfpm.yaml >"$dir/nfpm.yaml"
	for fmt in deb rpm; do
		$NFPM package -f "$dir/nfpm.yaml" -p "$fmt" -t "$out/" >/dev/null
	done
	tarname=vncbridge-$fileversion-linux-$arch
	mkdir -p "$stage/tar/$tarname"
	cp -r "$dir/vncbridge" "$dir/vncbridge.desktop" "$dir/icons" "$dir/doc" "$stage/tar/$tarname/"
	owner=(--owner=0 --group=0)
	tar --version 2>/dev/null | grep -q GNU || owner=(--uid 0 --gid 0) # bsdtar on a Mac
	tar -C "$stage/tar" "${owner[@]}" -czf "$out/$tarname.tar.gz" "$tarname"
	say "linux $arch: deb, rpm, tar.gz"
done

# ---- Windows
win=$stage/windows
mkdir -p "$win"
syso=cmd/vncbridge/rsrc_windows_amd64.syso
trap 'rm -f "$syso"' EXIT
make_syso() { # ORIGINAL-FILENAME
	sed "s/\"OriginalFilename\": \"vncbridge.exe\"/\"OriginalFilename\": \"$1\"/" installer/windows/winres.json >"$stage/winres-$1.json"
	# go-winres reads the icons relative to its input file.
	cp "$stage/winres-$1.json" "installer/windows/.winres-$1.json"
	$WINRES make --in "installer/windows/.winres-$1.json" --arch amd64 --out cmd/vncbridge/rsrc \
		--product-version "$winversion" --file-version "$winversion"
	rm -f "installer/windows/.winres-$1.json"
}
make_syso vncbridge.exe
build windows amd64 "$win/vncbridge.exe" "-H windowsgui"
make_syso vncbridge-cli.exe
build windows amd64 "$win/vncbridge-cli.exe"
rm -f "$syso"
cp assets/icons/vncbridge.ico "$win/"
cp "$docs"/* "$win/"

sign() { # FILE
	local ts=()
	[ -n "${SIGN_TIMESTAMP:-}" ] && ts=(-t "$SIGN_TIMESTAMP") # a timestamp server's URL
	if [ -n "${SIGN_PFX:-}" ]; then
		osslsigncode sign -pkcs12 "$SIGN_PFX" -pass "${SIGN_PASS:-}" -n vncbridge "${ts[@]}" -in "$1" -out "$1.signed" >/dev/null
	elif [ -n "${SIGN_CERT:-}" ] && [ -n "${SIGN_KEY:-}" ]; then
		osslsigncode sign -certs "$SIGN_CERT" -key "$SIGN_KEY" -n vncbridge "${ts[@]}" -in "$1" -out "$1.signed" >/dev/null
	else
		return 0
	fi
	mv "$1.signed" "$1"
	say "signed $(basename "$1")"
}
if [ -z "${SIGN_PFX:-}" ] && [ -z "${SIGN_CERT:-}" ]; then
	say "signing skipped: no certificate (set SIGN_PFX and SIGN_PASS, or SIGN_CERT and SIGN_KEY)"
fi
sign "$win/vncbridge.exe"
sign "$win/vncbridge-cli.exe"
setup=$out/vncbridge-$fileversion-windows-amd64-setup.exe
makensis -V2 -DVERSION="$version" -DVIVERSION="$winversion" -DSRCDIR="$PWD/$win" -DOUTFILE="$PWD/$setup" \
	installer/windows/vncbridge.nsi >/dev/null
sign "$setup"
zipname=vncbridge-$fileversion-windows-amd64
(cd "$win" && zip -q -X "../../$zipname.zip" vncbridge.exe vncbridge-cli.exe noVNC-LICENSE.txt noVNC-AUTHORS.txt THIRD-PARTY.txt README.md)
say "windows amd64: setup.exe, zip"

# ---- macOS
app_bundle() { # DIR BINARY
	local app=$1/vncbridge.app
	mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
	cp "$2" "$app/Contents/MacOS/vncbridge"
	cp assets/icons/vncbridge.icns "$app/Contents/Resources/vncbridge.icns"
	sed "s/@VERSION@/$fileversion/g" installer/macos/Info.plist.in >"$app/Contents/Info.plist"
	cp "$docs"/* "$app/Contents/Resources/"
}
if [ "$(uname)" = Darwin ]; then
	mac=$stage/macos
	mkdir -p "$mac"
	for arch in amd64 arm64; do
		CGO_ENABLED=1 GOOS=darwin GOARCH=$arch $GO build -trimpath -ldflags "$ldflags" -o "$mac/vncbridge-$arch" ./cmd/vncbridge
	done
	if command -v lipo >/dev/null; then
		lipo -create -output "$mac/vncbridge" "$mac/vncbridge-amd64" "$mac/vncbridge-arm64"
		app_bundle "$mac" "$mac/vncbridge"
		hdiutil create -volname vncbridge -srcfolder "$mac/vncbridge.app" -ov -format UDZO "$out/vncbridge-$fileversion-macos-universal.dmg" >/dev/null
		say "macos universal: dmg"
	else
		for arch in amd64 arm64; do
			mkdir -p "$mac/$arch"
			app_bundle "$mac/$arch" "$mac/vncbridge-$arch"
			hdiutil create -volname vncbridge -srcfolder "$mac/$arch/vncbridge.app" -ov -format UDZO "$out/vncbridge-$fileversion-macos-$arch.dmg" >/dev/null
		done
		say "macos amd64, arm64: dmg (no lipo for a universal binary)"
	fi
else
	for arch in amd64 arm64; do
		mac=$stage/macos-$arch
		mkdir -p "$mac"
		build darwin "$arch" "$mac/vncbridge.bin"
		app_bundle "$mac" "$mac/vncbridge.bin"
		rm "$mac/vncbridge.bin"
		(cd "$mac" && zip -q -r -X "../../vncbridge-$fileversion-macos-$arch-headless.app.zip" vncbridge.app)
	done
	say "macos amd64, arm64: the .app bundle with the headless build (no tray icon), zipped."
	say "  The tray needs cgo and Apple's SDK, and the .dmg needs hdiutil: run make dist on a Mac for those."
fi

rm -rf "$stage"
sha=(sha256sum --)
command -v sha256sum >/dev/null || sha=(shasum -a 256 --) # macOS
(cd "$out" && "${sha[@]}" * >SHA256SUMS)
say "wrote $out/:"
ls -1 "$out" | sed 's/^/  /'
