// The pages' words, in each language they speak. They come from the same
// catalogue as the tray's (internal/words, written into words.js by go
// generate): a page names a message by its id. The language is the first of
// the browser's languages (navigator.languages) found there, English
// otherwise; ?lang= chooses one. A message may hold {name} places that t()
// fills in.

import { catalog } from "./words.js";

/** The languages this page speaks. */
export const languages = Object.keys(catalog);

/**
 * chooseLanguage picks the first of the wanted languages (BCP 47 tags such
 * as "de-AT", "pt-PT" or "zh-Hans-CN") that the catalog has: the tag
 * itself, else a language of the same primary subtag ("pt-PT": pt-BR).
 */
export function chooseLanguage(wanted) {
  for (const tag of wanted || []) {
    const want = String(tag).toLowerCase().replace("_", "-");
    const exact = languages.find((l) => l.toLowerCase() === want);
    if (exact) return exact;
    const primary = want.split("-")[0];
    const same = languages.find((l) => l.toLowerCase().split("-")[0] === primary);
    if (same) return same;
  }
  return "en";
}

let current = "en";

/** setLanguage makes lang the one t() speaks. */
export function setLanguage(lang) {
  current = catalog[lang] ? lang : "en";
  document.documentElement.lang = current;
}

/** t is the text of key in the page's language, its {places} filled from vars. */
export function t(key, vars) {
  let s = catalog[current][key] ?? catalog.en[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return s;
}

/** language is the page's language, for Intl's formats. */
export function language() {
  return current;
}

/**
 * tn is t for a count n: the key of n's plural form in the page's language
 * (key_one, key_few… by Intl.PluralRules), else key_other; {n} is n,
 * written the language's way.
 */
export function tn(key, n, vars) {
  const form = `${key}_${new Intl.PluralRules(current).select(n)}`;
  const k = form in catalog[current] || form in catalog.en ? form : `${key}_other`;
  return t(k, { n: new Intl.NumberFormat(current).format(n), ...vars });
}

/**
 * translatePage fills the elements that name a key: data-i18n (text),
 * data-i18n-title (title and aria-label), data-i18n-label (aria-label).
 */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll("[data-i18n-title]")) {
    el.title = t(el.dataset.i18nTitle);
    // The title names an icon (☰, ⌨); a control with words keeps them as
    // its name, which a person using speech control says (WCAG 2.5.3),
    // and the title is its description.
    if (/[\p{L}\p{N}]/u.test(el.textContent)) el.removeAttribute("aria-label");
    else el.setAttribute("aria-label", el.title);
  }
}

/**
 * missingKeys lists, per language, the keys English has and it lacks; of a
 * plural, the forms the language's plural rules give the counts a page shows
 * (0 to 1000: Chinese only "other", Russian "one", "few" and "many"; the
 * French "many" of a million is left to "other").
 */
export function missingKeys() {
  const plural = /^(.+)_(zero|one|two|few|many|other)$/;
  const out = {};
  for (const lang of languages) {
    const rules = new Intl.PluralRules(lang);
    const forms = new Set(Array.from({ length: 1001 }, (_, n) => rules.select(n)));
    const wanted = new Set();
    for (const key of Object.keys(catalog.en)) {
      const m = key.match(plural);
      if (m) for (const f of forms) wanted.add(`${m[1]}_${f}`);
      else wanted.add(key);
    }
    const missing = [...wanted].filter((k) => !(k in catalog[lang]));
    if (missing.length) out[lang] = missing;
  }
  return out;
}
