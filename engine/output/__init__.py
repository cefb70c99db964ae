"""The encode stage: `encoder` (`Encoder`: frames fed in order, encoded on a thread of its own) and
what it writes: `formats` (codecs, the codec an extension implies, output checks), `video`
(video files through PyAV, with audio), `gif` (two-pass animated GIF) and `images` (one still
PNG, or a numbered PNG sequence)."""

from .formats import CODEC_CHOICES, CODECS, QUALITIES, OutputTarget, resolve_codec, resolve_output

__all__ = ["CODECS", "CODEC_CHOICES", "QUALITIES", "OutputTarget", "resolve_codec", "resolve_output"]
