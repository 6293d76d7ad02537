package app

import (
	"net"

	"vncbridge/internal/words"
	"vncbridge/proxy"
)

// The words the person sharing reads about a viewer: "this computer" for
// one on loopback, "Firefox on Android", "can control" or "view only". Text
// the viewer chose (its browser's word) goes through viewerText.

// viewerName is who a viewer is: "this computer" in w's language, or its
// address.
func viewerName(w words.Printer, v proxy.Viewer) string {
	if v.Name != "" {
		return v.Name // a tailnet's "Ann (ann@example.com) on phone"
	}
	h := viewerHost(v)
	if isLoopback(h) {
		return w.Sprintf("this computer")
	}
	return viewerText(h)
}

// viewerHost is a viewer's address without its port: "192.168.1.20".
func viewerHost(v proxy.Viewer) string {
	if h, _, err := net.SplitHostPort(v.Address); err == nil {
		return h
	}
	return v.Address
}

// viewerClient is the viewer's browser and device, "Firefox on Android",
// in w's language; "" when neither is known.
func viewerClient(w words.Printer, v proxy.Viewer) string {
	b := viewerText(v.Browser)
	if b == "unknown" {
		b = ""
	}
	switch {
	case b != "" && v.Device != "":
		return w.Sprintf("%s on %s", b, v.Device)
	case b != "":
		return b
	}
	return v.Device
}

// viewerMode is what a viewer may do: "can control" or "view only", in
// w's language.
func viewerMode(w words.Printer, v proxy.Viewer) string {
	if v.ViewOnly {
		return w.Sprintf("view only")
	}
	return w.Sprintf("can control")
}
