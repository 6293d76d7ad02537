#!/usr/bin/env bash
# Puts the noVNC library (npm @novnc/novnc, pinned in assets/package-lock.json)
# into assets/web/novnc, where go:embed takes it. Nothing it copies is
# committed. Quick when the copy is newer than the lock file.
set -euo pipefail
cd "$(dirname "$0")/../assets"

dest=web/novnc
if [ -f "$dest/core/rfb.js" ] && [ "$dest/core/rfb.js" -nt package-lock.json ]; then
	exit 0
fi
command -v npm >/dev/null || { echo "assets: npm is missing (apt-get install npm, or make deps)" >&2; exit 1; }
echo "assets: npm ci (noVNC $(sed -n 's/.*"@novnc\/novnc": "\(.*\)".*/\1/p' package.json | head -1))"
npm ci --no-audit --no-fund --loglevel=error
src=node_modules/@novnc/novnc
find "$dest" -mindepth 1 ! -name README.md -exec rm -rf {} +
cp -r "$src/core" "$src/vendor" "$src/LICENSE.txt" "$src/AUTHORS" "$dest/"
mkdir -p "$dest/docs"
cp "$src"/docs/LICENSE.* "$dest/docs/"
touch "$dest/core/rfb.js"
