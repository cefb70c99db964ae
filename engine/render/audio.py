"""The render's sound: its clips mixed once (not per worker), block by block as the encoder writes
(`engine.media.mixer.MixStream`: memory stays flat however long the render), from the first
rendered frame's time on. A mix that went above full scale is a warning once the video is done.
The summary reports the mix's integrated loudness (LUFS, BS.1770) and true peak (dBTP), as encoded
(after clipping); None for a silent mix or one shorter than 0.4 s.

``loudness`` (``--loudness LUFS``) normalises the whole mix to that integrated loudness with a
true-peak ceiling of `CEILING_DBTP`. Normalising needs the mix's loudness before its first sample
is encoded, and the mix is streamed, so it is made twice: a measuring pass (`measure`: the mix
read block by block, before the encoder starts, unclipped, only its loudness and true peak kept,
so memory stays flat), then the mix again while encoding with one gain on it:
``target - measured`` dB, lowered where the true peak would pass the ceiling (a warning says by
how much the loudness then falls short). It costs a second mix's time (decoding and effects).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from ..capture.fidelity import PageWarning
from ..composition.plan import Plan
from ..errors import RenderWarning
from ..media.audio_decode import AudioSource
from ..media.mixer import MixStream

__all__ = ["CEILING_DBTP", "RenderAudio", "normalising_gain"]

#: The true-peak ceiling of a normalised mix (EBU R128 / streaming delivery), dBTP.
CEILING_DBTP = -1.0
_MEASURE_BLOCK = 1 << 16


def normalising_gain(measured: float | None, true_peak: float | None, target: float) -> tuple[float, float]:
    """``(gain in dB, loudness reached)`` to bring a mix of `measured` LUFS to `target` with its
    true peak at most `CEILING_DBTP` (no gain for a silent mix)."""
    if measured is None or true_peak is None:
        return 0.0, target
    gain = target - measured
    gain = min(gain, CEILING_DBTP - true_peak)
    return gain, measured + gain


class RenderAudio:
    """The audible clips of `plan`, mixed from composition time `start_s` on (see `stream`),
    normalised to `loudness` LUFS when given."""

    def __init__(self, plan: Plan, start_s: Any, loudness: float | str | None = None) -> None:
        self.plan = plan
        self.sources = [AudioSource(clip, clip.source_duration or 0.0) for clip in plan.media_clips if clip.audible]
        self.start_s = float(start_s)
        self.target = None if loudness is None else float(loudness)  # checked by RenderOptions
        self.gain_db = 0.0
        self.warning: PageWarning | None = None  # the mix clipped, or (normalised: it never clips) fell short
        if self.target is not None:
            self.measure(self.target)
        self.stream = MixStream(self.sources, float(plan.duration), start_s=self.start_s,
                                gain=10 ** (self.gain_db / 20))

    def measure(self, target: float) -> None:
        """The measuring pass: the mix's loudness and true peak, and the gain that normalises it."""
        probe = MixStream(self.sources, float(self.plan.duration), start_s=self.start_s, clip=False)
        try:
            while probe.pos < probe.end:
                probe.read(min(_MEASURE_BLOCK, probe.end - probe.pos))
        finally:
            probe.close()
        measured, true_peak = probe.loudness.integrated, probe.loudness.true_peak
        self.gain_db, reached = normalising_gain(measured, true_peak, target)
        if measured is not None and reached < target - 0.05:
            self.warning = PageWarning(
                "audio-loudness", "the audio mix",
                f"it is normalised to {reached:.1f} LUFS, not {target:g}: at {target:g} LUFS its true peak would "
                f"pass the {CEILING_DBTP:g} dBTP ceiling (it measures {measured:.1f} LUFS with a true peak of "
                f"{true_peak:.1f} dBTP); compress or limit the loud clips to reach the target")
            warnings.warn(f"{self.plan.source.name}: {self.warning}", RenderWarning, stacklevel=2)

    def check(self) -> None:
        """After the encoder finished: warn (once) if the mix clipped."""
        if self.stream.clipped and self.warning is None:
            self.warning = PageWarning(
                "audio-clipping", "the audio mix", f"it peaks at {self.stream.peak:.2f} (above full scale): "
                f"{self.stream.clipped} samples were clipped; lower some clips' data-volume")
            warnings.warn(f"{self.plan.source.name}: {self.warning}", RenderWarning, stacklevel=2)

    def summary(self) -> dict[str, Any]:
        loudness, true_peak = self.stream.loudness.integrated, self.stream.loudness.true_peak
        out = {"clips": self.stream.clips, "peak": round(float(self.stream.peak), 4), "clipped": self.stream.clipped,
               "loudness_lufs": None if loudness is None else round(loudness, 2),
               "true_peak_dbtp": None if true_peak is None else round(true_peak, 2)}
        if self.target is not None:
            out["normalised_to_lufs"] = self.target
            out["normalising_gain_db"] = round(self.gain_db, 2) if math.isfinite(self.gain_db) else None
        return out

    def close(self) -> None:
        self.stream.close()
