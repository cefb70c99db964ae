// The preview page: shows the frame at the playhead (GET /frame.png, the render's own pixels),
// scrubs, steps, plays (draft frames, dropping to keep time), draws the plan under the scrubber,
// lists the warnings, edits the declared variables and renders; live on save (GET /api/events).
(() => {
  "use strict";
  const token = new URLSearchParams(location.search).get("token") || "";
  const $ = (id) => document.getElementById(id);
  const url = (path, params = {}) => `${path}?${new URLSearchParams({ ...params, token })}`;
  const img = $("frame");
  let info = null;          // /api/info
  let index = 0;            // the playhead, in frames
  let values = {};          // the variables' values that differ from their defaults
  let fpsNum = 30, fpsDen = 1;
  let playing = false;
  const req = { busy: false, wanted: null, shown: null, version: null };

  const exactTime = (i) => `${i * fpsDen}/${fpsNum}`;  // exact: the server floors t * fps
  const pad = (n, w) => String(n).padStart(w, "0");
  function timecode(seconds) {
    const ms = Math.round(seconds * 1000);
    return `${pad(Math.floor(ms / 60000), 2)}:${pad(Math.floor(ms / 1000) % 60, 2)}.${pad(ms % 1000, 3)}`;
  }

  function showError(message) {
    $("error").textContent = message || "";
    $("error").hidden = !message;
  }

  // ---- frames: one request at a time, the latest wanted frame next (older ones are skipped) ----
  function want(i, quality = "high") {
    index = Math.max(0, Math.min(i, info ? info.frames - 1 : 0));
    $("scrubber").value = String(index);
    updateReadout();
    req.wanted = { index, quality, vars: JSON.stringify(values) };
    pump();
  }

  async function pump() {
    if (req.busy || !req.wanted || !info) return;
    const w = req.wanted;
    req.wanted = null;
    const key = `${w.index}|${w.quality}|${w.vars}|${req.version}`;
    if (key === req.shown) {  // already shown; playing asks again once the clock has moved on
      if (playing) setTimeout(() => { if (playing && !req.busy && !req.wanted) nextPlayFrame(); }, 15);
      return;
    }
    req.busy = true;
    try {
      const params = { t: exactTime(w.index), q: w.quality };
      if (w.vars !== "{}") params.vars = w.vars;
      const response = await fetch(url("frame.png", params), { cache: "no-store" });
      if (!response.ok) {
        const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
        showError(body.error);  // the last good frame stays
      } else {
        const blob = await response.blob();
        const old = img.src;
        img.src = URL.createObjectURL(blob);
        await img.decode().catch(() => {});
        if (old.startsWith("blob:")) URL.revokeObjectURL(old);
        Object.assign(img.dataset, { frame: String(w.index), quality: w.quality, vars: w.vars,
                                     version: response.headers.get("X-Frame-Version") || "" });
        req.shown = key;
        showError("");
        if (w.quality === "high" && Number(response.headers.get("X-Warnings") || 0) > $("warnings").children.length) {
          loadInfo(false);
        }
        if (playing) played.count += 1;
      }
    } catch (err) {
      showError(String(err));
    } finally {
      req.busy = false;
      if (playing && !req.wanted) nextPlayFrame();
      pump();
    }
  }

  function updateReadout() {
    const frames = info ? info.frames : 0;
    $("timecode").textContent = timecode(index * fpsDen / fpsNum);
    $("frameno").textContent = `frame ${index} / ${Math.max(0, frames - 1)}`;
  }

  // ---- play: draft frames as fast as they come, at the time the clock says ----
  const played = { start: 0, from: 0, count: 0 };
  function nextPlayFrame() {
    const elapsed = (performance.now() - played.start) / 1000;
    const target = played.from + Math.floor(elapsed * fpsNum / fpsDen);
    $("fps").textContent = elapsed > 0.5 ? `${(played.count / elapsed).toFixed(1)} fps shown` : "";
    if (target >= info.frames) { stop(); want(info.frames - 1); return; }
    want(target, "draft");
  }
  function play() {
    if (!info) return;
    playing = true;
    $("play").textContent = "Pause";
    Object.assign(played, { start: performance.now(), from: index >= info.frames - 1 ? 0 : index, count: 0 });
    nextPlayFrame();
  }
  function stop() {
    playing = false;
    $("play").textContent = "Play";
    want(index);  // the exact frame where it stopped
  }

  // ---- the plan: timeline, warnings, variables ----
  function drawTimeline() {
    const box = $("timeline");
    box.replaceChildren();
    const span = info.duration || 1;
    const bar = (kind, start, end, label) => {
      const el = document.createElement("div");
      el.className = `bar ${kind}`;
      el.style.left = `${(100 * start) / span}%`;
      el.style.width = `${Math.max(0.3, (100 * (end - start)) / span)}%`;
      el.textContent = el.title = label;
      el.title = `${label}: ${start.toFixed(3)}-${end.toFixed(3)} s`;
      box.appendChild(el);
    };
    info.scenes.forEach((s) => bar("scene", s.start, s.end, s.id));
    info.clips.forEach((c) => bar("clip", c.start, c.end, c.id || c.tag));
    info.transitions.forEach((t) => bar("transition", t.start, t.end, `${t.shader} ${t.from}→${t.to}`));
  }

  function listWarnings() {
    const list = $("warnings");
    list.replaceChildren();
    for (const w of info.warnings || []) {
      const li = document.createElement("li");
      const el = document.createElement("span");
      el.className = "element";
      el.textContent = w.element || "";
      li.append(`${w.code || "warning"}: `, el, ` ${w.message || ""}`);
      list.appendChild(li);
    }
    $("warning-count").textContent = String((info.warnings || []).length);
  }

  function buildForm() {
    const form = $("variables");
    form.replaceChildren();
    if (!info.variables.length) form.textContent = "no data-composition-variables declared";
    for (const v of info.variables) {
      const label = document.createElement("label");
      let input;
      if (v.type === "enum" && v.options.length) {
        input = document.createElement("select");
        v.options.forEach((o) => input.add(new Option(String(o), JSON.stringify(o))));
        input.value = JSON.stringify(v.default);
      } else {
        input = document.createElement("input");
        input.type = { number: "number", boolean: "checkbox", color: /^#[0-9a-f]{6}$/i.test(v.default) ? "color" : "text" }[v.type] || "text";
        if (input.type === "checkbox") input.checked = Boolean(v.default); else input.value = v.default ?? "";
      }
      input.name = v.id;
      input.dataset.type = v.type;
      label.append(`${v.id} `, input);
      form.appendChild(label);
    }
    showCommand();
  }

  function readForm() {
    values = {};
    for (const v of info.variables) {
      const input = $("variables").elements.namedItem(v.id);
      if (!input) continue;
      let value = input.type === "checkbox" ? input.checked : input.value;
      if (input.tagName === "SELECT") value = JSON.parse(value);
      else if (v.type === "number") value = Number(value);
      if (JSON.stringify(value) !== JSON.stringify(v.default)) values[v.id] = value;
    }
    showCommand();
    want(index);
  }

  const shellQuote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
  function showCommand() {
    const range = frameRange();
    let cmd = info.cli;
    if (range) cmd += ` --frames ${range}`;
    if (Object.keys(values).length) cmd += ` --variables ${shellQuote(JSON.stringify(values))}`;
    $("command").textContent = cmd;
  }

  function frameRange() {
    const from = $("from").value, to = $("to").value;
    return from || to ? `${from || 0}:${to || ""}` : "";
  }

  async function loadInfo(refresh = true) {
    const response = await fetch(url("api/info"), { cache: "no-store" });
    const next = await response.json();
    if (next.error) { showError(next.error); $("state").textContent = "composition error"; return; }
    const first = !info;
    info = next;
    req.version = info.version;
    [fpsNum, fpsDen] = String(info.fps_exact).split("/").map(Number).concat([1]).slice(0, 2);
    $("title").textContent = info.composition;
    $("size").textContent = `${info.width}x${info.height} @ ${+info.fps.toFixed(3)} fps, ${info.duration} s`;
    $("state").textContent = "ready";
    $("scrubber").max = String(info.frames - 1);
    drawTimeline();
    listWarnings();
    if (first || JSON.stringify(info.variables) !== $("variables").dataset.declared) {
      $("variables").dataset.declared = JSON.stringify(info.variables);
      buildForm();
      values = {};
    }
    showCommand();
    if (refresh) want(Math.min(index, info.frames - 1));
  }

  // ---- render ----
  async function render() {
    $("render-state").textContent = "starting...";
    const body = JSON.stringify({ frames: frameRange() || null, variables: values });
    const response = await fetch(url("api/render"), { method: "POST", body, headers: { "Content-Type": "application/json" } });
    if (!response.ok) $("render-state").textContent = (await response.json()).error;
  }
  function onRender(event) {
    const r = JSON.parse(event.data);
    $("progress").max = Math.max(1, r.total || 1);
    $("progress").value = r.done || 0;
    $("render").disabled = r.state === "started" || r.state === "running";
    $("render-state").dataset.state = r.state;
    $("render-state").textContent = {
      started: `rendering to ${r.output}...`, running: `frame ${r.done} / ${r.total}`,
      done: r.summary, failed: r.message }[r.state] || r.state;
  }

  // ---- events, keys, controls ----
  function listen() {
    const events = new EventSource(url("api/events"));
    events.addEventListener("change", () => { req.shown = null; loadInfo(true); });
    events.addEventListener("render", onRender);
  }

  document.addEventListener("keydown", (e) => {
    if (!info || (e.target.closest && e.target.closest("form, input:not([type=range]), select"))) return;
    const moves = { ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: info.frames - 1 };
    if (e.key in moves) {
      e.preventDefault();
      if (playing) stop();
      want(moves[e.key]);
    } else if (e.key === " ") {
      e.preventDefault();
      playing ? stop() : play();
    }
  });
  $("scrubber").addEventListener("input", () => { if (playing) stop(); want(Number($("scrubber").value)); });
  $("start").addEventListener("click", () => want(0));
  $("end").addEventListener("click", () => want(info.frames - 1));
  $("prev").addEventListener("click", () => want(index - 1));
  $("next").addEventListener("click", () => want(index + 1));
  $("play").addEventListener("click", () => (playing ? stop() : play()));
  $("variables").addEventListener("change", readForm);
  $("variables").addEventListener("submit", (e) => { e.preventDefault(); readForm(); });
  $("from").addEventListener("input", showCommand);
  $("to").addEventListener("input", showCommand);
  $("render").addEventListener("click", render);

  listen();
  loadInfo(true).catch((err) => showError(String(err)));
})();
