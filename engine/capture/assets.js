// @ts-check
// Images loaded *and decoded* before a frame is captured (injected after seek.js, into every
// frame), as window.__hfEngineAssets: lazy images load eagerly, each <img> source is decode()d
// once (pending()), and images named by stylesheets (backgrounds, masks) or by SVG <image> are
// fetched and decoded at load and kept alive (preloadCss()), so no frame shows them half-done.
// Both return [name, promise] pairs for seek.js settle(); a source that fails to decode is not an
// error here: the census names it (it renders as nothing).
(() => {
  'use strict';
  if (window.__hfEngineAssets) return;
  const decodedSrc = new WeakMap();
  const preloaded = new Map();
  const decodeOnce = (img, name, pending) => {
    const src = img.currentSrc || img.src;
    if (!src || decodedSrc.get(img) === src || typeof img.decode !== 'function') return;
    decodedSrc.set(img, src);
    pending.push([name, img.decode().catch(() => {})]);
  };
  const pending = () => {
    /** @type {HfPending[]} */
    const found = [];
    if (document.fonts && document.fonts.status !== 'loaded') found.push(['document.fonts.ready', document.fonts.ready]);
    for (const img of document.images) {
      if (img.loading === 'lazy') img.loading = 'eager';
      const name = `image ${img.getAttribute('src')}`;
      if (!img.complete) {
        found.push([name, new Promise((resolve) => {
          img.addEventListener('load', resolve, { once: true });
          img.addEventListener('error', resolve, { once: true });
        }).then(() => { const more = []; decodeOnce(img, name, more); return Promise.all(more.map((p) => p[1])); })]);
      } else if (img.naturalWidth > 0) {
        decodeOnce(img, name, found);
      }
    }
    return found;
  };
  const cssImageUrls = () => {
    const urls = new Set();
    const scan = (text, base) => {
      // a quoted URL is read whole (a data: URI may hold quotes and url() of its own, such as an
      // SVG filter's url(#id), which must not be taken for a file), an unquoted one up to the ")"
      for (const m of text.matchAll(/url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^'"()\s]+))\s*\)/g)) {
        const url = m[1] ?? m[2] ?? m[3] ?? '';
        if (!url || /^(data:|#|%23)/i.test(url) || /\.(woff2?|ttf|otf|eot|svg#.*)$/i.test(url)) continue;
        try { urls.add(new URL(url, base).href); } catch (e) { /* not a URL */ }
      }
    };
    const walk = (rules, base) => {
      for (const rule of rules) {
        if (rule.type === CSSRule.FONT_FACE_RULE) continue;
        if (rule.cssRules) walk(rule.cssRules, base);
        if (rule.styleSheet) { try { walk(rule.styleSheet.cssRules, rule.styleSheet.href || base); } catch (e) { /* other origin */ } }
        if (rule.style) scan(rule.style.cssText, base);
      }
    };
    for (const sheet of [...document.styleSheets]) {
      try { walk(sheet.cssRules, sheet.href || document.baseURI); } catch (e) { /* another origin's sheet */ }
    }
    for (const el of document.querySelectorAll('[style*="url("]')) scan(el.getAttribute('style'), document.baseURI);
    for (const el of document.querySelectorAll('image')) {
      const href = el.getAttribute('href') || el.getAttribute('xlink:href');
      if (href && !href.startsWith('data:')) { try { urls.add(new URL(href, document.baseURI).href); } catch (e) { /* not a URL */ } }
    }
    return urls;
  };
  const preloadCss = () => {
    /** @type {HfPending[]} */
    const found = [];
    for (const url of cssImageUrls()) {
      if (preloaded.has(url)) continue;
      const image = new Image();
      image.src = url;
      preloaded.set(url, image);
      found.push([`image ${url}`, image.decode().catch(() => {})]);
    }
    return found;
  };

  Object.defineProperty(window, '__hfEngineAssets', {
    value: Object.freeze(/** @satisfies {HfEngineAssets} */ ({ pending, preloadCss })), writable: false, configurable: false, enumerable: false,
  });
})();
