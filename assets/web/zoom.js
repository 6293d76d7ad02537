// Zooming the fitted desktop on a touch screen: a phone in portrait fits a
// 1280-pixel desktop at 0.3×, too small to read. Two fingers pinch to zoom
// (from the fit up to maxZoom) and, zoomed, drag to move the view; a
// double-tap switches between the fit and 1:1 around the touched point. One
// finger stays the mouse (noVNC's gestures).
//
// noVNC scales only to fit (scaleViewport) or not at all, so the zoom is
// noVNC's own display scale, set where noVNC sets it (_updateScale, which it
// calls on every resize): its pointer mapping divides by that scale, so a
// tap still lands on the remote pixel under the finger. The zoomed canvas
// overflows noVNC's screen element, which scrolls; the scrolling moves the
// canvas and with it the mapping. Both names are noVNC's private ones, of
// the version package-lock.json pins.

/** The largest zoom, in page pixels per desktop pixel. */
export const maxZoom = 2;

// Two taps this close in time (ms) and place (px) are a double-tap.
const doubleTapTime = 400;
const doubleTapDistance = 30;

/**
 * zoomable makes a subclass of noVNC's RFB with a zoom: 0 shows the desktop
 * fitted (scaleViewport), a larger value that many page pixels per desktop
 * pixel. A zoom smaller than the fit shows the fit.
 */
export function zoomable(RFB) {
  return class extends RFB {
    get zoom() { return this._vncbridgeZoom || 0; }
    set zoom(z) {
      this._vncbridgeZoom = z;
      this._updateScale();
    }

    /** fitScale is the scale at which the whole desktop fits the screen. */
    get fitScale() {
      const d = this._display;
      const box = this._screen.getBoundingClientRect();
      if (!d.width || !d.height) return 1;
      return Math.min(box.width / d.width, box.height / d.height);
    }

    /** zoomed tells whether the desktop shows larger than the fit. */
    get zoomed() { return this.scaleViewport && this.zoom > this.fitScale; }

    _updateScale() {
      if (!this.zoomed) {
        super._updateScale();
        return;
      }
      this._display.scale = this.zoom;
      this._fixScrollbars();
    }
  };
}

/**
 * zoomAround sets rfb's zoom (0: fit) keeping the desktop point under the
 * page point (x, y) where it is, as far as the view can move.
 */
export function zoomAround(rfb, zoom, x, y) {
  const canvas = rfb._canvas;
  const before = canvas.getBoundingClientRect();
  const old = rfb._display.scale || 1;
  const desktopX = (x - before.left) / old;
  const desktopY = (y - before.top) / old;
  const fit = rfb.fitScale;
  rfb.zoom = zoom <= fit * 1.02 ? 0 : Math.min(zoom, Math.max(maxZoom, fit));
  const after = canvas.getBoundingClientRect();
  const scale = rfb._display.scale;
  const view = canvas.parentElement; // noVNC's scrolling screen element
  view.scrollLeft += after.left + desktopX * scale - x;
  view.scrollTop += after.top + desktopY * scale - y;
}

/**
 * wireZoom takes the two-finger gestures and double-taps that noVNC's
 * gesture handler reports on the canvas inside screen, before noVNC turns
 * them into wheel turns and double-clicks, while enabled() (the fitted
 * view) and rfbOf() gives a client. chosen(zoom) hears each zoom a gesture
 * leaves.
 */
export function wireZoom(screen, rfbOf, enabled, chosen) {
  let gesture = null; // the two-finger gesture taken: its start
  let lastTap = null;

  const take = (e) => {
    const rfb = rfbOf();
    const { type, clientX: x, clientY: y } = e.detail;
    if (!rfb || !enabled()) return;
    if (e.type === "gesturestart") {
      gesture = null;
      if (type === "pinch") {
        gesture = { type, x, y, distance: Math.hypot(e.detail.magnitudeX, e.detail.magnitudeY) || 1, scale: rfb._display.scale };
      } else if (type === "twodrag" && rfb.zoomed) {
        const view = rfb._canvas.parentElement;
        gesture = { type, left: view.scrollLeft, top: view.scrollTop };
      } else if (type === "onetap") {
        if (!doubleTap(rfb, x, y)) return;
      } else {
        return;
      }
    } else if (!gesture || gesture.type !== type) {
      return;
    } else if (e.type === "gesturemove" && type === "pinch") {
      const distance = Math.hypot(e.detail.magnitudeX, e.detail.magnitudeY);
      zoomAround(rfb, gesture.scale * distance / gesture.distance, gesture.x, gesture.y);
    } else if (e.type === "gesturemove") {
      const view = rfb._canvas.parentElement;
      view.scrollLeft = gesture.left - e.detail.magnitudeX;
      view.scrollTop = gesture.top - e.detail.magnitudeY;
    } else if (e.type === "gestureend") {
      gesture = null;
      if (type === "pinch") chosen(rfb.zoom);
    }
    e.stopPropagation(); // noVNC, on the canvas, does not see it
  };

  // doubleTap tells whether this tap completes a double-tap, and then
  // switches between the fit and 1:1 (the first tap was a click already).
  const doubleTap = (rfb, x, y) => {
    const now = Date.now();
    const first = lastTap;
    lastTap = { time: now, x, y };
    if (!first || now - first.time > doubleTapTime || Math.hypot(x - first.x, y - first.y) > doubleTapDistance) return false;
    if (!rfb.zoomed && rfb.fitScale >= 1) return false; // 1:1 would be no larger: a double-click
    lastTap = null;
    zoomAround(rfb, rfb.zoomed ? 0 : 1, first.x, first.y);
    chosen(rfb.zoom);
    return true;
  };

  for (const type of ["gesturestart", "gesturemove", "gestureend"]) screen.addEventListener(type, take, true);
}
