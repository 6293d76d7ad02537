// Why a connection ended, in words a person understands. The proxy says
// why in the WebSocket's close code and reason:
//   1011 "Failed to connect to HOST:PORT: <dial error>"   the target is unreachable
//   1011 "Target connection lost: <error>"                 the target went away
//   1000 "Target closed"                                    the VNC server hung up
//   1001                                                    the proxy stopped or restarted
//   4000 + HTTP status, reason                              refused before the session
//                                                          (a browser cannot read an HTTP error)
//   1008 "The person sharing did not let you in" (or did not answer, or
//        disconnected this viewer); "view-only: …" what a view-only session
//        cannot follow
//   1006 (no close frame)                                   nothing answered, or the network dropped

/**
 * explain maps how a connection ended to what the page says:
 * { title, hint, vars, retry, log } where title and hint are catalog keys,
 * retry tells whether trying again can help, log whether the proxy's log
 * knows more.
 *
 * end: { code, reason, opened (the WebSocket opened), connected (the desktop
 * showed), url, securityFailure (the VNC server refused the login) }.
 */
export function explain(end) {
  const code = end.code || 0;
  const reason = end.reason || "";
  const r = (title, hint, vars, retry, log = true) => ({ title, hint, vars: vars || {}, retry, log });

  if (end.securityFailure) return r("wrongPassword", "wrongPasswordHint", {}, true, false);

  const unreachable = /^Failed to connect to (.+?): (.*)$/s.exec(reason);
  if (unreachable) {
    const target = unreachable[1];
    const error = unreachable[2];
    const host = target.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
    if (/refused/i.test(error)) return r("noServer", "noServerHint", { target }, true);
    if (/no such host|lookup |server misbehaving|name resolution/i.test(error)) {
      return r("unknownHost", "unknownHostHint", { host, target }, true);
    }
    return r("unreachable", "unreachableHint", { target, error }, true);
  }
  if (/^Target connection lost/i.test(reason)) return r("targetLost", "targetLostHint", {}, true);
  if (code === 1000 && /target closed/i.test(reason)) return r("targetClosed", "targetClosedHint", {}, true);
  if (code === 1001) return r("proxyStopped", "proxyStoppedHint", {}, true, false);

  if (code >= 4000 && code < 5000) {
    switch (code - 4000) {
      case 400: return r("noToken", "noTokenHint", {}, false);
      case 401: return r("authFailed", "authFailedHint", {}, false);
      case 403: return r("originRefused", "originRefusedHint", {}, false);
      case 404: return r("unknownToken", "unknownTokenHint", {}, false);
      case 502: case 504: return r("lookupFailed", "lookupFailedHint", {}, true);
      case 503: return r("full", "fullHint", {}, true);
      default: return r("refused", "refusedHint", { reason: reason || String(code) }, false);
    }
  }
  // 1008: the person sharing refused, did not answer or disconnected this
  // viewer ("The person sharing …"), or a view-only session met what the
  // proxy cannot follow ("view-only: …").
  if (code === 1008 && /^view-only: /.test(reason)) return r("viewOnlyEnded", "refusedHint", { reason }, false);
  if (code === 1008) return r("sharerSaid", "sharerSaidHint", { reason }, false, false);
  if (!end.opened) return r("proxyUnreachable", "proxyUnreachableHint", { url: end.url }, true);
  if (end.connected) return r("connectionLost", "connectionLostHint", {}, true);
  if (code === 1000 || code === 0) return r("targetClosed", "targetClosedHint", {}, true);
  return r("connectionLost", "connectionLostHint", {}, true);
}

/** details is the raw close code and reason, for the curious and for bug reports. */
export function details(end) {
  if (end.securityFailure) return end.securityReason || "";
  if (!end.code) return "";
  return "WebSocket close " + end.code + (end.reason ? ": " + end.reason : "");
}
