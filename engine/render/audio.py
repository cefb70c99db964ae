"""The render's sound: its clips mixed once (not per worker), block by block as the encoder writes
(`engine.media.mixer.MixStream`: memory stays flat however long the render), from the first
rendered frame's time on. A mix that went above full scale is a warning once the video is done.
The summary reports the mix's integrated loudness (LUFS, BS.1770) and true peak (dBTP), as encoded
(after clipping); None for a silent mix or one shorter than 0.4 s.
"""

from __future__ import annotations

import warnings
from typing import Any

from ..capture.fidelity import PageWarning
from ..composition.plan import Plan
from ..errors import RenderWarning
from ..media.audio_decode import AudioSource
from ..media.mixer import MixStream

__all__ = ["RenderAudio"]


class RenderAudio:
    """The audible clips of `plan`, mixed from composition time `start_s` on (see `stream`)."""

    def __init__(self, plan: Plan, start_s: Any) -> None:
        self.plan = plan
        sources = [AudioSource(clip, clip.source_duration or 0.0) for clip in plan.media_clips if clip.audible]
        self.stream = MixStream(sources, float(plan.duration), start_s=float(start_s))
        self.warning: PageWarning | None = None

    def check(self) -> None:
        """After the encoder finished: warn (once) if the mix clipped."""
        if self.stream.clipped and self.warning is None:
            self.warning = PageWarning(
                "audio-clipping", "the audio mix", f"it peaks at {self.stream.peak:.2f} (above full scale): "
                f"{self.stream.clipped} samples were clipped; lower some clips' data-volume")
            warnings.warn(f"{self.plan.source.name}: {self.warning}", RenderWarning, stacklevel=2)

    def summary(self) -> dict[str, Any]:
        loudness, true_peak = self.stream.loudness.integrated, self.stream.loudness.true_peak
        return {"clips": self.stream.clips, "peak": round(float(self.stream.peak), 4), "clipped": self.stream.clipped,
                "loudness_lufs": None if loudness is None else round(loudness, 2),
                "true_peak_dbtp": None if true_peak is None else round(true_peak, 2)}

    def close(self) -> None:
        self.stream.close()
