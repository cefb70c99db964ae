// @ts-check
// The engine's stylesheet and scene isolation (injected after assets.js, into every frame), as
// window.__hfEngineIsolate. The stylesheet is adopted (the page's DOM never sees it): it hides what
// seek.js marks data-hf-hidden (clips outside their window) and what isolate() marks, forces the
// isolated scene's chain visible, and hides <hf-transition>; transparent() adds the rule HyperFrames
// injects for transparent captures (html, body and every composition root lose their backgrounds).
// isolate(sceneId) shows that scene alone (null, or what is missing); restore() undoes it, and any
// native video layer split (layers.js).
(() => {
  'use strict';
  if (window.__hfEngineIsolate) return;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync([
    '[data-hf-hidden], [data-hf-hidden] * { visibility: hidden !important; }',
    '[data-hf-isolate-hidden], [data-hf-isolate-hidden] * { visibility: hidden !important; }',
    'html [data-hf-force][data-hf-force] { visibility: visible !important; opacity: 1 !important; }',
    'hf-transition { display: none !important; }',
  ].join('\n'));
  const TRANSPARENT = 'html, body, [data-composition-id] { background: transparent !important; ' +
    'background-color: transparent !important; background-image: none !important; }';
  const ensureSheet = () => {
    if (!document.adoptedStyleSheets.includes(sheet)) document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  };
  const transparent = () => { sheet.insertRule(TRANSPARENT, sheet.cssRules.length); };

  let isolated = null;
  const restore = () => {
    if (window.__hfEngineLayers) window.__hfEngineLayers.clear();
    if (!isolated) return;
    for (const el of isolated.hidden) el.removeAttribute('data-hf-isolate-hidden');
    for (const el of isolated.forced) el.removeAttribute('data-hf-force');
    for (const el of isolated.unhidden) el.setAttribute('data-hf-hidden', '');
    for (const [el, value, priority] of isolated.display) {
      if (value) el.style.setProperty('display', value, priority); else el.style.removeProperty('display');
    }
    isolated = null;
  };
  const isolate = (sceneId) => {
    restore();
    const scene = document.getElementById(sceneId);
    if (!scene) return `no element with id ${JSON.stringify(sceneId)} in the page`;
    const chain = [];
    for (let el = scene; el; el = el.parentElement) chain.push(el);
    /** @type {Set<Element>} */
    const inChain = new Set(chain);
    isolated = { hidden: [], forced: [], unhidden: [], display: [] };
    for (const el of chain.slice(1)) {
      for (const child of el.children) {
        if (!inChain.has(child) && !child.hasAttribute('data-hf-isolate-hidden')) {
          child.setAttribute('data-hf-isolate-hidden', '');
          isolated.hidden.push(child);
        }
      }
    }
    for (const el of chain) {
      if (el.hasAttribute('data-hf-hidden')) { el.removeAttribute('data-hf-hidden'); isolated.unhidden.push(el); }
      el.setAttribute('data-hf-force', '');
      isolated.forced.push(el);
    }
    for (const el of chain) {
      if (getComputedStyle(el).display === 'none') {
        isolated.display.push([el, el.style.getPropertyValue('display'), el.style.getPropertyPriority('display')]);
        el.style.setProperty('display', 'block', 'important');
      }
    }
    return null;
  };

  Object.defineProperty(window, '__hfEngineIsolate', {
    value: Object.freeze(/** @satisfies {HfEngineIsolate} */ ({ ensureSheet, transparent, isolate, restore })), writable: false, configurable: false, enumerable: false,
  });
})();
