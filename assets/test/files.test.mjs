// The page's side of sending a file (web/files.js), on its own in Node: the
// session's secret, the endpoints' address, sizes as people read them.
// Run by make test: node --test assets/test/

import { test } from "node:test";
import assert from "node:assert/strict";

import { newSessionKey, withSessionKey, filesBase, formatSize, hashFile, downloadURL } from "../web/files.js";

test("a session's secret is 32 characters of base64url, new each time", () => {
  const a = newSessionKey();
  assert.match(a, /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(newSessionKey(), a);
});

test("the secret joins the WebSocket's URL, after a token or alone", () => {
  assert.equal(withSessionKey("ws://h:1/websockify", "K"), "ws://h:1/websockify?files=K");
  assert.equal(withSessionKey("wss://h/websockify?token=t", "K"), "wss://h/websockify?token=t&files=K");
});

test("the file endpoints are the proxy's, over http(s), with the token", () => {
  assert.equal(filesBase("ws://127.0.0.1:6080/websockify", null)("offer"), "http://127.0.0.1:6080/vncbridge/files/offer");
  assert.equal(filesBase("wss://[::1]:6443/x/y", "a b")(""), "https://[::1]:6443/vncbridge/files/?token=a+b");
  assert.equal(filesBase("ws://h:1/websockify", "t")("", { after: "3" }), "http://h:1/vncbridge/files/?token=t&after=3");
});

test("a download's URL carries the session's secret", () => {
  assert.equal(downloadURL(filesBase("ws://h:1/w", "t"), "K", "ab12"), "http://h:1/vncbridge/files/download/ab12?token=t&session=K");
});

test("sizes read as a file manager shows them", () => {
  assert.equal(formatSize(0), "0 B");
  assert.equal(formatSize(999), "999 B");
  assert.equal(formatSize(2_100_000), "2.1 MB");
  assert.equal(formatSize(64 << 20), "67 MB");
});

test("hashFile hashes a Blob in chunks and stops when cancelled", async () => {
  const blob = new Blob([new Uint8Array(9 << 20).fill(7)]);
  const { createHash } = await import("node:crypto");
  const want = createHash("sha256").update(new Uint8Array(9 << 20).fill(7)).digest("hex");
  const seen = [];
  assert.equal(await hashFile(blob, new AbortController().signal, (f) => seen.push(f)), want);
  assert.deepEqual(seen, [4 / 9, 8 / 9, 1]);
  const stop = new AbortController();
  stop.abort();
  await assert.rejects(hashFile(blob, stop.signal, () => {}), { name: "AbortError" });
});
