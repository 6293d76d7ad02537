// What the page scripts share: the element lookup and the reading of a
// yes/no value.

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
