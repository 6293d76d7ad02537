package main

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/vector"
)

// canvas is one square image being drawn, with the grid that its shapes are
// laid out on.
//
// Shapes are described in units of the design's base size (0 = left/top
// edge, 1 = right/bottom edge) and snapped to whole points of that base
// size, then multiplied by scale. Snapping keeps horizontal and vertical
// edges on pixel boundaries, so small icons stay crisp instead of blurring
// across two pixels; curves are left to the rasterizer's anti-aliasing.
// A 44 px template is therefore exactly a 22 px template drawn twice as
// large (base 22, scale 2).
type canvas struct {
	img   *image.RGBA
	base  float64 // design size in points
	scale float64 // pixels per point
	svg   *svgDoc // when set, fills are also written down as SVG
}

func newCanvas(base, scale int) *canvas {
	n := base * scale
	return &canvas{
		img:   image.NewRGBA(image.Rect(0, 0, n, n)),
		base:  float64(base),
		scale: float64(scale),
	}
}

// at converts a unit coordinate to pixels, snapped to the point grid.
func (c *canvas) at(f float64) float64 {
	return math.Round(f*c.base) * c.scale
}

// span converts a unit length to pixels: a whole number of points, at least
// min points.
func (c *canvas) span(f, min float64) float64 {
	return math.Max(math.Round(f*c.base), min) * c.scale
}

// free converts a unit length to pixels without snapping (radii, offsets of
// curved parts).
func (c *canvas) free(f float64) float64 {
	return f * c.base * c.scale
}

// fill draws the area enclosed by the paths that build lays down, painted
// with src, over what is already there.
//
// The rasterizer adds up signed coverage, so a path drawn in the opposite
// direction inside another one cuts a hole in it (see pen.rect's reverse).
func (c *canvas) fill(src image.Image, build func(p *pen)) {
	b := c.img.Bounds()
	z := vector.NewRasterizer(b.Dx(), b.Dy())
	p := &pen{sinks: []pathSink{z}}
	var d *svgPath
	if c.svg != nil {
		d = &svgPath{}
		p.sinks = append(p.sinks, d)
	}
	build(p)
	z.Draw(c.img, b, src, image.Point{})
	if c.svg != nil {
		c.svg.fill(src, d.String())
	}
}

// nrgba returns the drawing with straight (not premultiplied) alpha, the
// form that PNG and ICO store.
func (c *canvas) nrgba() *image.NRGBA {
	out := image.NewNRGBA(c.img.Bounds())
	draw.Draw(out, out.Bounds(), c.img, image.Point{}, draw.Src)
	return out
}

// pathSink takes outlines: the rasterizer, and the SVG writer.
type pathSink interface {
	MoveTo(x, y float32)
	LineTo(x, y float32)
	CubeTo(x1, y1, x2, y2, x, y float32)
	ClosePath()
}

// pen lays paths down in pixel coordinates, into every sink.
type pen struct {
	sinks []pathSink
}

// pt is a point in pixels.
type pt struct{ x, y float64 }

// seg is one piece of an outline: a straight line from p[0] to p[3], or a
// cubic Bézier curve from p[0] through controls p[1], p[2] to p[3].
type seg struct {
	cubic bool
	p     [4]pt
}

func line(a, b pt) seg { return seg{p: [4]pt{a, a, b, b}} }

func curve(a, c1, c2, b pt) seg { return seg{cubic: true, p: [4]pt{a, c1, c2, b}} }

// outline adds the closed outline made of segs (each starting where the
// previous one ended), or the same outline traversed backwards when reverse
// is set, which cuts a hole in a shape drawn the other way round.
func (p *pen) outline(segs []seg, reverse bool) {
	if len(segs) == 0 {
		return
	}
	if reverse {
		r := make([]seg, len(segs))
		for i, s := range segs {
			s.p[0], s.p[1], s.p[2], s.p[3] = s.p[3], s.p[2], s.p[1], s.p[0]
			r[len(segs)-1-i] = s
		}
		segs = r
	}
	f := func(v float64) float32 { return float32(v) }
	for _, z := range p.sinks {
		z.MoveTo(f(segs[0].p[0].x), f(segs[0].p[0].y))
		for _, s := range segs {
			if s.cubic {
				z.CubeTo(f(s.p[1].x), f(s.p[1].y), f(s.p[2].x), f(s.p[2].y), f(s.p[3].x), f(s.p[3].y))
			} else {
				z.LineTo(f(s.p[3].x), f(s.p[3].y))
			}
		}
		z.ClosePath()
	}
}

// kappa places the control points of a cubic Bézier that approximates a
// quarter circle.
const kappa = 0.5522847498

// rect adds a rectangle with its corners rounded by radius r (clockwise on
// screen, or the other way round when reverse is set).
func (p *pen) rect(x0, y0, x1, y1, r float64, reverse bool) {
	r = math.Max(0, math.Min(r, math.Min(x1-x0, y1-y0)/2))
	if r == 0 {
		p.polygon(reverse, pt{x0, y0}, pt{x1, y0}, pt{x1, y1}, pt{x0, y1})
		return
	}
	k := r * (1 - kappa)
	p.outline([]seg{
		line(pt{x0 + r, y0}, pt{x1 - r, y0}),
		curve(pt{x1 - r, y0}, pt{x1 - k, y0}, pt{x1, y0 + k}, pt{x1, y0 + r}),
		line(pt{x1, y0 + r}, pt{x1, y1 - r}),
		curve(pt{x1, y1 - r}, pt{x1, y1 - k}, pt{x1 - k, y1}, pt{x1 - r, y1}),
		line(pt{x1 - r, y1}, pt{x0 + r, y1}),
		curve(pt{x0 + r, y1}, pt{x0 + k, y1}, pt{x0, y1 - k}, pt{x0, y1 - r}),
		line(pt{x0, y1 - r}, pt{x0, y0 + r}),
		curve(pt{x0, y0 + r}, pt{x0, y0 + k}, pt{x0 + k, y0}, pt{x0 + r, y0}),
	}, reverse)
}

// circle adds a circle of radius r around (cx, cy).
func (p *pen) circle(cx, cy, r float64, reverse bool) {
	p.rect(cx-r, cy-r, cx+r, cy+r, r, reverse)
}

// polygon adds the closed polygon through pts.
func (p *pen) polygon(reverse bool, pts ...pt) {
	segs := make([]seg, len(pts))
	for i := range pts {
		segs[i] = line(pts[i], pts[(i+1)%len(pts)])
	}
	p.outline(segs, reverse)
}

// gradient is a vertical linear gradient from top (at y0 pixels) to bottom
// (at y1 pixels), used as the paint of a fill.
type gradient struct {
	y0, y1      float64
	top, bottom color.NRGBA
}

func (g gradient) ColorModel() color.Model { return color.NRGBAModel }

func (g gradient) Bounds() image.Rectangle {
	return image.Rect(-1<<20, -1<<20, 1<<20, 1<<20)
}

func (g gradient) At(x, y int) color.Color {
	t := (float64(y) + 0.5 - g.y0) / (g.y1 - g.y0)
	t = math.Max(0, math.Min(1, t))
	mix := func(a, b uint8) uint8 {
		return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t))
	}
	return color.NRGBA{
		mix(g.top.R, g.bottom.R), mix(g.top.G, g.bottom.G),
		mix(g.top.B, g.bottom.B), mix(g.top.A, g.bottom.A),
	}
}

// paint is a plain colour as a fill's paint.
func paint(c color.NRGBA) image.Image { return image.NewUniform(c) }
