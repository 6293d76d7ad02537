// What the page scripts share (web/page.js), on its own in Node: the reading
// of yes/no values, which the viewer's parameters and settings both use, and
// the test-only switch that keeps the pages' live objects off window. Run by
// make test: node --test assets/test/

import { test } from "node:test";
import assert from "node:assert/strict";

import { parseYes, exposeForTests } from "../web/page.js";
import { parse } from "../web/settings.js";

test("parseYes: 0, false, no and off are no, in any case; the rest is yes", () => {
  for (const no of ["0", "false", "no", "off", "FALSE", "No", "oFF"]) {
    assert.equal(parseYes(no), false, no);
  }
  for (const yes of ["1", "true", "yes", "on", "TRUE", "", "anything", " no", "off "]) {
    assert.equal(parseYes(yes), true, JSON.stringify(yes));
  }
  assert.equal(parseYes(false), false);
  assert.equal(parseYes(true), true);
});

test("a boolean setting reads its text with parseYes", () => {
  for (const text of ["0", "false", "no", "off", "1", "true", "yes", "", "Off"]) {
    assert.equal(parse("view_only", text), parseYes(text), JSON.stringify(text));
  }
  assert.equal(parse("view_only", true), true);
  assert.equal(parse("view_only", false), false);
});

test("exposeForTests: without a test's hook, nothing reaches the global object", () => {
  delete globalThis.vncbridgeTestHook;
  const before = Object.keys(globalThis).sort();
  exposeForTests("vncbridge", { rfb: "live" });
  assert.deepEqual(Object.keys(globalThis).sort(), before);
  assert.equal(globalThis.vncbridge, undefined);
});

test("exposeForTests: a test's hook receives the objects", (t) => {
  const got = [];
  globalThis.vncbridgeTestHook = (name, objects) => got.push([name, objects]);
  t.after(() => { delete globalThis.vncbridgeTestHook; });
  const objects = { rfb: "live" };
  exposeForTests("vncbridge", objects);
  assert.equal(got.length, 1);
  assert.equal(got[0][0], "vncbridge");
  assert.equal(got[0][1], objects);
});

test("exposeForTests: a hook that is no function (an element with its id) is ignored", (t) => {
  globalThis.vncbridgeTestHook = { id: "vncbridgeTestHook" };
  t.after(() => { delete globalThis.vncbridgeTestHook; });
  assert.doesNotThrow(() => exposeForTests("vncbridge", {}));
});

test("the zoom is a scale from 0 (the fit) to 10, any fraction", () => {
  assert.equal(parse("zoom", "0"), 0);
  assert.equal(parse("zoom", "1.523"), 1.523);
  assert.equal(parse("zoom", 2), 2);
  for (const bad of ["-1", "11", "fit", "NaN"]) assert.equal(parse("zoom", bad), undefined, bad);
});
