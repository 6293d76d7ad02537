package proxy

import "net/http"

// refuseBody refuses a request that carries a body with a Transfer-Encoding
// (and answers it with a close). Nothing on this port takes a request body;
// and net/http, given both Content-Length and Transfer-Encoding, quietly
// drops the Content-Length, while a proxy in front of this server may have
// read the body by it: the bytes after the shorter reading would then be a
// second, smuggled request (RFC 9112 section 6.1 says to treat such a message
// as an error and close). It tells whether the request was refused.
func (s *Server) refuseBody(w http.ResponseWriter, r *http.Request) bool {
	if len(r.TransferEncoding) == 0 {
		return false
	}
	w.Header().Set("Connection", "close")
	s.refuse(w, r, refused(http.StatusBadRequest, "a request here has no body: Transfer-Encoding is not accepted"))
	return true
}
