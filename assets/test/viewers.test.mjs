// What the page says when other viewers join or leave (web/viewers.js), in
// Node: the words and their plurals in the page's language, and silence for
// the page's own joining.
// Run by make test: node --test assets/test/

import { test } from "node:test";
import assert from "node:assert/strict";

globalThis.document ??= { documentElement: {} }; // setLanguage marks the page's language
const { setLanguage } = await import("../web/i18n.js");
const { viewersNews } = await import("../web/viewers.js");

test("the page's own joining, and no change, say nothing", () => {
  setLanguage("en");
  assert.equal(viewersNews(undefined, 1), "");
  assert.equal(viewersNews(undefined, 3), "");
  assert.equal(viewersNews(2, 2), "");
  assert.equal(viewersNews(2, 0), "");
});

test("another viewer joins or leaves, in English", () => {
  setLanguage("en");
  assert.equal(viewersNews(1, 2), "Another viewer joined: 2 people are watching");
  assert.equal(viewersNews(1, 3), "Other viewers joined: 3 people are watching");
  assert.equal(viewersNews(3, 2), "A viewer left: 2 people are watching");
  assert.equal(viewersNews(2, 1), "A viewer left: you are the only one watching");
  assert.equal(viewersNews(4, 1), "Viewers left: you are the only one watching");
  assert.equal(viewersNews(999, 1000), "Another viewer joined: 1,000 people are watching");
});

test("the count takes the language's plural", () => {
  setLanguage("ru");
  assert.equal(viewersNews(1, 2), "Подключился ещё один зритель: смотрят 2 человека");
  assert.equal(viewersNews(4, 5), "Подключился ещё один зритель: смотрят 5 человек");
  assert.equal(viewersNews(20, 21), "Подключился ещё один зритель: смотрит 21 человек");
  assert.equal(viewersNews(2, 1), "Один зритель вышел: теперь смотрите только вы");
  setLanguage("de");
  assert.equal(viewersNews(3, 2), "Eine Person schaut nicht mehr zu: 2 Personen schauen zu");
  setLanguage("fr");
  assert.equal(viewersNews(1, 2), "Une autre personne regarde : 2 personnes regardent");
  setLanguage("en");
});
