// The viewer page's reading of how a connection ended (web/failure.js), on
// its own in Node: every ending of the proxy's table (web/endings.js,
// generated from proxy/ending.go) and every one the page reads itself, with
// the English words a person sees. Run by make test: node --test assets/test/

import { test } from "node:test";
import assert from "node:assert/strict";

import { endings, refusalBase } from "../web/endings.js";
import { explain, words } from "../web/failure.js";
import { t, missingKeys } from "../web/i18n.js";

const url = "ws://desk.example:6080/websockify";

// What the page says for each kind, in English, about its example in
// endings.js: the title, and whether the page tries again.
const said = {
  unknownHost: ["Unknown host: desk.example", true],
  noServer: ["No VNC server answers at localhost:5900", true],
  unreachable: ["Cannot reach 10.1.2.3:5900", true],
  targetLost: ["The connection to the VNC server was lost", true],
  targetClosed: ["The VNC server closed the connection", true],
  shuttingDown: ["The proxy stopped or restarted", true],
  noToken: ["This address needs a token", false],
  authFailed: ["The proxy refused your credentials", false],
  originRefused: ["The proxy refused this page", false],
  unknownToken: ["Unknown or expired token", false],
  tooManyGuesses: ["The proxy refused the connection", false],
  lookupFailed: ["The proxy could not look up the token", true],
  busy: ["The proxy is busy", true],
  notLetIn: ["The person sharing did not let you in", false],
  noAnswer: ["The person sharing did not answer", false],
  answeringAnother: ["The person sharing is answering another viewer; try again in a moment", false],
  disconnected: ["The person sharing disconnected you", false],
  viewOnly: ["The view-only session ended", false],
};

function read(end) {
  const why = explain({ url, ...end });
  return { kind: why.kind, title: t(why.title, why.vars), hint: t(why.hint, why.vars), retry: why.retry, log: why.log };
}

test("every ending of the proxy is read as its kind, with its words", () => {
  for (const e of endings) {
    for (const connected of [false, true]) {
      const got = read({ code: e.code, reason: e.example, opened: true, connected });
      assert.equal(got.kind, e.kind, `close ${e.code} "${e.example}"`);
      assert.ok(said[e.kind], `no words tested for the kind ${e.kind}`);
      assert.deepEqual([got.title, got.retry], said[e.kind], `close ${e.code} "${e.example}"`);
    }
  }
});

test("every kind tested is one the proxy has", () => {
  const kinds = new Set(endings.map((e) => e.kind));
  for (const kind of Object.keys(said)) assert.ok(kinds.has(kind), `endings.js has no ${kind}`);
});

test("every kind has words in every language", () => {
  for (const e of endings) assert.ok(words[e.kind], `failure.js has no words for ${e.kind}`);
  assert.deepEqual(missingKeys(), {});
  for (const [kind, w] of Object.entries(words)) {
    for (const key of [w.title, w.hint]) assert.notEqual(t(key), key, `${kind}: no text for ${key}`);
  }
});

test("the reason's words fill the page's", () => {
  const v6 = read({ code: 1011, reason: "Failed to connect to [fd00::1]:5900: dial tcp: lookup fd00::1: server misbehaving", opened: true });
  assert.equal(v6.title, "Unknown host: fd00::1");
  const timeout = read({ code: 1011, reason: "Failed to connect to 10.1.2.3:5900: dial tcp 10.1.2.3:5900: i/o timeout", opened: true });
  assert.match(timeout.hint, /did not answer/);
  const viewOnly = read({ code: 1008, reason: "view-only: the client sent RFB message type 7, which view-only cannot read", opened: true });
  assert.equal(viewOnly.hint, "It said: view-only: the client sent RFB message type 7, which view-only cannot read");
  const guesses = read({ code: refusalBase + 429, reason: "too many failed attempts from this address; try again in 42s", opened: true });
  assert.equal(guesses.hint, "It said: too many failed attempts from this address; try again in 42s");
  // A DNS server that refused is an unknown host, not a missing VNC server.
  const dns = read({ code: 1011, reason: "Failed to connect to desk:5900: dial tcp: lookup desk on 127.0.0.53:53: read udp: connection refused", opened: true });
  assert.equal(dns.kind, "unknownHost");
});

test("the endings the page reads itself", () => {
  const cases = [
    [{ securityFailure: true, securityReason: "Authentication failure", opened: true }, "wrongPassword", "Wrong password", true],
    [{ code: refusalBase + 418, reason: "odd", opened: true }, "refused", "The proxy refused the connection", false],
    [{ code: refusalBase + 418, reason: "", opened: true }, "refused", "The proxy refused the connection", false],
    [{ code: 1006, reason: "", opened: false }, "proxyUnreachable", "Cannot reach the proxy", true],
    [{ code: 1006, reason: "", opened: true, connected: true }, "connectionLost", "The connection to the proxy was lost", true],
    [{ code: 1000, reason: "", opened: true }, "targetClosed", "The VNC server closed the connection", true],
    [{ code: 1000, reason: "bye", opened: true, connected: true }, "connectionLost", "The connection to the proxy was lost", true],
    [{ code: 1011, reason: "internal error", opened: true }, "connectionLost", "The connection to the proxy was lost", true],
  ];
  for (const [end, kind, title, retry] of cases) {
    const got = read(end);
    assert.deepEqual([got.kind, got.title, got.retry], [kind, title, retry], JSON.stringify(end));
  }
  assert.equal(read({ code: 1006, opened: false }).hint, `Nothing answered at ${url}: vncbridge may have stopped, or the network is down.`);
  assert.equal(read({ code: refusalBase + 418, reason: "", opened: true }).hint, "It said: 4418");
});

test("a person's share speaks of the person", () => {
  const stop = { code: 1001, reason: "Server shutting down", opened: true, connected: true, share: true };
  const named = explain({ url, ...stop, name: "Anna's laptop" });
  assert.deepEqual([named.kind, t(named.title, named.vars), named.retry, named.log],
    ["stoppedSharing", "Anna's laptop stopped sharing", false, false]);
  const unnamed = read({ ...stop, opened: false, connected: false });
  assert.deepEqual([unnamed.title, unnamed.retry], ["The person sharing stopped sharing", false]);
  // A proxy's own shutdown (no share) is still the proxy's, and tried again.
  assert.deepEqual([read({ ...stop, share: false }).kind, read({ ...stop, share: false }).retry], ["shuttingDown", true]);
  // A share's viewer has no log to read.
  assert.equal(read({ code: 1011, reason: "Target connection lost: EOF", opened: true, share: true }).log, false);
  // Deny and no answer offer to ask again, not to ask for the link.
  for (const reason of ["The person sharing did not let you in", "The person sharing did not answer within 30s"]) {
    const why = explain({ url, code: 1008, reason, opened: true, share: true });
    assert.equal(why.again, true, reason);
    assert.equal(t(why.hint, why.vars), "You can ask them again.");
  }
});
