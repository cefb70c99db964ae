// @ts-check
// What every part of the page runtime shares (injected first, into every frame), as
// window.__hfEngineCommon: how an element is named in warnings and errors (`describe`:
// <video id="intro" src="a.mp4">), the source a media element names (`sourceOf`), and an
// exception as text with the line of the page that threw (`errorText`, `threw`), and the runtime
// of a same-origin iframe's page (`childEngine`: null for another origin's, or one not loaded).
(() => {
  'use strict';
  if (window.__hfEngineCommon) return;

  // The element's own src, else its first <source src>; null when it names none.
  const sourceOf = (el) => {
    const own = el.getAttribute('src');
    if (own) return own;
    const child = el.querySelector ? el.querySelector('source[src]') : null;
    return child ? child.getAttribute('src') : null;
  };
  // <tag id="..."> (else class="..."), with its source (shortened to 80 characters) if it names one.
  const describe = (el) => {
    let text = '<' + el.tagName.toLowerCase();
    if (el.id) text += ` id="${el.id}"`;
    else if (el.getAttribute('class')) text += ` class="${el.getAttribute('class')}"`;
    const src = sourceOf(el);
    if (src) text += ` src="${src.length > 80 ? src.slice(0, 77) + '...' : src}"`;
    return text + '>';
  };
  // 'x is undefined at index.html:12:5': the message and the first stack line naming a place.
  const errorText = (e) => {
    const stack = (e && e.stack) ? String(e.stack).split('\n').slice(1).find((l) => l.includes(':')) : '';
    return (e && e.message ? e.message : String(e)) + (stack ? ' ' + stack.trim() : '');
  };
  const threw = (what, e) => `${what} threw: ${errorText(e)}`;
  const childEngine = (frame) => { try { return frame.contentWindow && frame.contentWindow.__hfEngine; } catch (e) { return null; } };

  Object.defineProperty(window, '__hfEngineCommon', {
    value: Object.freeze(/** @satisfies {HfEngineCommon} */ ({ describe, sourceOf, errorText, threw, childEngine })), writable: false, configurable: false, enumerable: false,
  });
})();
