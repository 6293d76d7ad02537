package main

import (
	"image"
	"image/color"
	"math"
)

// The icon: a computer screen on a stand, and on the screen an arrow that
// points out of it, towards the browser the desktop is shared with. The tray
// icon colours the screen by state and swaps the arrow for an exclamation
// mark on error and warning; the application icon puts the same screen on a blue tile.

// state is one state of the tray icon, as named in the output files.
type state struct {
	name   string
	screen color.NRGBA // the tray icon's screen colour
}

var states = []state{
	{"idle", color.NRGBA{0x8c, 0x97, 0x9f, 0xff}},
	{"sharing", color.NRGBA{0x1f, 0xa6, 0x4a, 0xff}},
	{"error", color.NRGBA{0xd9, 0x36, 0x2e, 0xff}},
	{"warning", color.NRGBA{0xe0, 0x9a, 0x10, 0xff}}, // amber: sharing, but the VNC server does not answer
	{"network", color.NRGBA{0x1f, 0x6c, 0xd6, 0xff}}, // blue: shared with other computers
}

var (
	white     = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	black     = color.NRGBA{0x00, 0x00, 0x00, 0xff}
	trayFrame = color.NRGBA{0x37, 0x43, 0x4c, 0xff}
	tileTop   = color.NRGBA{0x3f, 0x93, 0xf2, 0xff}
	tileBot   = color.NRGBA{0x17, 0x58, 0xc4, 0xff}
	appScrTop = color.NRGBA{0x1b, 0x3a, 0x66, 0xff}
	appScrBot = color.NRGBA{0x0c, 0x1f, 0x40, 0xff}
	appArrow  = color.NRGBA{0x41, 0xd8, 0x74, 0xff}
)

// box is a rectangle in pixels.
type box struct{ x0, y0, x1, y1 float64 }

func (b box) h() float64 { return b.y1 - b.y0 }

// inset returns b shrunk by dx on the left and right and dy at the top and
// bottom.
func (b box) inset(dx, dy float64) box { return box{b.x0 + dx, b.y0 + dy, b.x1 - dx, b.y1 - dy} }

// monitor is the laid-out screen shape: its outer body, the screen inside
// the frame, and the stand below.
type monitor struct {
	body, screen, neck, foot box
	radius, footRadius       float64
}

// layoutMonitor places the monitor on c. The unit coordinates are the
// design; frame is the frame's thickness in units (at least min points).
func layoutMonitor(c *canvas, x0, y0, x1, y1, frame, min float64) monitor {
	var m monitor
	m.body = box{c.at(x0), c.at(y0), c.at(x1), c.at(y1)}
	t := c.span(frame, min)
	m.screen = m.body.inset(t, t)
	m.radius = c.free(0.09 * (x1 - x0))
	w := x1 - x0
	mid := (x0 + x1) / 2
	m.neck = box{c.at(mid - 0.11*w), m.body.y1 - c.scale, c.at(mid + 0.11*w), c.at(y1 + 0.12)}
	m.foot = box{c.at(mid - 0.3*w), m.neck.y1, c.at(mid + 0.3*w), m.neck.y1 + c.span(0.07, 1)}
	m.footRadius = c.free(0.035)
	return m
}

// screenRadius is the radius of the screen's corners, frac of the body's:
// none when that would be under two pixels, where a rounded corner only
// shows as a stray light pixel.
func (m monitor) screenRadius(frac float64) float64 {
	if r := m.radius * frac; r >= 2 {
		return r
	}
	return 0
}

// arrow adds a right-pointing arrow filling b: a shaft of thickness th and a
// head as tall as b.
func arrow(p *pen, b box, th float64, reverse bool) {
	cy := (b.y0 + b.y1) / 2
	head := b.x1 - b.h()/2 - th/4
	p.polygon(reverse,
		pt{b.x0, cy - th/2}, pt{head, cy - th/2}, pt{head, b.y0},
		pt{b.x1, cy}, pt{head, b.y1}, pt{head, cy + th/2}, pt{b.x0, cy + th/2})
}

// twoWay adds a two-headed arrow filling b (to and from other computers):
// a shaft of thickness th and a head as tall as b at each end.
func twoWay(p *pen, b box, th float64, reverse bool) {
	cy := (b.y0 + b.y1) / 2
	left, right := b.x0+b.h()/2+th/4, b.x1-b.h()/2-th/4
	p.polygon(reverse,
		pt{b.x0, cy}, pt{left, b.y0}, pt{left, cy - th/2}, pt{right, cy - th/2}, pt{right, b.y0},
		pt{b.x1, cy}, pt{right, b.y1}, pt{right, cy + th/2}, pt{left, cy + th/2}, pt{left, b.y1})
}

// bang adds an exclamation mark of stroke width w, centred in b and as
// tall as b: a bar, a gap and a dot as wide as the stroke. Its sides are
// put on whole points of c; small dots get squarer corners, which read
// better than a blurred disc.
func bang(c *canvas, p *pen, b box, w float64, reverse bool) {
	x0 := math.Round((b.x0+b.x1-w)/2/c.scale) * c.scale
	x1 := x0 + w
	gap := math.Max(1, math.Round(w/c.scale*0.5)) * c.scale
	r := w / 2
	if w/c.scale < 6 {
		r = w / 4
	}
	p.rect(x0, b.y0, x1, b.y1-w-gap, r, reverse)
	p.rect(x0, b.y1-w, x1, b.y1, r, reverse)
}

// markBox is the part of the screen s that a mark (arrow or exclamation
// mark) fills: centred, with a margin. It returns the stroke width to use
// for the mark too: th, or th+1 when the box's height and th differ in
// parity, so that the shaft of the arrow sits on whole pixels.
func markBox(c *canvas, s box, padX, padY, th float64) (box, float64) {
	b := s.inset(padX, padY)
	if int(math.Round((b.h()-th)/c.scale))%2 != 0 {
		th += c.scale
	}
	return b, th
}

// bangWidth is the stroke of an exclamation mark beside an arrow of stroke
// th: thinner, so that the bar stays longer than the dot.
func bangWidth(c *canvas, th float64) float64 {
	return math.Max(2, math.Round(th/c.scale*0.75)) * c.scale
}

// drawTray draws the colour tray icon for st at size pixels.
func drawTray(size int, st state) *image.NRGBA {
	c := newCanvas(size, 1)
	m := layoutMonitor(c, 0.02, 0.04, 0.98, 0.76, 0.08, 1)
	c.fill(paint(trayFrame), func(p *pen) {
		p.rect(m.body.x0, m.body.y0, m.body.x1, m.body.y1, m.radius, false)
		p.rect(m.neck.x0, m.neck.y0, m.neck.x1, m.neck.y1, 0, false)
		p.rect(m.foot.x0, m.foot.y0, m.foot.x1, m.foot.y1, m.footRadius, false)
	})
	c.fill(paint(st.screen), func(p *pen) {
		p.rect(m.screen.x0, m.screen.y0, m.screen.x1, m.screen.y1, m.screenRadius(1.0/3), false)
	})
	c.fill(paint(white), func(p *pen) {
		switch st.name {
		case "error", "warning":
			mark, th := markBox(c, m.screen, 0, c.span(0.05, 1), c.span(0.14, 2))
			bang(c, p, mark, bangWidth(c, th), false)
		case "network":
			mark, th := markBox(c, m.screen, c.span(0.08, 1), c.span(0.07, 1), c.span(0.14, 2))
			twoWay(p, mark, th, false)
		default:
			mark, th := markBox(c, m.screen, c.span(0.12, 1), c.span(0.07, 1), c.span(0.14, 2))
			arrow(p, mark, th, false)
		}
	})
	return c.nrgba()
}

// drawTemplate draws the macOS menu-bar template for st: black on
// transparent, 22 points at scale 1 or 2. Idle is the outlined screen with
// an arrow, sharing the filled screen with the arrow cut out, error the
// outlined screen with an exclamation mark, warning the filled screen with
// the exclamation mark cut out, network the filled screen with a two-headed
// arrow cut out.
func drawTemplate(scale int, st state) *image.NRGBA {
	c := newCanvas(22, scale)
	m := layoutMonitor(c, 0.04, 0.12, 0.96, 0.72, 0.09, 1.5)
	mark, th := markBox(c, m.screen, c.span(0.12, 1), c.span(0.07, 1), c.span(0.14, 2))
	c.fill(paint(black), func(p *pen) {
		p.rect(m.body.x0, m.body.y0, m.body.x1, m.body.y1, m.radius, false)
		p.rect(m.neck.x0, m.neck.y0, m.neck.x1, m.neck.y1, 0, false)
		p.rect(m.foot.x0, m.foot.y0, m.foot.x1, m.foot.y1, m.footRadius, false)
		switch st.name {
		case "sharing":
			arrow(p, mark, th, true)
		case "warning":
			bmark, bth := markBox(c, m.screen, 0, c.span(0.06, 1), c.span(0.14, 2))
			bang(c, p, bmark, bangWidth(c, bth), true)
		case "network":
			nmark, nth := markBox(c, m.screen, c.span(0.08, 1), c.span(0.07, 1), c.span(0.14, 2))
			twoWay(p, nmark, nth, true)
		default:
			p.rect(m.screen.x0, m.screen.y0, m.screen.x1, m.screen.y1, m.screenRadius(1.0/3), true)
		}
	})
	if st.name != "sharing" && st.name != "warning" && st.name != "network" {
		c.fill(paint(black), func(p *pen) {
			if st.name == "error" {
				mark, th := markBox(c, m.screen, 0, c.span(0.06, 1), c.span(0.14, 2))
				bang(c, p, mark, bangWidth(c, th), false)
			} else {
				mark, th := markBox(c, m.screen, c.span(0.16, 2), c.span(0.1, 1), c.span(0.14, 2))
				arrow(p, mark, th, false)
			}
		})
	}
	return c.nrgba()
}

// drawApp draws the full-colour application icon at size pixels.
func drawApp(size int) *image.NRGBA {
	c := newCanvas(size, 1)
	paintApp(c, size)
	return c.nrgba()
}

// paintApp draws the application icon on c, a canvas of size pixels.
func paintApp(c *canvas, size int) {
	margin := 0.09
	if size <= 64 {
		margin = 0.03
	}
	tile := box{c.at(margin), c.at(margin), c.at(1 - margin), c.at(1 - margin)}
	c.fill(gradient{tile.y0, tile.y1, tileTop, tileBot}, func(p *pen) {
		p.rect(tile.x0, tile.y0, tile.x1, tile.y1, c.free(0.2*(1-2*margin)), false)
	})
	// The monitor fills more of the tile when the icon is small.
	x0, y0, x1, y1 := 0.2, 0.24, 0.8, 0.64
	switch {
	case size <= 16:
		x0, y0, x1, y1 = 0.12, 0.14, 0.88, 0.7
	case size <= 32:
		x0, y0, x1, y1 = 0.13, 0.2, 0.87, 0.66
	}
	m := layoutMonitor(c, x0, y0, x1, y1, 0.04, 1)
	c.fill(paint(white), func(p *pen) {
		p.rect(m.body.x0, m.body.y0, m.body.x1, m.body.y1, m.radius, false)
		p.rect(m.neck.x0, m.neck.y0, m.neck.x1, m.neck.y1, 0, false)
		p.rect(m.foot.x0, m.foot.y0, m.foot.x1, m.foot.y1, m.footRadius, false)
	})
	c.fill(gradient{m.screen.y0, m.screen.y1, appScrTop, appScrBot}, func(p *pen) {
		p.rect(m.screen.x0, m.screen.y0, m.screen.x1, m.screen.y1, m.screenRadius(0.5), false)
	})
	mark, th := markBox(c, m.screen, c.span(0.1, 1), c.span(0.06, 1), c.span(0.09, 2))
	c.fill(paint(appArrow), func(p *pen) { arrow(p, mark, th, false) })
}
