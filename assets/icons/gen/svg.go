package main

import (
	"fmt"
	"image"
	"image/color"
	"strconv"
	"strings"
)

// svgDoc writes down a canvas's fills as an SVG document, so that the
// application icon also exists as a vector image (vncbridge.svg) drawn
// from the very same shapes as the PNGs. Paths keep the rasterizer's
// nonzero rule: holes are outlines traversed the other way round.
type svgDoc struct {
	size  int
	defs  strings.Builder
	body  strings.Builder
	grads int
}

// fill adds a path with the paint src: a plain colour or a gradient.
func (s *svgDoc) fill(src image.Image, d string) {
	var fill string
	switch p := src.(type) {
	case *image.Uniform:
		fill = svgColor(color.NRGBAModel.Convert(p.C).(color.NRGBA))
	case gradient:
		s.grads++
		id := fmt.Sprintf("g%d", s.grads)
		fmt.Fprintf(&s.defs, "<linearGradient id=%q gradientUnits=\"userSpaceOnUse\" x1=\"0\" y1=\"%s\" x2=\"0\" y2=\"%s\">"+
			"<stop offset=\"0\" stop-color=\"%s\"/><stop offset=\"1\" stop-color=\"%s\"/></linearGradient>\n",
			id, num(float32(p.y0)), num(float32(p.y1)), svgColor(p.top), svgColor(p.bottom))
		fill = "url(#" + id + ")"
	default:
		panic(fmt.Sprintf("svg: no SVG form for paint %T", src))
	}
	fmt.Fprintf(&s.body, "<path fill=\"%s\" d=\"%s\"/>\n", fill, d)
}

// bytes returns the finished document.
func (s *svgDoc) bytes() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", s.size, s.size, s.size, s.size)
	if s.defs.Len() > 0 {
		b.WriteString("<defs>\n" + s.defs.String() + "</defs>\n")
	}
	b.WriteString(s.body.String())
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

func svgColor(c color.NRGBA) string {
	if c.A != 0xff {
		panic("svg: translucent paint") // the design has none
	}
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

// num formats a coordinate briefly and the same way on every run.
func num(v float32) string { return strconv.FormatFloat(float64(v), 'f', -1, 32) }

// svgPath is a pathSink that writes SVG path data.
type svgPath struct{ strings.Builder }

func (p *svgPath) MoveTo(x, y float32) { p.cmd("M", x, y) }
func (p *svgPath) LineTo(x, y float32) { p.cmd("L", x, y) }
func (p *svgPath) CubeTo(x1, y1, x2, y2, x, y float32) {
	p.cmd("C", x1, y1, x2, y2, x, y)
}
func (p *svgPath) ClosePath() { p.WriteString("Z") }

func (p *svgPath) cmd(c string, v ...float32) {
	p.WriteString(c)
	for i, x := range v {
		if i > 0 {
			p.WriteByte(' ')
		}
		p.WriteString(num(x))
	}
}

// drawAppSVG returns the application icon as an SVG document of size
// pixels.
func drawAppSVG(size int) []byte {
	c := newCanvas(size, 1)
	c.svg = &svgDoc{size: size}
	paintApp(c, size)
	return c.svg.bytes()
}
