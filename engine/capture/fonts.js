// @ts-check
// Deterministic fonts, as HyperFrames' compiler makes them (engine/capture/fonts.py has the rules):
// once the document is parsed (and its sub-compositions mounted), every font-family declaration in
// <style> text and style="" attributes is read; a stack whose first family is generic gets the
// primary family (Inter) in front; every family named that is bundled or an alias of a bundled one,
// and that the page does not declare itself, gets @font-face rules under its authored name; a
// family that is neither, and not installed either, is reported (window.__hfEngineFonts.fallback).
(() => {
  'use strict';
  if (window.__hfEngineFonts) return;
  const cfg = (window.__hfEngineConfig || {}).fonts || null;
  /** @type {HfEngineFonts} */
  const state = { requested: [], injected: [], fallback: [] };
  Object.defineProperty(window, '__hfEngineFonts', { value: state, writable: false, configurable: false, enumerable: false });
  if (!cfg || window !== window.top) return; // an iframe's page keeps its own fonts, as in HyperFrames
  const GENERIC = new Set(cfg.generic);
  const KEYWORDS = new Set(['inherit', 'initial', 'unset', 'revert', 'revert-layer']);
  const norm = (f) => f.trim().replace(/^['"]|['"]$/g, '').trim().toLowerCase();

  const families = (value) => {
    const out = []; let cur = ''; let quote = null; let depth = 0;
    for (const c of value) {
      if (quote) { if (c === quote) quote = null; cur += c; continue; }
      if (c === '"' || c === "'") { quote = c; cur += c; continue; }
      if (c === '(') depth++; else if (c === ')') depth--;
      if (c === ',' && depth === 0) { out.push(cur.trim()); cur = ''; continue; }
      cur += c;
    }
    if (cur.trim()) out.push(cur.trim());
    return out;
  };
  const requested = new Map(); // normalised -> authored spelling (first seen)
  const request = (name) => {
    const plain = name.trim().replace(/^['"]|['"]$/g, '').trim();
    const n = plain.toLowerCase();
    if (!n || n.startsWith('var(') || GENERIC.has(n) || KEYWORDS.has(n) || requested.has(n)) return;
    requested.set(n, plain);
  };
  const DECLARATION = /(^|[;{\s])(font-family\s*:\s*)([^;{}]+)/gi;
  // custom properties, for a font-family that is var(--x, fallback) (resolved up to 8 deep, as there)
  const custom = new Map();
  const collectCustom = (css) => { for (const m of css.matchAll(/(--[\w-]+)\s*:\s*([^;{}]+)/g)) if (!custom.has(m[1])) custom.set(m[1], m[2].trim()); };
  const stackOf = (value, depth = 0) => families(value).flatMap((entry) => {
    const m = entry.trim().match(/^var\(\s*(--[\w-]+)\s*(?:,\s*(.*))?\)$/);
    if (!m || depth >= 8) return [entry];
    const own = custom.get(m[1]);
    return stackOf(own !== undefined ? own : (m[2] || ''), depth + 1);
  });
  const rewrite = (css) => css.split(/(@font-face\s*\{[^}]*\})/i).map((part, i) => (i % 2 ? part : part.replace(
    DECLARATION, (match, before, property, value) => {
      const stack = stackOf(value.replace(/!important\s*$/i, ''));
      for (const f of stack) request(f);
      if (cfg.primary && stack.length && GENERIC.has(norm(stack[0]))) {
        request(cfg.primary);
        return `${before}${property}${cfg.primary}, ${value.trim()}`;
      }
      return match;
    }))).join('');

  const declared = () => {
    const names = new Set();
    const walk = (rules) => {
      for (const rule of rules) {
        if (rule instanceof CSSFontFaceRule) names.add(norm(rule.style.getPropertyValue('font-family')));
        else if (rule.cssRules) walk(rule.cssRules);
      }
    };
    for (const sheet of document.styleSheets) { try { walk(sheet.cssRules); } catch (e) { /* another origin's sheet */ } }
    return names;
  };
  const installed = (name) => {
    const ctx = document.createElement('canvas').getContext('2d');
    const width = (font) => { ctx.font = `72px ${font}`; return ctx.measureText('mmmmmmmmmmlli WW@#0').width; };
    return ['monospace', 'serif', 'sans-serif'].some((g) => width(`"${name}", ${g}`) !== width(g));
  };

  document.addEventListener('DOMContentLoaded', () => {
    for (const style of document.querySelectorAll('style')) collectCustom(style.textContent);
    for (const el of document.querySelectorAll('[style]')) collectCustom(el.getAttribute('style'));
    for (const style of document.querySelectorAll('style')) {
      const text = style.textContent;
      const next = rewrite(text);
      if (next !== text) style.textContent = next;
    }
    for (const el of document.querySelectorAll('[style]')) {
      const text = el.getAttribute('style');
      const next = rewrite(text);
      if (next !== text) el.setAttribute('style', next);
    }
    for (const el of document.querySelectorAll('[data-font-family]')) for (const f of families(el.getAttribute('data-font-family'))) request(f);
    const own = declared();
    const rules = [];
    for (const [n, authored] of requested) {
      state.requested.push(authored);
      if (own.has(n)) continue;
      const local = (cfg.local || {})[n]; // the --fonts folder's files of this family
      if (local) {
        state.injected.push(authored);
        for (const face of local) {
          rules.push(`@font-face { font-family: ${JSON.stringify(authored)}; src: url("${face.url}") ` +
            `format("${face.format}"); font-style: ${face.style}; font-weight: ${face.weight}; font-display: block; }`);
        }
        continue;
      }
      const slug = cfg.aliases[n];
      if (!slug) { if (!installed(authored)) state.fallback.push(authored); continue; }
      state.injected.push(authored);
      const font = cfg.fonts[slug];
      for (const weight of font.weights) {
        rules.push(`@font-face { font-family: ${JSON.stringify(authored)}; src: url("${cfg.prefix}${font.files[weight]}") ` +
          `format("woff2"); font-style: normal; font-weight: ${weight}; font-display: block; unicode-range: ${cfg.unicodeRange}; }`);
      }
    }
    const rendering = document.createElement('style');
    rendering.setAttribute('data-hf-engine-text-rendering', '');
    rendering.textContent = 'html, body, * { text-rendering: geometricPrecision; }';
    document.head.insertBefore(rendering, document.head.firstChild);
    if (rules.length) {
      const faces = document.createElement('style');
      faces.setAttribute('data-hf-engine-fonts', '');
      faces.textContent = rules.join('\n');
      document.head.appendChild(faces);
    }
  }, { once: true });
})();
