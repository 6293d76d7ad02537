package app

import (
	"context"
	"crypto/tls"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/kardianos/service"

	"vncbridge/app/localvnc"
	"vncbridge/recordings"
)

// serviceProgram is what the service runs: the proxy with the saved
// settings, sharing from start to stop. A share whose listener fails is
// started again (after restartDelay) until the service stops.
type serviceProgram struct {
	paths Paths
	web   fs.FS
	log   *slog.Logger
	// find and start serve this desktop (nil: localvnc's), as the tray does.
	find  desktopFinder
	start localStarter
	// restartDelay is the pause before a failed share starts again; 0
	// means 5 seconds.
	restartDelay time.Duration
	// funnelTLS is the TLS of the tailnet node's public listener (nil: the
	// node's certificate; tests give their own).
	funnelTLS *tls.Config

	// end ends the service's lifetime: its share, its watch, its children.
	end  context.CancelFunc
	done chan struct{} // closed when the watch has stopped the share
	mu   sync.Mutex
	sh   *share // the share now; nil between a failure and its restart
	// tn shares on the tailnet, with the tailnet setting (servicetailnet.go).
	tn *serviceTailnet
}

func (p *serviceProgram) Start(service.Service) error {
	s, err := loadSettings(p.paths)
	if err != nil {
		p.log.Warn(err.Error())
	}
	if p.find == nil {
		p.find = findDesktop
	}
	if p.restartDelay == 0 {
		p.restartDelay = 5 * time.Second
	}
	if s.needsTokens() { // the tray reads the same file, and opens the share with them
		s.mintTokens(false)
		if err := saveSettings(p.paths, s); err != nil {
			p.log.Warn("the share's new tokens could not be saved", "err", err)
		}
	}
	s = p.desktopIfNothing(s)
	life, end := context.WithCancel(context.Background())
	// A desktop target starts its VNC server here; without a desktop
	// session the error says there is none, and nothing is started.
	sh, err := startShare(s, p.shareOptions(life))
	if err != nil {
		end()
		return err
	}
	p.end, p.done, p.sh = end, make(chan struct{}), sh
	p.log.Info("service sharing", "target", s.Target, "url", s.baseURL(), "settings", p.paths.SettingsFile())
	if s.Tailnet {
		if p.tn, err = startServiceTailnet(life, p.paths, s, p.log, p.sharing, p.funnelTLS); err != nil {
			p.log.Warn("cannot share on the tailnet", "err", err)
		}
	}
	// The recordings' limits, as the tray applies them when sharing starts.
	if removed, err := recordings.Prune(p.paths.Recordings, s.recordLimits(), time.Now()); err != nil || len(removed) > 0 {
		p.log.Info("recordings removed by the limits", "files", removed, "err", err)
	}
	go p.watch(life, s, sh)
	return nil
}

func (p *serviceProgram) shareOptions(life context.Context) shareOptions {
	return shareOptions{life: life, sharerOnly: !platform.isRoot(), paths: p.paths, web: p.web, log: p.log, find: p.find, start: p.start,
		onLocal: func(_ *share, n localvnc.Note) {
			if n.Format != "" {
				p.log.Warn(n.String())
			}
		}}
}

// watch starts the share again when its listener fails, and stops it when
// the service's lifetime ends.
func (p *serviceProgram) watch(life context.Context, s settings, sh *share) {
	defer close(p.done)
	for {
		select {
		case <-life.Done():
			sh.stop()
			return
		case err := <-sh.ended:
			if err == nil || errors.Is(err, net.ErrClosed) {
				err = errors.New("the listener was closed")
			}
			p.log.Error("sharing stopped; starting again", "err", err, "in", p.restartDelay)
			sh.stop()
		}
		p.mu.Lock()
		p.sh = nil
		p.mu.Unlock()
		for {
			select {
			case <-life.Done():
				return
			case <-time.After(p.restartDelay):
			}
			var err error
			if sh, err = startShare(s, p.shareOptions(life)); err == nil {
				break
			}
			p.log.Error("sharing could not start again", "err", err, "next try in", p.restartDelay)
		}
		p.mu.Lock()
		p.sh = sh
		p.mu.Unlock()
		p.log.Info("service sharing again", "target", s.Target, "url", s.baseURL())
		if p.tn != nil {
			p.tn.serve(life)
		}
	}
}

// sharing is the service's share now (nil while it restarts), for tests.
func (p *serviceProgram) sharing() *share {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sh
}

func (p *serviceProgram) Stop(service.Service) error {
	if p.end != nil {
		p.end()
		<-p.done
	}
	if p.tn != nil {
		p.tn.close()
	}
	p.log.Info("service stopped")
	return nil
}

// desktopIfNothing is the tray's rule for the service (desktopInstead):
// this desktop is shared when nothing answers at a target on this computer
// that nobody chose; when no program can serve it, the log says what to do
// (a service with no desktop session says it has none). The settings file
// is not changed.
func (p *serviceProgram) desktopIfNothing(s settings) settings {
	var d desktopState
	d.Prog, d.OK, d.Advice = p.find()
	probed, nothing := false, false
	nothingAnswers := func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, answers := probeVNC(ctx, "tcp", s.Target)
		probed, nothing = true, !answers
		return nothing
	}
	if shared, ok := desktopInstead(s, false, nothingAnswers, d); ok {
		p.log.Info("no VNC server runs: sharing this desktop", "program", d.Prog.Name, "instead of", s.Target)
		return shared
	}
	if probed && nothing && !d.OK {
		p.log.Warn("no VNC server answers at "+s.Target, "advice", d.Advice.Summary)
	}
	return s
}
