package proxy

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// counters count what a Server does, for /metrics (Config.Metrics) in the
// Prometheus text format. Counting is always on: it costs a few atomic adds
// per session, nothing per frame.
type counters struct {
	sessions      atomic.Int64 // sessions opened
	endedToTarget atomic.Int64 // bytes relayed by sessions that ended
	endedToClient atomic.Int64

	mu         sync.Mutex
	failures   map[string]int64 // handshake failures by reason
	lookups    map[string]int64 // token lookups by result
	lookupHist [len(lookupBuckets) + 1]int64
	lookupSum  float64
}

// lookupBuckets are the upper bounds, in seconds, of the lookup latency
// histogram.
var lookupBuckets = [...]float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5}

func newCounters() *counters {
	return &counters{failures: map[string]int64{}, lookups: map[string]int64{}}
}

// handshakeFailed counts a refused handshake.
func (m *counters) handshakeFailed(reason string) {
	m.mu.Lock()
	m.failures[reason]++
	m.mu.Unlock()
}

// lookup counts a token lookup and its latency.
func (m *counters) lookup(d time.Duration, err error) {
	result := "found"
	switch {
	case err == nil:
	case errors.Is(err, ErrUnknownToken):
		result = "unknown"
	default:
		result = "error"
	}
	secs := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lookups[result]++
	m.lookupSum += secs
	i := sort.SearchFloat64s(lookupBuckets[:], secs)
	m.lookupHist[i]++
}

// failureReason names a refusal's status for the failures counter.
func failureReason(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "bad_request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "unknown_token"
	case http.StatusMethodNotAllowed:
		return "method"
	case http.StatusUpgradeRequired:
		return "version"
	case http.StatusTooManyRequests:
		return "too_many_failures"
	case http.StatusBadGateway:
		return "lookup_failed"
	case http.StatusGatewayTimeout:
		return "lookup_timeout"
	}
	return strconv.Itoa(status)
}

// serveMetrics writes every counter.
func (s *Server) serveMetrics(w http.ResponseWriter) {
	m := s.metrics
	s.mu.Lock()
	open := len(s.sessions)
	toTarget, toClient := m.endedToTarget.Load(), m.endedToClient.Load()
	for ss := range s.sessions {
		toTarget += ss.toTarget.Load()
		toClient += ss.toClient.Load()
	}
	s.mu.Unlock()

	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	metric := func(name, kind, help string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
	}
	metric("vncbridge_sessions_open", "gauge", "WebSocket sessions open now.")
	fmt.Fprintf(w, "vncbridge_sessions_open %d\n", open)
	metric("vncbridge_sessions_total", "counter", "WebSocket sessions opened.")
	fmt.Fprintf(w, "vncbridge_sessions_total %d\n", m.sessions.Load())
	metric("vncbridge_bytes_total", "counter", "Payload bytes relayed, by direction.")
	fmt.Fprintf(w, "vncbridge_bytes_total{direction=\"to_target\"} %d\n", toTarget)
	fmt.Fprintf(w, "vncbridge_bytes_total{direction=\"to_client\"} %d\n", toClient)

	metric("vncbridge_viewer_start_seconds", "gauge", "Open sessions: when each began (Unix time), with who is watching.")
	for _, v := range s.Viewers() {
		name := ""
		if v.Name != "" { // the embedder's name for the person (Config.ViewerName)
			name = fmt.Sprintf(",name=%q", v.Name)
		}
		fmt.Fprintf(w, "vncbridge_viewer_start_seconds{session=\"%d\",address=%q,mode=%q,browser=%q%s} %d\n",
			v.ID, v.Address, v.Mode(), v.Browser, name, v.Start.Unix())
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	metric("vncbridge_handshake_failures_total", "counter", "Handshakes refused, by reason.")
	writeLabelled(w, "vncbridge_handshake_failures_total", "reason", m.failures)
	metric("vncbridge_token_lookups_total", "counter", "Token lookups, by result.")
	writeLabelled(w, "vncbridge_token_lookups_total", "result", m.lookups)
	metric("vncbridge_token_lookup_seconds", "histogram", "Time taken by token lookups.")
	var cum int64
	for i, le := range lookupBuckets {
		cum += m.lookupHist[i]
		fmt.Fprintf(w, "vncbridge_token_lookup_seconds_bucket{le=\"%g\"} %d\n", le, cum)
	}
	cum += m.lookupHist[len(lookupBuckets)]
	fmt.Fprintf(w, "vncbridge_token_lookup_seconds_bucket{le=\"+Inf\"} %d\n", cum)
	fmt.Fprintf(w, "vncbridge_token_lookup_seconds_sum %g\n", m.lookupSum)
	fmt.Fprintf(w, "vncbridge_token_lookup_seconds_count %d\n", cum)
}

func writeLabelled(w io.Writer, name, label string, values map[string]int64) {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s{%s=%q} %d\n", name, label, k, values[k])
	}
}
