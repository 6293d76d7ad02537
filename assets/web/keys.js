// The keys a keyboard lacks or the browser keeps for itself (Ctrl, Alt and
// Windows held until pressed again, Tab, Esc, F8, Ctrl+Alt+Del), and the
// on-screen keyboard of touch devices, which types into a hidden text area
// whose input goes to the desktop as key presses.

import { $ } from "./page.js";

let rfbOf = () => null; // the live RFB client, or null
let keysyms = null; // noVNC's keysym table, once loaded

const specialKeys = {
  "key-ctrl": [0xffe3, "ControlLeft"],
  "key-alt": [0xffe9, "AltLeft"],
  "key-super": [0xffeb, "MetaLeft"],
  "key-tab": [0xff09, "Tab"],
  "key-esc": [0xff1b, "Escape"],
  "key-f8": [0xffc5, "F8"], // the page keeps the F8 key for its toolbar
};
const toggles = new Set(["key-ctrl", "key-alt", "key-super"]);
const held = new Map(); // modifier toggles pressed: id -> [keysym, code]

const typingKeys = {
  Enter: [0xff0d, "Enter"], Backspace: [0xff08, "Backspace"], Tab: [0xff09, "Tab"],
  Escape: [0xff1b, "Escape"], ArrowLeft: [0xff51, "ArrowLeft"], ArrowUp: [0xff52, "ArrowUp"],
  ArrowRight: [0xff53, "ArrowRight"], ArrowDown: [0xff54, "ArrowDown"], Delete: [0xffff, "Delete"],
};

function pressKey(id) {
  const rfb = rfbOf();
  if (!rfb) return;
  const [keysym, code] = specialKeys[id];
  if (toggles.has(id)) {
    const down = !held.has(id);
    if (down) held.set(id, [keysym, code]);
    else held.delete(id);
    rfb.sendKey(keysym, code, down);
    $(id).setAttribute("aria-pressed", String(down));
  } else {
    rfb.sendKey(keysym, code);
  }
  refocus();
}

/** releaseHeld lets go of the held modifiers (on the desktop too, while connected). */
export function releaseHeld() {
  const rfb = rfbOf();
  for (const [id, [keysym, code]] of held) {
    if (rfb) rfb.sendKey(keysym, code, false);
    $(id).setAttribute("aria-pressed", "false");
  }
  held.clear();
}

/** refocus gives the keyboard back to where the person was typing. */
export function refocus() {
  const rfb = rfbOf();
  if (!rfb) return;
  if (document.body.classList.contains("typing")) $("typing").focus({ preventScroll: true });
  else rfb.focus();
}

function typeText(text) {
  const rfb = rfbOf();
  if (!rfb || !keysyms) return;
  for (const ch of text) {
    if (ch === "\n" || ch === "\r") {
      rfb.sendKey(0xff0d, "Enter");
      continue;
    }
    const keysym = keysyms.lookup(ch.codePointAt(0));
    if (keysym) rfb.sendKey(keysym, "");
  }
}

/** setKeysyms gives the on-screen keyboard noVNC's keysym table. */
export function setKeysyms(table) { keysyms = table; }

/** wireKeys connects the key buttons and the on-screen keyboard to the client getRFB returns. */
export function wireKeys(getRFB) {
  rfbOf = getRFB;
  for (const id of Object.keys(specialKeys)) $(id).addEventListener("click", () => pressKey(id));
  $("key-cad").addEventListener("click", () => {
    const rfb = rfbOf();
    if (rfb) rfb.sendCtrlAltDel();
    refocus();
  });
  const area = $("typing");
  area.addEventListener("keydown", (e) => {
    const k = typingKeys[e.key];
    const rfb = rfbOf();
    if (!k || !rfb) return;
    e.preventDefault();
    rfb.sendKey(k[0], k[1]);
  });
  area.addEventListener("input", (e) => {
    const rfb = rfbOf();
    if (e.inputType === "deleteContentBackward") rfb && rfb.sendKey(0xff08, "Backspace");
    else if (e.inputType === "insertLineBreak" || e.inputType === "insertParagraph") rfb && rfb.sendKey(0xff0d, "Enter");
    else if (!e.isComposing) typeText(area.value);
    if (!e.isComposing) area.value = "";
  });
  area.addEventListener("compositionend", () => { typeText(area.value); area.value = ""; });
  area.addEventListener("blur", () => document.body.classList.remove("typing"));
  $("keyboard").addEventListener("click", () => {
    document.body.classList.add("typing");
    area.value = "";
    area.focus({ preventScroll: true });
  });
}
