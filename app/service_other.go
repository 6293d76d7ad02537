//go:build !windows

package app

// runService runs the service's program: the service manager's library
// knows whether the service manager started it.
func runService(s *Service) error { return s.svc.Run() }
