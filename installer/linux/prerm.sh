#!/bin/sh
# Remove the websockify alternative postinst may have added.
set -e
if command -v update-alternatives >/dev/null 2>&1; then
	update-alternatives --remove websockify /usr/bin/vncbridge >/dev/null 2>&1 || true
fi
exit 0
