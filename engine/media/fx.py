"""A parsed ``data-fx-chain`` made sound: `ChainProcessor` runs a clip's effects block by block.

Libraries (no hand-written filters or dynamics):

- **Biquads** (``highpass``, ``lowpass``, ``peaking``, ``lowshelf``, ``highshelf``): the Web Audio
  ``BiquadFilterNode`` formulas HyperFrames plays through (the Audio EQ Cookbook; lowpass/highpass
  ``Q`` in dB as the spec reads it, shelves with slope 1), run by `scipy.signal.lfilter` with its
  state carried between blocks. ``poles: "1"`` is the first-order (6 dB/oct) bilinear filter.
- **Spotify's pedalboard** (JUCE effects) for the rest: ``gain`` (Gain), ``compressor``
  (Compressor + Gain makeup + dry/wet ``mix``), ``limiter`` and ``truepeak`` (Limiter), ``gate``
  (NoiseGate), ``bitcrush`` (Bitcrush), ``delay`` (Delay), ``reverb`` (Reverb), ``chorus`` (Chorus),
  ``phaser`` (Phaser), ``pitchshift`` (PitchShift, Rubber Band). Each plugin keeps its state
  across ``process(..., reset=False)`` calls; it is primed once with a silent block of
  `BLOCK` samples so that later shorter calls never re-prepare (reset) it.
- ``saturate`` is a memoryless curve (numpy), ``bitcrush``'s ``samples`` a sample-and-hold.

Where pedalboard's effect differs from HyperFrames' (documented in docs/composition.md):
the compressor is JUCE's hard-knee, peak-detecting one (``knee`` is not applied); ``limiter``'s
``attack`` and ``truepeak``'s ``lookahead`` are not applied (JUCE's limiter has its own fixed
attack; no 4x true-peak estimate); the gate's ``range`` blends the dry signal back in at that
level and ``knee`` is not applied; the reverb is JUCE's Freeverb-style algorithm, not a
generated impulse; chorus ``depth`` maps ms onto JUCE's 0-1 as ``depth / 10``; the phaser is
JUCE's all-pass phaser driven by ``speed`` and ``decay`` (as feedback), between ``in_gain`` and
``out_gain`` (``delay`` and ``type`` are not applied); ``saturate`` does not oversample; the
pitch shifter works on 1 s chunks crossfaded over 40 ms (see `_PitchShift`).
JUCE's limiter normalises its threshold to full scale; a Gain brings its ceiling back to ``limit``.

A preset's nodes (consecutive nodes of one ``fromPreset``) whose ``presetAmount`` is below 1 are
blended as HyperFrames wraps them: ``amount * run(x) + (1 - amount) * x`` around the whole run.
A ``fx.preset.<id>`` lane replaces that amount for every run of the preset, per sample.

Automation (``data-automation`` lanes on ``fx.<node>.<param>``): a ``gain`` node's gain and
``saturate``'s ``output`` are per-sample gains; a filter's coefficients (the Web Audio formulas
again) and a pedalboard plugin's attributes are set every `SUB_BLOCK` samples to the lanes'
values at the middle of those samples, the filter and plugin state carried across.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import numpy as np
import pedalboard as pb
from scipy import signal, special  # type: ignore[import-untyped]

from .automation import PRESET, Lane
from .fx_chain import FxChain, FxNode

__all__ = ["BLOCK", "SUB_BLOCK", "ChainProcessor", "biquad"]

#: pedalboard's internal block size (and the primer's length).
BLOCK = 512
#: An automated filter or plugin parameter is set once per this many samples (1.3 ms at 48 kHz),
#: to the lanes' value at the middle of those samples.
SUB_BLOCK = 64
_MAX_TAIL_S = 20.0


class _Stage(Protocol):
    tail: int  # samples of sound after the input ends
    latency: int  # samples the output lags the input

    def process(self, x: np.ndarray) -> np.ndarray: ...


def _db(value: float) -> float:
    return float(10 ** (value / 20))


def biquad(kind: str, frequency: float, sample_rate: int, *, q: float = 0.707, gain: float = 0.0,
           poles: str = "2") -> tuple[np.ndarray, np.ndarray]:
    """``(b, a)`` of a Web Audio ``BiquadFilterNode`` of `kind` (or the first-order filter for ``poles="1"``)."""
    f = min(frequency, sample_rate / 2 * 0.999)
    w0 = 2 * math.pi * f / sample_rate
    cos, sin = math.cos(w0), math.sin(w0)
    if kind in ("lowpass", "highpass") and poles == "1":
        k = math.tan(w0 / 2)
        if kind == "lowpass":
            return np.array([k, k]) / (1 + k), np.array([1.0, (k - 1) / (k + 1)])
        return np.array([1.0, -1.0]) / (1 + k), np.array([1.0, (k - 1) / (k + 1)])
    big_a = 10 ** (gain / 40)
    if kind in ("lowpass", "highpass"):
        alpha = sin / (2 * 10 ** (q / 20))  # the Web Audio spec: Q in dB for these two
        if kind == "lowpass":
            b = [(1 - cos) / 2, 1 - cos, (1 - cos) / 2]
        else:
            b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]
        a = [1 + alpha, -2 * cos, 1 - alpha]
    elif kind == "peaking":
        alpha = sin / (2 * q)
        b = [1 + alpha * big_a, -2 * cos, 1 - alpha * big_a]
        a = [1 + alpha / big_a, -2 * cos, 1 - alpha / big_a]
    elif kind in ("lowshelf", "highshelf"):
        alpha = sin / 2 * math.sqrt(2)  # shelf slope S = 1
        root = 2 * math.sqrt(big_a) * alpha
        sign = 1 if kind == "lowshelf" else -1
        b = [big_a * ((big_a + 1) - sign * (big_a - 1) * cos + root),
             sign * 2 * big_a * ((big_a - 1) - sign * (big_a + 1) * cos),
             big_a * ((big_a + 1) - sign * (big_a - 1) * cos - root)]
        a = [(big_a + 1) + sign * (big_a - 1) * cos + root,
             -sign * 2 * ((big_a - 1) + sign * (big_a + 1) * cos),
             (big_a + 1) + sign * (big_a - 1) * cos - root]
    else:
        raise ValueError(f"not a biquad: {kind}")
    return np.array(b) / a[0], np.array(a) / a[0]


class _Filter:
    tail = latency = 0

    def __init__(self, b: np.ndarray, a: np.ndarray) -> None:
        self.b, self.a = b, a
        self.zi = np.zeros((2, max(len(a), len(b)) - 1))

    def process(self, x: np.ndarray) -> np.ndarray:
        y, self.zi = signal.lfilter(self.b, self.a, x, axis=1, zi=self.zi)
        return np.asarray(y, np.float32)


class _Plugin:
    latency = 0

    def __init__(self, plugins: list[Any], sample_rate: int, tail: float = 0.0) -> None:
        self.board = pb.Pedalboard(plugins)
        self.rate = sample_rate
        self.tail = round(tail * sample_rate)
        self.board.process(np.zeros((2, BLOCK), np.float32), sample_rate, buffer_size=BLOCK, reset=False)

    def process(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.board.process(np.ascontiguousarray(x, np.float32), self.rate,
                                             buffer_size=BLOCK, reset=False), np.float32)


class _Blend:
    """``mix`` of `inner` (wet) with the dry input; `dry` overrides the dry leg's level."""

    def __init__(self, inner: _Stage, mix: float, dry: float | None = None) -> None:
        self.inner, self.mix = inner, mix
        self.dry = 1.0 - mix if dry is None else dry
        self.tail, self.latency = inner.tail, inner.latency
        if self.latency:  # the dry leg is delayed as much as the wet one
            self.delay = np.zeros((2, self.latency), np.float32)

    def process(self, x: np.ndarray) -> np.ndarray:
        wet = self.inner.process(x)
        if self.latency:
            joined = np.concatenate([self.delay, x], axis=1)
            x, self.delay = joined[:, :x.shape[1]], joined[:, x.shape[1]:]
        return np.asarray(self.mix * wet + self.dry * x, np.float32)


class _LaneBlend(_Blend):
    """`_Blend` with its amount following `lane` per sample (clamped 0..1): `clock` is the lane
    clock's sample of the next output sample (the dry leg is delayed as the wet one is)."""

    def __init__(self, inner: _Stage, lane: Lane, sample_rate: int, clock: int) -> None:
        super().__init__(inner, 1.0)
        self.lane, self.rate, self.clock = lane, sample_rate, clock

    def process(self, x: np.ndarray) -> np.ndarray:
        n = x.shape[1]
        amount = np.clip(self.lane.values((self.clock + np.arange(n)) / self.rate), 0.0, 1.0)[None, :]
        self.clock += n
        wet = self.inner.process(x)
        if self.latency:
            joined = np.concatenate([self.delay, x], axis=1)
            x, self.delay = joined[:, :n], joined[:, n:]
        return np.asarray(x + amount * (wet - x), np.float32)


def _curve(kind: str) -> Callable[[np.ndarray], np.ndarray]:
    """A saturation curve: slope 1 at 0, approaching ±1."""
    curves: dict[str, Callable[[np.ndarray], np.ndarray]] = {
        "tanh": np.tanh,
        "atan": lambda u: 2 / np.pi * np.arctan(np.pi / 2 * u),
        "cubic": lambda u: np.where(np.abs(u) < 1.5, u - 4 / 27 * u ** 3, np.sign(u)),
        "exp": lambda u: np.sign(u) * (1 - np.exp(-np.abs(u))),
        "alg": lambda u: u / np.sqrt(1 + u * u),
        "quintic": lambda u: np.where(np.abs(u) < 1.25, u - 256 / 3125 * u ** 5, np.sign(u)),
        "sin": lambda u: np.where(np.abs(u) < np.pi / 2, np.sin(u), np.sign(u)),
        "erf": lambda u: special.erf(np.sqrt(np.pi) / 2 * u),
        "hard": lambda u: np.clip(u, -1.0, 1.0),
    }
    return curves[kind]


class _Saturate:
    """``T * curve(x / T) * output``: linear well below the threshold `T`, bounded by it above."""

    tail = latency = 0

    def __init__(self, kind: str, threshold_db: float, output_db: float) -> None:
        self.curve, self.level, self.out = _curve(kind), _db(threshold_db), _db(output_db)

    def process(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.level * self.curve(x / self.level) * self.out, np.float32)


class _Hold:
    """Each sample repeated `n` times (a crude downsample), continuous across blocks."""

    tail = latency = 0

    def __init__(self, n: int) -> None:
        self.n, self.phase, self.held = n, 0, np.zeros((2, 1), np.float32)

    def process(self, x: np.ndarray) -> np.ndarray:
        count = x.shape[1]
        if self.n <= 1 or count == 0:
            return x
        idx = np.arange(count) + self.phase
        starts = idx - idx % self.n - self.phase  # the block index each output sample holds
        out = np.where(starts >= 0, x[:, np.clip(starts, 0, None)], self.held)
        self.phase = (self.phase + count) % self.n
        last = count - 1 - ((self.phase - 1) % self.n)  # the newest sampled position
        if last >= 0:
            self.held = x[:, last:last + 1].copy()
        return np.asarray(out, np.float32)


class _PitchShift:
    """pedalboard's PitchShift (Rubber Band) run on overlapping chunks, as a pure delay of `latency`.

    pedalboard's streaming mode gives no pitch-shifted output for seconds, so each `_CHUNK` of
    the signal is shifted on its own (``reset=True``: pedalboard removes Rubber Band's latency),
    with `_MARGIN` of context either side, and neighbours are crossfaded over ``2 * _FADE``. The
    chunk grid follows the input's own samples, so the result does not depend on block sizes.
    `ChainProcessor` feeds the clip `latency` samples ahead, which removes the delay.
    """

    def __init__(self, semitones: float, sample_rate: int) -> None:
        self.plugin = pb.PitchShift(semitones=semitones)
        self.rate = sample_rate
        self.chunk, self.margin, self.fade = (round(v * sample_rate) for v in (_CHUNK, _MARGIN, _FADE))
        self.latency = self.tail = self.chunk + self.margin + 2 * self.fade
        context = self.margin + self.fade
        self.input = np.zeros((2, context), np.float32)  # input from sample ``done * chunk - context`` on
        self.done = 0  # chunks shifted
        self.prev = np.zeros((2, 2 * self.fade), np.float32)  # the last chunk's overlap into the next
        self.ready = np.zeros((2, self.latency - self.fade), np.float32)  # delayed output, then shifted chunks
        ramp = (np.arange(2 * self.fade, dtype=np.float32) + 0.5) / (2 * self.fade)
        self.ramp = ramp[None, :]

    def process(self, x: np.ndarray) -> np.ndarray:
        self.input = np.concatenate([self.input, x], axis=1)
        span = self.chunk + 2 * (self.margin + self.fade)
        parts: list[np.ndarray] = [self.ready]
        while self.input.shape[1] >= span:
            shifted = self.plugin.process(self.input[:, :span], self.rate, buffer_size=8192, reset=True)
            mid = shifted[:, self.margin:self.margin + self.chunk + 2 * self.fade]
            head = self.prev * (1 - self.ramp) + mid[:, :2 * self.fade] * self.ramp
            parts += [head, mid[:, 2 * self.fade:self.chunk]]
            self.prev = mid[:, self.chunk:].copy()
            self.input = self.input[:, self.chunk:]
            self.done += 1
        ready = np.concatenate(parts, axis=1)
        n = x.shape[1]
        out = np.zeros((2, n), np.float32)
        k = min(n, ready.shape[1])
        out[:, :k] = ready[:, :k]
        self.ready = ready[:, k:]
        return out


_CHUNK, _MARGIN, _FADE = 1.0, 0.2, 0.02


def _reverb_tail(size: float, damping: float) -> float:
    """Seconds for JUCE's reverb to decay by 60 dB (its comb feedback is ``0.7 + 0.28 * size``)."""
    feedback = 0.7 + 0.28 * size
    return min(_MAX_TAIL_S, 0.04 * math.log(1e-3) / math.log(feedback) + 0.1)


def _delay_tail(time_ms: float, feedback: float) -> float:
    return min(_MAX_TAIL_S, time_ms / 1000 * (1 + math.log(1e-3) / math.log(feedback)))


def _stage(node: FxNode, sr: int) -> _Stage:
    p: dict[str, Any] = dict(node.params)
    kind = node.type
    if kind in ("highpass", "lowpass", "peaking", "lowshelf", "highshelf"):
        return _Filter(*biquad(kind, float(p["frequency"]), sr, q=float(p.get("q", 0.707)),
                               gain=float(p.get("gain", 0.0)), poles=str(p.get("poles", "2"))))
    if kind == "gain":
        return _Plugin([pb.Gain(gain_db=p["gain"])], sr)
    if kind == "compressor":
        comp = _Plugin([pb.Compressor(threshold_db=p["threshold"], ratio=p["ratio"], attack_ms=p["attack"],
                                      release_ms=p["release"]), pb.Gain(gain_db=p["makeup"])], sr)
        return comp if p["mix"] >= 1 else _Blend(comp, p["mix"])
    if kind == "limiter":
        return _Plugin([pb.Limiter(threshold_db=p["limit"], release_ms=p["release"]),
                        pb.Gain(gain_db=p["limit"] + p["level_out"])], sr)
    if kind == "truepeak":
        return _Plugin([pb.Limiter(threshold_db=p["ceiling"], release_ms=p["release"]),
                        pb.Gain(gain_db=p["ceiling"])], sr)
    if kind == "gate":
        gate = _Plugin([pb.NoiseGate(threshold_db=p["threshold"], ratio=p["ratio"], attack_ms=p["attack"],
                                     release_ms=p["release"])], sr)
        floor = _db(p["range"])  # how far down the closed gate pulls: the dry leg at that level
        return _Blend(gate, 1.0 - floor, floor)
    if kind == "saturate":
        return _Saturate(str(p["type"]), p["threshold"], p["output"])
    if kind == "bitcrush":
        crush: _Stage = _Plugin([pb.Bitcrush(bit_depth=p["bits"])], sr)
        if p["samples"] > 1:
            crush = _Series([_Hold(int(p["samples"])), crush])
        return crush if p["mix"] >= 1 else _Blend(crush, p["mix"])
    if kind == "delay":
        return _Plugin([pb.Delay(delay_seconds=p["time"] / 1000, feedback=p["feedback"], mix=p["mix"])], sr,
                       _delay_tail(p["time"], p["feedback"]))
    if kind == "reverb":
        return _Plugin([pb.Reverb(room_size=p["size"], damping=p["damping"], wet_level=p["wet"], dry_level=p["dry"],
                                  width=1.0)], sr, _reverb_tail(p["size"], p["damping"]))
    if kind == "chorus":
        return _Plugin([pb.Chorus(rate_hz=p["speed"], depth=p["depth"] / 10, centre_delay_ms=p["delay"],
                                  feedback=0.0, mix=p["mix"])], sr, (p["delay"] + p["depth"]) / 1000)
    if kind == "phaser":
        return _Plugin([pb.Gain(gain_db=20 * math.log10(max(p["in_gain"], 1e-6))),
                        pb.Phaser(rate_hz=p["speed"], depth=0.5, centre_frequency_hz=1300, feedback=p["decay"], mix=0.5),
                        pb.Gain(gain_db=20 * math.log10(max(p["out_gain"], 1e-6)))], sr, 0.05)
    if kind == "pitchshift":
        shift: _Stage = _PitchShift(p["semitones"], sr)
        return shift if p["mix"] >= 1 else _Blend(shift, p["mix"])
    raise ValueError(f"unknown effect {kind}")  # parse_chain admits only the registry's


class _Envelope:
    """A per-sample gain following a lane in dB (an automated ``gain`` node or ``saturate`` output)."""

    tail = latency = 0

    def __init__(self, lane: Lane, sample_rate: int, clock: int) -> None:
        self.lane, self.rate, self.clock = lane, sample_rate, clock

    def process(self, x: np.ndarray) -> np.ndarray:
        n = x.shape[1]
        db = self.lane.values((self.clock + np.arange(n)) / self.rate)
        self.clock += n
        return np.asarray(x * np.power(10.0, db / 20)[None, :], np.float32)


def _retuner(node: FxNode, stage: _Stage, sr: int) -> Callable[[dict[str, float]], None]:
    """A function setting `stage`'s parameters (those of `node`, some overridden) while it runs."""
    kind = node.type
    if isinstance(stage, _Filter):
        def filt(p: dict[str, float]) -> None:
            assert isinstance(stage, _Filter)
            stage.b, stage.a = biquad(kind, p["frequency"], sr, q=p.get("q", 0.707), gain=p.get("gain", 0.0),
                                      poles=str(node.params.get("poles", "2")))
        return filt
    assert isinstance(stage, _Plugin)
    plugins: list[Any] = list(stage.board)

    def plugin(p: dict[str, float]) -> None:
        first = plugins[0]
        if kind == "delay":
            first.delay_seconds, first.feedback, first.mix = p["time"] / 1000, p["feedback"], p["mix"]
        elif kind == "reverb":
            first.wet_level, first.dry_level = p["wet"], p["dry"]
        elif kind == "chorus":
            first.rate_hz, first.depth, first.centre_delay_ms, first.mix = p["speed"], p["depth"] / 10, p["delay"], p["mix"]
        elif kind == "phaser":
            first.gain_db = 20 * math.log10(max(p["in_gain"], 1e-6))
            plugins[1].rate_hz = p["speed"]
            plugins[2].gain_db = 20 * math.log10(max(p["out_gain"], 1e-6))
    return plugin


class _Automated:
    """`stage` with parameters following `lanes` (by parameter name), set for each `SUB_BLOCK`
    samples of the lane clock's grid to the lanes' values at their middle (`clock`: the clock's
    sample of the next input sample), so the output does not depend on the blocks it is fed in."""

    def __init__(self, node: FxNode, stage: _Stage, lanes: dict[str, Lane], sr: int, clock: int) -> None:
        self.stage, self.lanes, self.rate, self.clock = stage, lanes, sr, clock
        self.params = {k: float(v) for k, v in node.params.items() if not isinstance(v, str)}
        self.retune = _retuner(node, stage, sr)
        self.tail, self.latency = stage.tail, stage.latency
        self.cell: int | None = None  # the grid sub-block the stage is set for

    def process(self, x: np.ndarray) -> np.ndarray:
        n = x.shape[1]
        first = self.clock
        cuts = np.arange((first // SUB_BLOCK + 1) * SUB_BLOCK, first + n, SUB_BLOCK) - first
        edges = np.concatenate([[0], cuts, [n]]).astype(np.int64)
        cells = (first + edges[:-1]) // SUB_BLOCK  # a sub-block of the clock's grid: one setting
        mids = (cells * SUB_BLOCK + SUB_BLOCK / 2) / self.rate
        values = {name: lane.values(mids) for name, lane in self.lanes.items()}
        parts = []
        for i in range(len(edges) - 1):
            if cells[i] != self.cell:
                self.retune({**self.params, **{name: float(v[i]) for name, v in values.items()}})
                self.cell = int(cells[i])
            parts.append(self.stage.process(x[:, edges[i]:edges[i + 1]]))
        self.clock += n
        return np.concatenate(parts, axis=1) if len(parts) > 1 else parts[0]


def _automated(node: FxNode, sr: int, lanes: dict[str, Lane], clock: int) -> _Stage:
    """The stage of `node` with its automation `lanes` (non-empty)."""
    p: dict[str, Any] = dict(node.params)
    if node.type == "gain":
        return _Envelope(lanes["gain"], sr, clock)
    if node.type == "saturate":
        return _Series([_Saturate(str(p["type"]), p["threshold"], 0.0), _Envelope(lanes["output"], sr, clock)])
    top = {name: max(point.v for point in lane.points) for name, lane in lanes.items()}
    if node.type == "delay":  # the longest echo the lanes reach sets the tail
        p["time"], p["feedback"] = top.get("time", p["time"]), top.get("feedback", p["feedback"])
    stage = _stage(FxNode(node.type, p, node.id, node.label), sr)
    return _Automated(node, stage, lanes, sr, clock)


class _Series:
    def __init__(self, stages: list[_Stage]) -> None:
        self.stages = stages
        self.tail = sum(stage.tail for stage in stages)
        self.latency = sum(stage.latency for stage in stages)

    def process(self, x: np.ndarray) -> np.ndarray:
        for stage in self.stages:
            x = stage.process(x)
        return x


class ChainProcessor:
    """A chain's enabled nodes in signal order, on planar stereo float32 blocks ``(2, n)``.

    Call `process` with consecutive blocks of any size: the output is the same as processing the
    whole signal at once. `tail` is how many samples of silence after the input ends still carry
    sound (delay and reverb decays, the pitch shifter's latency); `latency` how many samples the
    output lags the input (the pitch shifter's): feed the signal that far ahead to line it up.
    `lanes` (``(node id, param) -> Lane``, `engine.media.automation`) move parameters over time:
    `clock` is the lane clock's sample of the first input sample (a stage after a latency hears
    its lanes that much later). A ``gain`` node's gain and ``saturate``'s output follow their
    lanes per sample; other parameters are set every `SUB_BLOCK` samples. A preset's amount lane
    (key ``(PRESET, preset id)``) sets the blend of each of the preset's runs per sample, in place
    of its ``presetAmount``.
    """

    def __init__(self, chain: FxChain, sample_rate: int, lanes: Mapping[tuple[str, str], Lane] | None = None,
                 clock: int = 0) -> None:
        stages: list[_Stage] = []
        delay = 0  # samples the input has been delayed by the stages so far
        lanes = lanes or {}
        for amount, run in chain.runs():
            inner: list[_Stage] = []
            for node in run:
                mine = {param: lane for (node_id, param), lane in lanes.items() if node_id == node.id and node_id != PRESET}
                inner.append(_automated(node, sample_rate, mine, clock - delay) if mine else _stage(node, sample_rate))
                delay += inner[-1].latency
            # a preset's run, faded or automated: its run wet, the run's input dry (delayed by its latency)
            moving = lanes.get((PRESET, run[0].preset)) if run[0].preset is not None else None
            if moving is not None:
                stages.append(_LaneBlend(_Series(inner), moving, sample_rate, clock - delay))
            else:
                stages += inner if amount >= 1.0 else [_Blend(_Series(inner), amount)]
        self.series = _Series(stages)
        self.tail, self.latency = self.series.tail, self.series.latency

    def process(self, block: np.ndarray) -> np.ndarray:
        if block.shape[1] == 0:
            return block
        return self.series.process(np.ascontiguousarray(block, np.float32))
