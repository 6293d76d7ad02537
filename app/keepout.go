package app

import (
	"net/http"
	"strconv"
	"sync"

	"vncbridge/proxy"
)

// keptOut are the viewers the person sharing disconnected: their browser
// (by its cookie, Viewer.Key) and, for a viewer on another computer, its
// address. Until sharing stops, the next join of one is asked about,
// whatever the ask setting says, and one let in then is forgiven. Shares
// ask it from the proxy's goroutines.
type keptOut struct {
	mu   sync.Mutex
	keys map[string]bool
}

// keys of v: its browser's, and its address when it is not this computer's.
func keptOutKeys(v proxy.Viewer, thisComputer func(string) bool) []string {
	var keys []string
	if v.Key != "" {
		keys = append(keys, "browser "+v.Key)
	}
	if h := viewerHost(v); !thisComputer(h) {
		keys = append(keys, "address "+h)
	}
	return keys
}

func (k *keptOut) add(keys []string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys == nil {
		k.keys = map[string]bool{}
	}
	for _, key := range keys {
		k.keys[key] = true
	}
}

func (k *keptOut) has(keys []string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, key := range keys {
		if k.keys[key] {
			return true
		}
	}
	return false
}

func (k *keptOut) forget(keys []string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, key := range keys {
		delete(k.keys, key)
	}
}

func (k *keptOut) clear() {
	k.mu.Lock()
	k.keys = nil
	k.mu.Unlock()
}

// browserCookie names the cookie that tells one browser from another on a
// share (its value is random, set with the admission cookie).
func browserCookie(port int) string { return "vncbridge-browser-" + strconv.Itoa(port) }

// browserKey is the proxy's ViewerKey: the browser's cookie, "" without one.
func browserKey(port int) func(r *http.Request) string {
	name := browserCookie(port)
	return func(r *http.Request) string {
		if c, err := r.Cookie(name); err == nil {
			return c.Value
		}
		return ""
	}
}
