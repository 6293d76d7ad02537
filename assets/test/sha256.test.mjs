// The page's SHA-256 (web/sha256.js) against Node's, over chunks of every
// size around the block's 64 bytes. Run by make test: node --test assets/test/

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";

import { Sha256 } from "../web/sha256.js";

test("Sha256 hashes as Node's crypto does, whatever the chunks", () => {
  for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 100000]) {
    const bytes = randomBytes(n);
    const want = createHash("sha256").update(bytes).digest("hex");
    for (const step of [1, 7, 63, 64, 65, 1000, n || 1]) {
      const h = new Sha256();
      for (let i = 0; i < n; i += step) h.update(bytes.subarray(i, i + step));
      assert.equal(h.hex(), want, `${n} bytes in chunks of ${step}`);
    }
  }
});

test("Sha256 of the empty input and of abc (FIPS 180-4's examples)", () => {
  assert.equal(new Sha256().hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const h = new Sha256();
  h.update(new TextEncoder().encode("abc"));
  assert.equal(h.hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});
