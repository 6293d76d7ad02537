// Who else watches (issue #26): the proxy's file state counts the viewers
// of this desktop, the page's own session too (proxy/offers.go). The page
// says in a polite live region when another viewer joins or one leaves, as
// a count only: a person using a screen reader cannot see the others, and
// nobody's name or address is told.

import { t, tn } from "./i18n.js";

/**
 * viewersNews is what to announce when the count of viewers goes from
 * before to now, or "" when there is nothing to say: the first count the
 * page hears (before is not a number) is its own joining, which it knows.
 */
export function viewersNews(before, now) {
  if (!Number.isInteger(before) || !Number.isInteger(now) || now < 1 || now === before) return "";
  const watching = now === 1 ? t("watchingAlone") : tn("watching", now);
  const key = now > before
    ? (now - before === 1 ? "viewerJoined" : "viewersJoined")
    : (before - now === 1 ? "viewerLeft" : "viewersLeft");
  return t(key, { watching });
}

/**
 * followViewers returns a function of each count the proxy tells: it puts
 * the news, if any, in the live region el. The same words twice in a row
 * (a viewer left, then another) are told again: the region is emptied
 * first, so a screen reader hears a change.
 */
export function followViewers(el) {
  let last;
  return (count) => {
    const news = viewersNews(last, count);
    last = Number.isInteger(count) ? count : last;
    if (!news) return;
    el.textContent = "";
    setTimeout(() => { el.textContent = news; }, 100);
  };
}
