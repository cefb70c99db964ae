// The types of what the page runtime's files (engine/capture/*.js, injected in the order of
// runtime_source.py RUNTIME_FILES) share through `window`, for the TypeScript compiler's check of
// those files (`make lint`: tsc -p tsconfig.json). Never loaded by the page: types only.
// The replies mirror engine/capture/replies.py (change both together).

/** A [name, promise] pair a frame waits for (seek.js settle() names those still open). */
type HfPending = [string, PromiseLike<unknown> | unknown];

/** One element the engine cannot render faithfully (replies.py CensusEntry). */
interface HfCensusEntry { code: string; element: string; message: string; }

/** A native video layer planned by layers.js (replies.py LayerPlan). */
interface HfLayerPlan {
  index: number; rect: number[]; clip: number[]; rounded: number[][]; opacity: number; below: boolean;
  /** a rotated or skewed video: its local-to-viewport map (rect, clip, rounded then local) and its viewport box */
  matrix?: number[]; area?: number[];
  /** colour filter functions applied to the frame, in order: [name, amount] (hue-rotate in degrees) */
  filters: [string, number][];
}

/** A video that could be composited natively: [index, element, frame width, frame height]. */
type HfCandidate = [number, HTMLVideoElement | HTMLAudioElement, number, number];

/** One call of HyperShader.init (replies.py ShaderInit). */
interface HfShaderInit { accentColor: string | null; scenes: string[]; shaders: (string | null)[]; published: boolean; }

/** Every reply of window.__hfEngine (replies.py Reply, PrepareReply, SeekReply). */
interface HfReply { errors: string[]; warnings: HfCensusEntry[]; [extra: string]: unknown; }

/** common.js */
interface HfEngineCommon {
  describe(el: Element): string;
  sourceOf(el: Element): string | null;
  errorText(e: unknown): string;
  threw(what: string, e: unknown): string;
  childEngine(frame: HTMLIFrameElement): HfEngine | null | undefined;
}

/** compositions.js: the timing of timed elements and sub-compositions. */
interface HfEngineTiming {
  localTime(id: string, t: number, tl: any): number;
  timed(): Element[];
  windowOf(el: Element): [number, number];
  setEnd(el: Element, end: number | null): void;
  takeProblems(): string[];
}

/** fonts.js: the families the page asked for, those injected, and those set in a fallback. */
interface HfEngineFonts { requested: string[]; injected: string[]; fallback: string[]; }

/** adapters.js */
interface HfEngineAdapters {
  gsapAt(t: number): string | null;
  gsapPaused(): HfCensusEntry[];
  setTime(t: number): void;
  seek(t: number, pending: HfPending[]): string[];
}

/** media.js */
interface HfEngineMedia {
  census(): object[];
  show(frames: Record<string, string> | null, prefetch: Record<string, string> | null, pending: HfPending[], skip?: number | number[] | null): void;
  showDeferred(index: number, pending: HfPending[]): boolean;
  candidates(frames: Record<string, unknown> | null): HfCandidate[];
  isDeferred(index: number): boolean;
  setEnds(ends: Record<string, number | null> | null): void;
  describe(el: Element): string;
  late(): HfCensusEntry[];
  checkPosters(pending: HfPending[]): void;
  failedImages(): HfCensusEntry[];
}

/** paint_order.js: a survey of the page (element -> its style, parent, tree order, paint key...) */
type HfSurvey = Map<Element, any>;
interface HfEnginePaint {
  px(value: string): number;
  positioned(s: CSSStyleDeclaration): boolean;
  survey(): HfSurvey;
  keyOf(info: HfSurvey, el: Element): number[][];
  pseudoKey(info: HfSurvey, el: Element, which: string): number[][] | null;
  compare(a: number[][], b: number[][]): number;
  matrixOf(transform: string): number[] | null;
  upright(s: CSSStyleDeclaration): boolean;
  transformOf(s: CSSStyleDeclaration): string;
  ownBox(s: CSSStyleDeclaration): { any: string; under: string | null; outline: string | null } | null;
  borderBox(s: CSSStyleDeclaration): number[];
  insets(s: CSSStyleDeclaration, padding: boolean): number[];
  paints(me: any): boolean;
  extentOf(info: HfSurvey, me: any): { box: number[]; hole: number[] | null };
  meets(extent: { box: number[]; hole: number[] | null }, clip: number[]): boolean;
}

/** layer_geometry.js: where and how a video is drawn natively ({ hidden }, { reason } or the layer's geometry) */
interface HfEngineGeometry {
  geometry(info: HfSurvey, el: Element, iw: number, ih: number): any;
  setHdr(transfer: string | null): void;
  AWAY: number;
}

/** layers.js */
interface HfLayerFound { layer: HfLayerPlan | null; layers: HfLayerPlan[]; reasons: Record<string, { element: string; reason: string }>; visible: number; }
interface HfEngineLayers {
  plan(candidates: HfCandidate[]): HfLayerFound;
  show(part: 'below' | 'overlay'): boolean;
  clear(): void;
  current(): HfLayerPlan | null;
  /** an HDR render's transfer (pq, hlg), or null: colour filters are refused natively in HDR */
  setHdr(transfer: string | null): void;
  /** clips kept on the poster path where their split would need the part below (layers.py prefer_poster) */
  preferPoster(indices: number[]): void;
}

/** clock.js */
interface HfEngineClock {
  now(): number;
  reseed(ms: number): void;
  runTimers(target: number, errors: string[]): void;
  runRaf(ms: number, errors: string[]): void;
  gsapAt(t: number, errors: string[]): void;
  born: WeakMap<Animation, number>;
  setTimeout: typeof window.setTimeout;
  clearTimeout: typeof window.clearTimeout;
}

/** hyperframes.js */
interface HfEngineHyperFrames { shaderInits(): HfShaderInit[]; }

/** seek.js */
interface HfEngineSeek {
  clips(t: number): void;
  timelines(t: number, pending: HfPending[], errors: string[]): void;
  animations(t: number, errors: string[]): void;
  settle(pending: HfPending[], timeoutMs: number, errors: string[]): Promise<void>;
}

/** assets.js */
interface HfEngineAssets { pending(): HfPending[]; preloadCss(): HfPending[]; }

/** isolate.js */
interface HfEngineIsolate {
  ensureSheet(): void;
  transparent(): void;
  isolate(sceneId: string): string | null;
  restore(): void;
}

/** runtime.js: what Python calls. */
interface HfEngine {
  readonly version: number;
  prepare(timeoutMs: number, alpha: boolean): Promise<HfReply>;
  seek(t: number, sceneId: string | null, timeoutMs: number, media?: [Record<string, string>, Record<string, string>] | null,
       layers?: number[] | null): HfReply | Promise<HfReply>;
  isolateScene(sceneId: string, timeoutMs: number): HfReply | Promise<HfReply>;
  showOverlay(): HfReply;
  restore(): HfReply;
  setMediaEnds(ends: Record<string, number | null>): HfReply;
  readonly time: number;
}

interface Window {
  // set by runtime_source.py before the files run
  __hfEngineConfig?: { seed?: number; epoch?: number; fonts?: any };
  __hfVariables?: Record<string, unknown>;
  // the runtime's parts (each defined by its file, non-writable, hidden)
  __hfEngineCommon: HfEngineCommon;
  __hfEngineTiming: HfEngineTiming;
  __hfEngineFonts: HfEngineFonts;
  __hfEngineAdapters: HfEngineAdapters;
  __hfEngineMedia: HfEngineMedia;
  __hfEnginePaint: HfEnginePaint;
  __hfEngineGeometry: HfEngineGeometry;
  __hfEngineLayers: HfEngineLayers;
  __hfEngineClock: HfEngineClock;
  __hfEngineHyperFrames: HfEngineHyperFrames;
  __hfEngineSeek: HfEngineSeek;
  __hfEngineAssets: HfEngineAssets;
  __hfEngineIsolate: HfEngineIsolate;
  __hfEngineCensus: () => HfCensusEntry[];
  __hfEngine: HfEngine;
  // HyperFrames' globals, written by pages (and predefined by hyperframes.js / compositions.js)
  __timelines: Record<string, any>;
  __hf: any;
  __hyperframes: { getVariables(): Record<string, unknown> };
  __hfVariablesByComp: Record<string, Record<string, unknown>>;
  __HF_VIRTUAL_TIME__: { seekToTime(): number; getTime(): number };
  HyperShader: any;
  __hfThreeTime: number;
  __hfTypegpuTime: number;
  // the page's libraries the adapters drive
  gsap: any;
  anime: any;
  lottie: any;
  THREE: any;
}
