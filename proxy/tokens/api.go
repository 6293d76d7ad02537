package tokens

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"vncbridge/proxy"
)

// API is the BaseTokenAPI and JSONTokenApi plugins: the source is a URL with
// %s where the token goes; a GET there answers "host:port" (BaseTokenAPI)
// or {"host": "…", "port": …} (JSONTokenApi). A 4xx answer means the token
// is unknown; anything else that is not 2xx is a failed lookup.
type API struct {
	url    string
	json   bool
	client *http.Client
}

// NewAPI calls the URL template source.
func NewAPI(source string, jsonAnswer bool) (*API, error) {
	if strings.Count(source, "%s") != 1 {
		return nil, fmt.Errorf("token API URL %q must hold %%s once, where the token goes", source)
	}
	if !strings.HasPrefix(source, "http://") && !strings.HasPrefix(source, "https://") {
		return nil, fmt.Errorf("token API URL %q is not http:// or https://", source)
	}
	return &API{url: source, json: jsonAnswer, client: &http.Client{}}, nil
}

// LookupTarget implements proxy.TargetLookup.
func (a *API) LookupTarget(ctx context.Context, token string) (proxy.Target, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.Replace(a.url, "%s", escapeToken(token), 1), nil)
	if err != nil {
		return proxy.Target{}, err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return proxy.Target{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return proxy.Target{}, err
	}
	switch {
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		return proxy.Target{}, proxy.ErrUnknownToken
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return proxy.Target{}, fmt.Errorf("token API answered %s", resp.Status)
	}
	if !a.json {
		return splitHostPort(string(body))
	}
	var answer struct {
		Host string          `json:"host"`
		Port json.RawMessage `json:"port"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return proxy.Target{}, fmt.Errorf("token API answer is not JSON: %v", err)
	}
	return tcpTarget(answer.Host, strings.Trim(string(answer.Port), `"`))
}

// escapeToken percent-encodes everything in a token but letters, digits and
// -._~, so it cannot change the URL it is put in.
func escapeToken(t string) string {
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
