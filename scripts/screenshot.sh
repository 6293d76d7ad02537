#!/usr/bin/env bash
# make screenshot: the tray icon and its menu in a real panel. Xvfb runs a
# private display, xfce4-panel (whose Status Tray plugin hosts
# StatusNotifierItems) a panel on it with a private session bus, vncbridge
# puts its icon there, xdotool opens the menu, and ImageMagick's import takes
# the picture: docs/tray.png. TRAY_LANG (a locale such as de_DE.UTF-8) is
# the tray's language: make screenshot also takes docs/tray-de.png.
# TRAY_CROP is the part of the 800x480 screen taken (the menu is wider in
# German).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/tray.png}
need=(xvfb xfce4-panel xfconf dbus-x11 imagemagick x11-utils xdotool)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "screenshot: installing ${missing[*]}"
	sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
bin=${BIN:-bin/vncbridge}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work" 2>/dev/null || { sleep 1; rm -rf "$work"; }' EXIT

display=:$((100 + RANDOM % 400))
Xvfb "$display" -screen 0 800x480x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
export DISPLAY=$display
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

# One panel along the top: a spacer, then the Status Tray.
export XDG_CONFIG_HOME=$work/config HOME=$work/home
mkdir -p "$XDG_CONFIG_HOME/xfce4/xfconf/xfce-perchannel-xml" "$HOME"
cat >"$XDG_CONFIG_HOME/xfce4/xfconf/xfce-perchannel-xml/xfce4-panel.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="30"/>
      <property name="icon-size" type="uint" value="22"/>
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
        <value type="int" value="2"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="separator">
      <property name="expand" type="bool" value="true"/>
      <property name="style" type="uint" value="0"/>
    </property>
    <property name="plugin-2" type="string" value="systray">
      <property name="square-icons" type="bool" value="true"/>
    </property>
  </property>
</channel>
XML
# The settings the picture shows: sharing a desktop on the usual port. A
# VNC server's greeting answers at display :1, so the tray shows the share
# as working (green) and the server as found.
python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 5901)); s.listen(8)
while True:
    c, _ = s.accept(); c.sendall(b"RFB 003.008\n"); c.close()
' &
cfg=$work/vncbridge
mkdir -p "$cfg"
echo '{"port": 6080, "target": "localhost:5901", "share_on_start": true}' >"$cfg/settings.json"

dbus-run-session -- bash -c 2>"$work/session.log" '
	xfce4-panel >"'"$work"'/panel.log" 2>&1 &
	for _ in $(seq 100); do
		dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner string:org.kde.StatusNotifierWatcher 2>/dev/null | grep -q "boolean true" && break
		sleep 0.1
	done
	LANG="'"${TRAY_LANG:-C.UTF-8}"'" LC_ALL= LC_MESSAGES= LANGUAGE= "'"$bin"'" --config-dir "'"$cfg"'" >"'"$work"'/vncbridge.log" 2>&1 &
	sleep 3
	# The icon is the rightmost thing on the panel: click it to open the menu.
	xdotool mousemove 788 15 click 1
	sleep 1.5
	import -window root -crop "'"${TRAY_CROP:-470x430+330+0}"'" +repage "'"$out"'"
	kill $(jobs -p) 2>/dev/null
	wait
'
echo "screenshot: wrote $out"
