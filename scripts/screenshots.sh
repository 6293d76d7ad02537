#!/usr/bin/env bash
# make screenshots: the viewer page's pictures for the README, taken by the
# end-to-end test TestViewerScreenshots (a real Xvnc desktop, vncbridge and
# headless Chromium): docs/viewer-desktop.png (a desktop browser, the extra
# keys shown, 1280x800), docs/viewer-phone.png (390x844, the menu open) and
# docs/viewer-ja.png (the same in Japanese), docs/viewer-failure.png (no VNC
# server at the target),
# docs/viewer-wrong-password.png (the password dialog after a wrong one); and the recordings
# page playing a recorded session, docs/recordings.png and
# docs/recordings-ja.png (in Japanese), taken by
# TestRecordingPlaysInTheBrowser; and what the person viewing a share sees:
# docs/friend-waiting-desktop.png, docs/friend-waiting-phone.png (asked
# before joining) and docs/friend-stopped-sharing.png, taken by the
# TestFriend tests.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs}
mkdir -p "$out"
VNCBRIDGE_SCREENSHOTS=$(cd "$out" && pwd) go test -count=1 -run '^(TestViewerScreenshots|TestRecordingPlaysInTheBrowser|TestFriendWaiting|TestFriendStoppedSharing)$' ./e2e
for f in viewer-desktop.png viewer-ja.png viewer-phone.png viewer-failure.png viewer-wrong-password.png recordings.png recordings-ja.png \
	friend-waiting-desktop.png friend-waiting-phone.png friend-stopped-sharing.png; do
	test -s "$out/$f" || { echo "screenshots: $out/$f was not written" >&2; exit 1; }
	echo "screenshots: wrote $out/$f"
done
