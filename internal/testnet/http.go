package testnet

import (
	"io"
	"net/http"
	"testing"
)

// Do sends an HTTP request with the given headers ("Host" sets the
// request's Host) and returns the status and the body. It fails the test
// when no answer comes.
func Do(t testing.TB, method, url string, header map[string]string) (status int, body string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
