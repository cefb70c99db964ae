"""`AudioMixer`: the render's sound, mixed once (not per worker) on a thread of its own.

The mix starts as soon as the plan is known and runs beside the blender's set-up; the encoder
takes its samples when it opens. A clip that clips the sum is a warning, not an error.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

import numpy as np

from ..capture.fidelity import PageWarning
from ..composition.plan import Plan
from ..errors import RenderWarning
from ..media.audio import AudioSource, MixResult, mix_audio, segment
from .result import Stats

__all__ = ["AudioMixer"]


class AudioMixer:
    """Mixes every audible clip of `plan` and keeps the samples from `start_s` to `end_s`."""

    def __init__(self, plan: Plan, start_s: Any, end_s: Any, stats: Stats) -> None:
        self.plan, self.start_s, self.end_s, self.stats = plan, float(start_s), float(end_s), stats
        self.mix: MixResult | None = None
        self.warning: PageWarning | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="engine-audio", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with self.stats.timed("audio_mix"):
                sources = [AudioSource(clip, clip.source_duration or 0.0) for clip in self.plan.media_clips
                           if clip.audible]
                self.mix = mix_audio(sources, float(self.plan.duration))
        except BaseException as exc:  # raised by samples(), on the render's thread
            self._error = exc

    def join(self) -> None:
        self._thread.join()

    def samples(self) -> np.ndarray:
        """The mixed samples of the rendered span (planar stereo float32); raises the mix's error."""
        self.join()
        if self._error is not None:
            raise self._error
        assert self.mix is not None
        if self.mix.clipped and self.warning is None:
            self.warning = PageWarning(
                "audio-clipping", "the audio mix", f"it peaks at {self.mix.peak:.2f} (above full scale): "
                f"{self.mix.clipped} samples were clipped; lower some clips' data-volume")
            warnings.warn(f"{self.plan.source.name}: {self.warning}", RenderWarning, stacklevel=2)
        return segment(self.mix, self.start_s, self.end_s)
