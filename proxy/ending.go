package proxy

import (
	"regexp"

	"github.com/gobwas/ws"
)

// The reasons the proxy closes a WebSocket session with, as its clients
// read them. Those that end in a space are the start of a longer reason.
const (
	ReasonTargetUnreachable = "Failed to connect to "    // + "host:port: " + the dial error
	ReasonTargetLost        = "Target connection lost: " // + the error
	ReasonTargetClosed      = "Target closed"
	ReasonShuttingDown      = "Server shutting down"
	ReasonNotLetIn          = "The person sharing did not let you in"
	ReasonNoAnswer          = "The person sharing did not answer within " // + how long it waited
	ReasonAnsweringAnother  = "The person sharing is answering another viewer; try again in a moment"
	ReasonViewOnly          = "view-only: " // + what a view-only session cannot follow
)

// RefusalCode is the WebSocket close code that tells a browser its handshake
// was refused with HTTP status: 4000 + status (a page cannot read the HTTP
// answer of a failed WebSocket, only the close of an open one).
func RefusalCode(status int) int { return refusalBase + status }

const refusalBase = 4000

// An ending is one way the proxy ends a connection that the viewer page
// tells apart: a close code and what its reason says.
//
// The page (assets/web/failure.js) finds an ending's kind in
// assets/web/endings.js, which go generate writes from endings below, and a
// test fails when the committed file is stale. The proxy could instead send
// a kind token inside the close reason, but the reason is what every other
// client shows or logs (noVNC, websockify's users, scripts that look for
// "Target closed"), and its 123 bytes are better spent on the words. So the
// words stay as they were, and the one table that tells them apart lives
// here, beside the constants that make them.
type ending struct {
	kind    string        // the page's name for it: what it says is found under this name
	code    ws.StatusCode // the close code
	reason  string        // a regular expression for the whole reason (RE2 and JavaScript alike), "" for any
	example string        // a reason of this kind, for the tests
}

//go:generate go test -run ^TestEndingsScript$ -update .

// endings is every ending the page tells apart, the first that matches
// first. An ending the table does not know is the page's to read: any other
// 4xxx is a refusal, a close without a frame a lost connection.
var endings = []ending{
	// Dialing the target failed: the error says why. A name that cannot be
	// resolved comes first, since its error may say "refused" too (the DNS
	// server's).
	{"unknownHost", ws.StatusInternalServerError,
		unreachablePattern(`.*(?:no such host|lookup |server misbehaving|name resolution).*`),
		ReasonTargetUnreachable + "desk.example:5900: dial tcp: lookup desk.example: no such host"},
	{"noServer", ws.StatusInternalServerError, unreachablePattern(`.*refused.*`),
		ReasonTargetUnreachable + "localhost:5900: dial tcp [::1]:5900: connect: connection refused"},
	{"unreachable", ws.StatusInternalServerError, unreachablePattern(`.*`),
		ReasonTargetUnreachable + "10.1.2.3:5900: dial tcp 10.1.2.3:5900: i/o timeout"},
	{"targetLost", ws.StatusInternalServerError, starts(ReasonTargetLost, `(?<error>.*)`),
		ReasonTargetLost + "read tcp 127.0.0.1:40000->127.0.0.1:5900: read: connection reset by peer"},
	{"targetClosed", ws.StatusNormalClosure, exactly(ReasonTargetClosed), ReasonTargetClosed},

	// The server is shutting down (or the tray is changing its settings): a
	// session gets 1001, a handshake that raced with the shutdown 4503.
	{"shuttingDown", ws.StatusGoingAway, "", ReasonShuttingDown},
	{"shuttingDown", refusalCode(503), exactly(ReasonShuttingDown), ReasonShuttingDown},

	// Refused before the session (refusal.go): the HTTP status tells why.
	{"noToken", refusalCode(400), "", "no token: add ?token=… to the URL"},
	{"authFailed", refusalCode(401), "", "wrong user name or password"},
	{"originRefused", refusalCode(403), "", `Origin "http://evil.example" is not this server's`},
	// An expired token is an unknown one: the page cannot tell them apart,
	// and says so ("Unknown or expired token").
	{"unknownToken", refusalCode(404), "", `unknown token "abcd…"`},
	{"tooManyGuesses", refusalCode(429), "", "too many failed attempts from this address; try again in 42s"},
	{"lookupFailed", refusalCode(502), "", "the token lookup failed"},
	{"lookupFailed", refusalCode(504), "", "the token lookup timed out"},
	{"busy", refusalCode(503), "", "no room for another viewer"},

	// The person sharing decided (viewers.go), or a view-only session met
	// what it cannot follow (rfb.go).
	{"notLetIn", ws.StatusPolicyViolation, exactly(ReasonNotLetIn), ReasonNotLetIn},
	{"noAnswer", ws.StatusPolicyViolation, starts(ReasonNoAnswer, `(?<wait>.+)`), ReasonNoAnswer + "30s"},
	{"answeringAnother", ws.StatusPolicyViolation, exactly(ReasonAnsweringAnother), ReasonAnsweringAnother},
	{"viewOnly", ws.StatusPolicyViolation, starts(ReasonViewOnly, `(?<what>.*)`),
		ReasonViewOnly + "the client sent RFB message type 7, which view-only cannot read"},
	// Any other 1008 is Server.Disconnect's, with the words of its caller.
	{"disconnected", ws.StatusPolicyViolation, "", "The person sharing disconnected you"},
}

func refusalCode(status int) ws.StatusCode { return ws.StatusCode(RefusalCode(status)) }

// exactly matches the reason s and nothing else.
func exactly(s string) string { return "^" + regexp.QuoteMeta(s) + "$" }

// starts matches a reason that starts with prefix and goes on as rest (a
// regular expression).
func starts(prefix, rest string) string { return "^" + regexp.QuoteMeta(prefix) + rest + "$" }

// unreachablePattern matches the reason of an unreachable target whose dial
// error matches errPattern.
func unreachablePattern(errPattern string) string {
	return starts(ReasonTargetUnreachable, `(?<target>.+?): (?<error>`+errPattern+`)`)
}

// unreachableReason is the reason of a session whose target could not be dialed.
func unreachableReason(target Target, err error) string {
	return ReasonTargetUnreachable + target.String() + ": " + err.Error()
}
