package proxy

import "net/http"

// A Welcomer is an Authenticator that adds headers to the answer of a
// request it lets through. The tray's network share sets a cookie there when
// the link with its token is opened, so that the files the page then loads,
// which do not carry the token, are let through too (with Config.AuthWeb).
type Welcomer interface {
	Authenticator
	// Welcome adds to h, the answer's headers, what r has earned.
	Welcome(r *http.Request, h http.Header)
}
