// What the page scripts share: the element lookup, the reading of a yes/no
// value, and the switch through which end-to-end tests reach a page's live
// objects.

/** $ is this document's element with the id, or null. */
export const $ = (id) => document.getElementById(id);

/**
 * parseYes reads a yes/no value, such as a URL parameter's: 0, false, no and
 * off (in any case) are no; anything else is yes, the empty text too, so
 * that a bare ?view_only turns it on.
 */
export function parseYes(text) {
  return !/^(0|false|no|off)$/i.test(String(text));
}

/**
 * exposeForTests hands a page's live objects (its RFB client, its player)
 * to an end-to-end test, and to nothing else: it calls
 * vncbridgeTestHook(name, objects) when the window has such a function, and
 * does nothing otherwise.
 *
 * Only a test defines that function: e2e/browser_test.go adds it to every
 * document through the DevTools protocol (Page.addScriptToEvaluateOnNewDocument)
 * before the page's scripts run, as a test-only switch. A browser a person
 * uses has none, so the production pages expose nothing on window. No other
 * page can define it either: another origin cannot set a property of this
 * window, and a script that could (this origin's own) could read the page
 * anyway. The typeof check ignores an element whose id happens to be the
 * name (window.vncbridgeTestHook would be that element).
 */
export function exposeForTests(name, objects) {
  const hook = globalThis.vncbridgeTestHook;
  if (typeof hook === "function") hook(name, objects);
}
