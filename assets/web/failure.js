// Why a connection ended, in words a person understands. The proxy says why
// in the WebSocket's close code and reason; endings.js, generated from the
// proxy's own table (proxy/ending.go), tells its endings apart. What the
// table does not know the page reads itself: a security failure is the VNC
// server's, another 4xxx a refusal before the session, a close without a
// frame (1006) a proxy that did not answer or a network that dropped. A
// person's share (its server says so: end.share) speaks of that person: its
// shutdown is theirs, who stopped sharing, and no log is the viewer's to read.

import { endings, refusalBase } from "./endings.js";

const table = endings.map((e) => ({ kind: e.kind, code: e.code, reason: new RegExp(e.reason, "s") }));

const say = (title, hint, retry, log = true) => ({ title, hint, retry, log });

/**
 * words is what the page says for each kind of ending: the title and hint
 * (catalog keys), whether trying again can help, whether the proxy's log
 * knows more.
 */
export const words = {
  // The proxy's endings (endings.js).
  unknownHost: say("unknownHost", "unknownHostHint", true),
  noServer: say("noServer", "noServerHint", true),
  unreachable: say("unreachable", "unreachableHint", true),
  targetLost: say("targetLost", "targetLostHint", true),
  targetClosed: say("targetClosed", "targetClosedHint", true),
  shuttingDown: say("proxyStopped", "proxyStoppedHint", true, false),
  noToken: say("noToken", "noTokenHint", false),
  authFailed: say("authFailed", "authFailedHint", false),
  originRefused: say("originRefused", "originRefusedHint", false),
  unknownToken: say("unknownToken", "unknownTokenHint", false),
  tooManyGuesses: say("refused", "refusedHint", false),
  lookupFailed: say("lookupFailed", "lookupFailedHint", true),
  busy: say("full", "fullHint", true),
  notLetIn: { ...say("notLetIn", "askAgainHint", false, false), again: true },
  noAnswer: { ...say("noAnswer", "askAgainHint", false, false), again: true },
  answeringAnother: say("sharerSaid", "sharerSaidHint", false, false),
  disconnected: say("sharerSaid", "sharerSaidHint", false, false),
  viewOnly: say("viewOnlyEnded", "refusedHint", false),
  // The page's own readings.
  stoppedSharing: say("stoppedSharing", "stoppedSharingHint", false, false),
  wrongPassword: say("wrongPassword", "wrongPasswordHint", true, false),
  refused: say("refused", "refusedHint", false),
  proxyUnreachable: say("proxyUnreachable", "proxyUnreachableHint", true),
  connectionLost: say("connectionLost", "connectionLostHint", true),
};

/**
 * kindOf is the kind of an ending (a key of words) and the words its reason
 * gives (the named groups of its pattern in endings.js).
 */
export function kindOf(end) {
  if (end.securityFailure) return { kind: "wrongPassword", groups: {} };
  const code = end.code || 0;
  const reason = end.reason || "";
  for (const e of table) {
    const m = e.code === code && e.reason.exec(reason);
    if (m) return { kind: e.kind, groups: m.groups || {} };
  }
  const kind = (code >= refusalBase && code < refusalBase + 1000) ? "refused"
    : !end.opened ? "proxyUnreachable"
    : end.connected ? "connectionLost"
    : (code === 1000 || code === 0) ? "targetClosed" // the VNC server hung up before the desktop showed
    : "connectionLost";
  return { kind, groups: {} };
}

/**
 * explain maps how a connection ended to what the page says:
 * { kind, title, hint, vars, retry, log, again } where title and hint are
 * catalog keys, vars fill their places, retry tells whether trying again
 * by itself can help, log whether the proxy's log knows more, again that
 * the person sharing may be asked again (the button says so).
 *
 * end: { code, reason, opened (the WebSocket opened), connected (the desktop
 * showed), url (without the token), securityFailure (the VNC server refused
 * the login), share (the server shares a person's desktop), name (the
 * desktop's name, "" before it showed) }.
 */
export function explain(end) {
  let { kind, groups } = kindOf(end);
  if (end.share && kind === "shuttingDown") kind = "stoppedSharing";
  const vars = { reason: end.reason || String(end.code || ""), url: end.url, name: end.name || "", ...groups };
  if (groups.target) vars.host = groups.target.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
  const why = { kind, ...words[kind], vars };
  if (kind === "stoppedSharing" && !vars.name) why.title = "stoppedSharingUnnamed";
  if (end.share) why.log = false;
  return why;
}

/** details is the raw close code and reason, for the curious and for bug reports. */
export function details(end) {
  if (end.securityFailure) return end.securityReason || "";
  if (!end.code) return "";
  return "WebSocket close " + end.code + (end.reason ? ": " + end.reason : "");
}
