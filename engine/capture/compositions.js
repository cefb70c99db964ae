// @ts-check
// Sub-compositions the way HyperFrames assembles them, injected (before runtime.js) ahead of every
// script of the page:
//  - a host element with data-composition-id and data-composition-src="compositions/x.html" gets the
//    child file's content: its first <template> (else its <body>), from the element whose
//    data-composition-id equals the host's; its styles scoped to the host, its scripts run once (after
//    the main document's, in breadth-first host order) with document, gsap, window.__timelines and
//    __hyperframes scoped to the host; nested hosts are mounted too (20 deep at most, no cycles);
//  - variables: data-composition-variables (declared defaults) and the host's data-variable-values,
//    as __hyperframes.getVariables(), CSS custom properties --id, data-var-text and data-var-src;
//    the root's getVariables() has the render's values (window.__hfVariables) over its defaults;
//  - timing, for runtime.js: a composition node's absolute start (data-start offsets summed up the
//    chain of compositions), its window, and the local time of its timeline:
//    clamp(playbackStart + max(0, t - start) * rate, 0, duration).
(() => {
  'use strict';
  if (window.__hfEngineTiming) return;
  const MAX_DEPTH = 20;
  const problems = [];
  const mountedScripts = [];
  const byRuntimeId = new Map(); // runtime id -> {host, authoredId, variables}
  const used = new Map(); // authored id -> hosts mounted so far

  const num = (v) => { const n = parseFloat(v); return Number.isFinite(n) ? n : null; };
  const parseJson = (text, fallback) => { try { const v = JSON.parse(text); return v; } catch (e) { return fallback; } };

  // ---- fetching a child file (synchronously: the page is still being parsed) ----
  const fetchText = (url) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', url, false);
    try { xhr.send(null); } catch (e) { return null; }
    return xhr.status >= 200 && xhr.status < 300 ? xhr.responseText : null;
  };

  // ---- style scoping ----
  const splitSelectors = (text) => {
    const out = []; let depth = 0; let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (c === ',' && depth === 0) { out.push(text.slice(start, i).trim()); start = i + 1; }
    }
    out.push(text.slice(start).trim());
    return out.filter(Boolean);
  };
  const scopeSelector = (sel, scope, authored, flattened) => {
    if (sel === '*') return sel;
    // [data-composition-id="X"], the file's own root, is the mounted root inside the host
    // (HyperFrames: scope > [data-hf-inner-root]), whatever the host's runtime id
    const own = `[data-composition-id="${authored}"]`;
    if (authored && sel.startsWith(own)) return (flattened ? `${scope} > [data-hf-inner-root]` : scope) + sel.slice(own.length);
    const bare = sel.match(/^(html|body|:root)(?![\w-])\s*(.*)$/);
    if (bare) return bare[2] ? `${scope} ${bare[2].replace(/^(body)(?![\w-])\s*/, '')}`.trim() : scope;
    if (sel.startsWith(scope)) return sel;
    return `${scope} ${sel}`;
  };
  const scopeRules = (rules, scope, authored, flattened) => {
    let out = '';
    for (const rule of rules) {
      if (rule instanceof CSSStyleRule) {
        out += `${splitSelectors(rule.selectorText).map((s) => scopeSelector(s, scope, authored, flattened)).join(', ')} { ${rule.style.cssText} }\n`;
      } else if (rule instanceof CSSMediaRule) {
        out += `@media ${rule.conditionText} {\n${scopeRules(rule.cssRules, scope, authored, flattened)}}\n`;
      } else if (typeof CSSSupportsRule !== 'undefined' && rule instanceof CSSSupportsRule) {
        out += `@supports ${rule.conditionText} {\n${scopeRules(rule.cssRules, scope, authored, flattened)}}\n`;
      } else {
        out += rule.cssText + '\n'; // @keyframes, @font-face, @import...: not scoped
      }
    }
    return out;
  };
  const scopedStyle = (cssText, scope, authored, flattened) => {
    const sheet = new CSSStyleSheet();
    try { sheet.replaceSync(cssText); } catch (e) { return cssText; }
    const style = document.createElement('style');
    style.setAttribute('data-hf-scoped', scope);
    style.textContent = scopeRules(sheet.cssRules, scope, authored, flattened);
    return style;
  };

  // ---- scripts, scoped to a host ----
  const scopedApi = (host, runtimeId, authoredId) => {
    const within = (nodes) => Array.prototype.filter.call(nodes, (n) => host.contains(n));
    const doc = new Proxy(document, {
      get(target, key) {
        if (key === 'querySelector') return (s) => within(target.querySelectorAll(s))[0] || null;
        if (key === 'querySelectorAll') return (s) => within(target.querySelectorAll(s));
        if (key === 'getElementById') return (id) => within(target.querySelectorAll(`#${CSS.escape(id)}`))[0] || null;
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const resolve = (targets) => (typeof targets === 'string' ? doc.querySelectorAll(targets) : targets);
    const wrapTimeline = (tl) => new Proxy(tl, {
      get(target, key) {
        if (key === '__hfTarget') return target;
        const value = Reflect.get(target, key);
        if (['to', 'from', 'fromTo', 'set'].includes(/** @type {string} */ (key))) {
          return (t, ...rest) => { const r = value.call(target, resolve(t), ...rest); return r === target ? proxy : r; };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    let proxy;
    const gsapProxy = () => {
      const real = window.gsap;
      if (!real) return real;
      return new Proxy(real, {
        get(target, key) {
          const value = Reflect.get(target, key);
          if (['to', 'from', 'fromTo', 'set'].includes(/** @type {string} */ (key))) return (t, ...rest) => value.call(target, resolve(t), ...rest);
          if (key === 'timeline') return (...args) => { proxy = wrapTimeline(value.apply(target, args)); return proxy; };
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    };
    const timelines = new Proxy(window.__timelines, {
      set(target, key, value) {
        const tl = value && value.__hfTarget ? value.__hfTarget : value;
        target[/** @type {string} */ (key)] = tl;
        if (key === authoredId && runtimeId !== authoredId) target[runtimeId] = tl;
        return true;
      },
    });
    const hf = Object.freeze({ getVariables: () => Object.assign({}, (byRuntimeId.get(runtimeId) || {}).variables) });
    const win = new Proxy(window, {
      get(target, key) {
        if (key === '__timelines') return timelines;
        if (key === 'document') return doc;
        if (key === '__hyperframes') return hf;
        if (key === 'gsap') return gsapProxy();
        const value = Reflect.get(target, key);
        return typeof value === 'function' && !/^[A-Z]/.test(String(key)) ? value.bind(target) : value;
      },
      set(target, key, value) { target[key] = value; return true; },
    });
    return { doc, gsap: gsapProxy, win, hf };
  };

  // ---- variables ----
  const declaredDefaults = (...carriers) => {
    const values = {};
    for (const el of carriers) {
      const list = el && el.getAttribute && parseJson(el.getAttribute('data-composition-variables') || 'null', null);
      if (Array.isArray(list)) for (const v of list) if (v && typeof v.id === 'string' && 'default' in v) values[v.id] = v.default;
    }
    return values;
  };
  // an element inside a mounted sub-composition takes that one's values, not the root's (--variables)
  const ownedBy = (el, root) => { const owner = el.closest('[data-composition-file]'); return !owner || owner === root || !root.contains(owner); };
  const bindVariables = (root, values) => {
    for (const [id, value] of Object.entries(values)) {
      if (value === null || typeof value === 'object') continue;
      root.style.setProperty(`--${id}`, String(value).replace(/[;{}<>\r\n]/g, ''));
    }
    for (const el of root.querySelectorAll('[data-var-text]')) {
      if (!ownedBy(el, root)) continue;
      const value = values[el.getAttribute('data-var-text')];
      if (value === undefined) continue;
      const text = [...el.childNodes].find((n) => n.nodeType === Node.TEXT_NODE);
      if (text) text.nodeValue = String(value); else el.insertBefore(document.createTextNode(String(value)), el.firstChild);
    }
    for (const el of root.querySelectorAll('img[data-var-src], video[data-var-src], audio[data-var-src], source[data-var-src]')) {
      if (!ownedBy(el, root)) continue;
      const value = values[el.getAttribute('data-var-src')];
      if (typeof value === 'string' && !/^\s*javascript:/i.test(value)) el.setAttribute('src', value);
    }
  };

  // ---- mounting a host ----
  const mount = (host, depth, chain) => {
    const src = host.getAttribute('data-composition-src');
    host.removeAttribute('data-composition-src');
    host.setAttribute('data-composition-file', src);
    const authoredId = host.getAttribute('data-composition-id') || '';
    const name = `<${host.tagName.toLowerCase()} data-composition-id="${authoredId}" data-composition-src="${src}">`;
    if (depth > MAX_DEPTH) { problems.push(`${name}: sub-compositions nest more than ${MAX_DEPTH} deep`); return; }
    if (chain.includes(src)) { problems.push(`${name}: ${src} includes itself (through ${chain.join(' -> ')})`); return; }
    const url = new URL(src.replace(/^\//, ''), `${location.origin}/`).href; // paths resolve from the project root
    const text = fetchText(url);
    if (text === null) { problems.push(`${name}: ${src} could not be loaded`); return; }
    const file = new DOMParser().parseFromString(text, 'text/html');
    const template = file.querySelector('template');
    const content = template ? template.content : file.body;
    const roots = [...content.querySelectorAll('[data-composition-id]')];
    const inner = authoredId ? roots.find((r) => r.getAttribute('data-composition-id') === authoredId) : roots[0];
    if (!inner && !roots.length) { problems.push(`${name}: ${src} holds no element with data-composition-id`); return; }
    const childId = (inner || roots[0]).getAttribute('data-composition-id');
    const hostId = authoredId || childId;
    const count = (used.get(hostId) || 0) + 1;
    used.set(hostId, count);
    const runtimeId = count > 1 ? `${hostId}__hf${count}` : hostId;
    if (count === 2) { // the first host of this id is renamed too, as HyperFrames does
      const first = byRuntimeId.get(hostId);
      if (first) {
        first.host.setAttribute('data-composition-id', `${hostId}__hf1`);
        first.host.setAttribute('data-hf-original-composition-id', hostId);
        byRuntimeId.set(`${hostId}__hf1`, first); byRuntimeId.delete(hostId);
        window.__hfVariablesByComp[`${hostId}__hf1`] = window.__hfVariablesByComp[hostId];
        delete window.__hfVariablesByComp[hostId];
        for (const style of document.head.querySelectorAll(`style[data-hf-scoped='[data-composition-id="${hostId}"]']`)) {
          style.textContent = style.textContent.split(`[data-composition-id="${hostId}"]`).join(`[data-composition-id="${hostId}__hf1"]`);
          style.setAttribute('data-hf-scoped', `[data-composition-id="${hostId}__hf1"]`);
        }
      }
    }
    host.setAttribute('data-composition-id', runtimeId);
    if (runtimeId !== hostId) host.setAttribute('data-hf-original-composition-id', hostId);
    const scope = `[data-composition-id="${runtimeId}"]`;
    const styles = [...(template ? [] : file.head.querySelectorAll('style')), ...content.querySelectorAll('style')];
    const scripts = [...(template ? [] : file.head.querySelectorAll('script')), ...content.querySelectorAll('script')];
    for (const s of [...styles, ...scripts]) s.remove();
    for (const s of styles) document.head.appendChild(scopedStyle(s.textContent, scope, childId, !!inner));
    for (const link of file.head.querySelectorAll('link[rel~="stylesheet"][href]')) {
      const href = new URL(link.getAttribute('href'), location.href).href;
      if (![...document.querySelectorAll('link[rel~="stylesheet"][href]')].some((l) => /** @type {HTMLLinkElement} */ (l).href === href)) {
        document.head.appendChild(document.importNode(link, true));
      }
    }
    let node;
    if (inner) {
      node = document.importNode(inner, true);
      for (const a of ['data-composition-id', 'data-start', 'data-duration', 'data-end', 'data-track-index']) node.removeAttribute(a);
      node.setAttribute('data-hf-inner-root', 'true');
      for (const [attr, prop] of [['data-width', 'width'], ['data-height', 'height']]) {
        const n = num(inner.getAttribute(attr));
        /** @type {HTMLElement} */ (node).style[prop] = n && n > 0 ? `${n}px` : '100%';
      }
      for (const a of ['data-width', 'data-height']) {
        if (!host.hasAttribute(a) && inner.hasAttribute(a)) host.setAttribute(a, inner.getAttribute(a));
      }
    } else {
      node = document.importNode(content, true);
    }
    host.replaceChildren(node);
    const w = num(host.getAttribute('data-width')); const h = num(host.getAttribute('data-height'));
    if (w) host.style.width = `${w}px`;
    if (h) host.style.height = `${h}px`;
    const values = Object.assign(declaredDefaults(file.documentElement, inner),
      (() => { const v = parseJson(host.getAttribute('data-variable-values') || '{}', {}); return v && typeof v === 'object' && !Array.isArray(v) ? v : {}; })());
    byRuntimeId.set(runtimeId, { host, authoredId: childId, variables: values });
    window.__hfVariablesByComp[runtimeId] = values;
    bindVariables(host, values);
    for (const s of scripts) mountedScripts.push({ host, childId, src: s.getAttribute('src'), code: s.textContent, where: src });
    for (const nested of host.querySelectorAll('[data-composition-src]')) mount(nested, depth + 1, [...chain, src]);
  };

  const runScripts = () => {
    const loaded = new Set([...document.querySelectorAll('script[src]')].map((s) => new URL(s.getAttribute('src'), location.href).href));
    for (const { host, childId, src, code, where } of mountedScripts.splice(0)) {
      const script = document.createElement('script');
      if (src) {
        const url = new URL(src, location.href).href;
        if (loaded.has(url)) continue;
        loaded.add(url);
        const body = fetchText(url);
        if (body === null) { problems.push(`${where}: script ${src} could not be loaded`); continue; }
        script.textContent = `${body}\n//# sourceURL=${url}`;
      } else {
        const api = scopedApi(host, host.getAttribute('data-composition-id'), childId);
        const key = `__hfScoped${mountedScripts.length}_${Math.random().toString(36).slice(2)}`;
        window[key] = api;
        script.textContent = `(function (document, gsap, window, __hyperframes) {\n${code}\n}).call(window, ` +
          `window.${key}.doc, window.${key}.gsap(), window.${key}.win, window.${key}.hf); delete window.${key};\n//# sourceURL=${where}`;
      }
      document.body.appendChild(script);
    }
  };

  // ---- assembly while the page is parsed: each host as soon as the parser inserts it ----
  if (!window.__timelines || typeof window.__timelines !== 'object') window.__timelines = {};
  window.__hfVariablesByComp = window.__hfVariablesByComp || {};
  if (!window.__hyperframes) {
    window.__hyperframes = { getVariables: () => Object.assign(declaredDefaults(document.documentElement,
      document.querySelector('[data-composition-id]')), window.__hfVariables || {}) };
  }
  const observer = new MutationObserver((records) => {
    for (const r of records) for (const n of /** @type {NodeListOf<Element>} */ (r.addedNodes)) {
      if (n.nodeType !== 1) continue;
      if (n.hasAttribute('data-composition-src')) mount(n, 1, []);
      for (const nested of n.querySelectorAll ? n.querySelectorAll('[data-composition-src]') : []) mount(nested, 1, []);
    }
  });
  observer.observe(document, { childList: true, subtree: true });
  document.addEventListener('DOMContentLoaded', () => {
    for (const r of observer.takeRecords()) for (const n of /** @type {NodeListOf<Element>} */ (r.addedNodes)) {
      if (n.nodeType === 1 && n.hasAttribute('data-composition-src')) mount(n, 1, []);
    }
    observer.disconnect();
    for (const host of document.querySelectorAll('[data-composition-src]')) mount(host, 1, []);
    const root = rootNode();
    if (root) bindVariables(root, window.__hyperframes.getVariables());
    if (window === window.top) applyLayout(root); // an iframe's page keeps its own layout, as in HyperFrames
    runScripts();
  }, { once: true });

  // ---- HyperFrames' layout rules: no browser margins, the root at its size, timed children stacked ----
  function applyLayout(root) {
    for (const el of [document.documentElement, document.body]) {
      if (el) { el.style.margin = '0'; el.style.padding = '0'; el.style.overflow = 'hidden'; }
    }
    if (!root) return;
    if (!root.style.position) root.style.position = 'relative';
    root.style.overflow = 'hidden';
    const px = (v) => { const n = num(v); return n && n > 0 ? `${n}px` : null; };
    if (px(root.getAttribute('data-width'))) root.style.width = px(root.getAttribute('data-width'));
    if (px(root.getAttribute('data-height'))) root.style.height = px(root.getAttribute('data-height'));
    for (const el of root.children) {
      const tag = el.tagName.toLowerCase();
      if (['script', 'style', 'link', 'meta'].includes(tag) || !el.hasAttribute('data-start')) continue;
      const computed = getComputedStyle(el);
      if (computed.position !== 'absolute' && computed.position !== 'fixed') el.style.position = 'absolute';
      if (!el.style.top && !el.style.bottom && computed.top === 'auto' && computed.bottom === 'auto') el.style.top = '0';
      if (!el.style.left && !el.style.right && computed.left === 'auto' && computed.right === 'auto') el.style.left = '0';
      if (tag === 'audio') continue;
      for (const [attr, prop] of [['data-width', 'width'], ['data-height', 'height']]) {
        const forced = px(el.getAttribute(attr));
        const meaningful = computed[prop] !== '0px' && computed[prop] !== 'auto';
        if (forced) { if (!el.style[prop] && !meaningful) el.style[prop] = forced; } else if (!el.style[prop] && computed[prop] === '0px') el.style[prop] = '100%';
      }
    }
  }

  // ---- timing ----
  let rootCache = null; // the root composition never changes once the parser has reached it
  const rootNode = () => rootCache || (rootCache = document.querySelector('[data-composition-id]'));
  const parentComposition = (el) => (el.parentElement ? el.parentElement.closest('[data-composition-id]') : null);
  const startOf = (el) => { // absolute start: data-start offsets summed up the chain of compositions
    let start = 0;
    const own = num(el.getAttribute('data-start'));
    if (own !== null) start += Math.max(0, own);
    const parent = el.hasAttribute('data-composition-id') ? parentComposition(el) : el.closest('[data-composition-id]');
    return parent && parent !== rootNode() ? start + startOf(parent) : start;
  };
  const durationOf = (el, start) => { // data-duration, else data-end - start, else its timeline's, else open
    const d = num(el.getAttribute('data-duration'));
    if (d !== null && d > 0) return d;
    const end = num(el.getAttribute('data-end'));
    if (end !== null && end - start > 0) return end - start;
    const id = el.getAttribute('data-composition-id');
    const tl = id && window.__timelines[id];
    if (tl && typeof tl.duration === 'function') { const td = tl.duration(); if (td > 0) return td; }
    return Infinity;
  };
  const localTime = (id, t, tl) => { // the time a sub-composition's timeline is seeked to at time t
    const node = document.querySelector(`[data-composition-id="${CSS.escape(id)}"]`);
    if (!node || node === rootNode()) return t;
    const pb = num(node.getAttribute('data-playback-start')) ?? num(node.getAttribute('data-media-start')) ?? 0;
    let rate = num(node.getAttribute('data-playback-rate'));
    rate = rate && rate > 0 ? Math.min(5, Math.max(0.1, rate)) : 1;
    const source = Math.max(0, pb) + Math.max(0, t - startOf(node)) * rate;
    const d = tl && typeof tl.duration === 'function' ? tl.duration() : null;
    return Math.max(0, d && d > 0 ? Math.min(d, source) : source);
  };
  // As in HyperFrames, every element with data-start is timed (class="clip" too, from 0 if it has none).
  const timed = () => [...document.querySelectorAll('.clip, [data-start]')].filter((el) => el !== rootNode());
  // Media clips end where their source ends unless data-duration says otherwise: Python, which
  // decodes them, sets their ends (setEnd) once it has probed the files.
  const fixedEnds = new WeakMap();
  /** @type {(el: Element) => [number, number]} */
  const windowOf = (el) => {
    const start = startOf(el);
    return [start, fixedEnds.has(el) ? fixedEnds.get(el) : start + durationOf(el, start)];
  };
  const setEnd = (el, end) => { fixedEnds.set(el, end === null ? Infinity : end); };

  Object.defineProperty(window, '__hfEngineTiming', {
    value: Object.freeze(/** @satisfies {HfEngineTiming} */ ({ localTime, timed, windowOf, setEnd, takeProblems: () => problems.splice(0) })),
    writable: false, configurable: false, enumerable: false,
  });
})();
