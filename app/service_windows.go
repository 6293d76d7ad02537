package app

import (
	"errors"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
)

// runService runs the service's program under the Windows service manager.
// `vncbridge service run` is only started that way, so it connects to the
// service manager first instead of guessing from the session it runs in
// (a guess that fails where services run in session 1, as under Wine).
// Started from a prompt, the connection is refused at once, and it shares
// in the foreground until Ctrl-C.
func runService(s *Service) error {
	err := svc.Run(serviceName, &serviceHandler{s: s})
	if errors.Is(err, windows.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
		return s.svc.Run()
	}
	return err
}

// serviceHandler answers the service manager: start, stop, shutdown.
type serviceHandler struct{ s *Service }

// Execute is called by the service manager's dispatcher; it returns when
// the service stops.
func (h *serviceHandler) Execute(_ []string, requests <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	if err := h.s.prog.Start(h.s.svc); err != nil {
		h.s.prog.log.Error("service start: " + err.Error())
		return true, 1
	}
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for r := range requests {
		switch r.Cmd {
		case svc.Interrogate:
			status <- r.CurrentStatus
		case svc.Stop, svc.Shutdown:
			status <- svc.Status{State: svc.StopPending}
			if err := h.s.prog.Stop(h.s.svc); err != nil {
				return true, 2
			}
			return false, 0
		}
	}
	return false, 0
}
