#!/bin/sh
# vncbridge answers to the name websockify too. Offer it as the websockify
# command only where that does not clash: Debian's websockify package puts a
# plain file at /usr/bin/websockify, and then nothing is done.
set -e
if command -v update-alternatives >/dev/null 2>&1; then
	if [ ! -e /usr/bin/websockify ] || [ -L /usr/bin/websockify ]; then
		update-alternatives --install /usr/bin/websockify websockify /usr/bin/vncbridge 10 || true
	fi
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
	gtk-update-icon-cache -q /usr/share/icons/hicolor || true
fi
exit 0
