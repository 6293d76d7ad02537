package e2e

import (
	"io"
	"log"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// painter repaints the whole screen of a desktop with fresh noise as fast
// as the X server takes it: the worst case of a full-screen video, for
// measuring update rates. It speaks X11 directly (pure Go), so it costs
// little beside what it measures.
type painter struct {
	frames atomic.Int64 // frames painted
	stop   chan struct{}
	done   chan struct{}
}

func startPainter(t testing.TB, d *desktop) *painter {
	t.Helper()
	xgb.Logger = log.New(io.Discard, "", 0) // it reports the missing ~/.Xauthority, which Xvnc does not need
	conn, err := xgb.NewConnDisplay(d.display)
	if err != nil {
		t.Fatalf("connecting to %s: %v", d.display, err)
	}
	screen := xproto.Setup(conn).DefaultScreen(conn)
	gc, _ := xproto.NewGcontextId(conn)
	xproto.CreateGC(conn, gc, xproto.Drawable(screen.Root), 0, nil)

	// A few frames of noise, made once and cycled.
	const rowsPerRequest = 32 // keeps each request under the X request size limit
	frames := make([][]byte, 4)
	for i := range frames {
		f := make([]byte, d.width*d.height*4)
		for j := range f {
			f[j] = byte(rand.Uint32())
		}
		frames[i] = f
	}
	p := &painter{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		defer conn.Close()
		stride := d.width * 4
		for n := 0; ; n++ {
			select {
			case <-p.stop:
				return
			default:
			}
			f := frames[n%len(frames)]
			for y := 0; y < d.height; y += rowsPerRequest {
				h := min(rowsPerRequest, d.height-y)
				xproto.PutImage(conn, xproto.ImageFormatZPixmap, xproto.Drawable(screen.Root), gc,
					uint16(d.width), uint16(h), 0, int16(y), 0, 24, f[y*stride:(y+h)*stride])
			}
			// A round trip per frame: the X server has drawn it.
			if _, err := xproto.GetInputFocus(conn).Reply(); err != nil {
				return
			}
			p.frames.Add(1)
		}
	}()
	t.Cleanup(p.halt)
	return p
}

func (p *painter) halt() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	<-p.done
}
