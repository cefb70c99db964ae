"""Joining a distributed render's chunks into one file without re-encoding (PyAV remux).

Each chunk is a complete file encoded with the same settings (its own first frame a keyframe;
libx264/libx265 GOPs are closed, ProRes is intra-only), so its packets are copied into the
output's stream in order, their timestamps moved by the chunk's first frame: frame n of the
joined file is at n / fps, evenly spaced. Decode timestamps are moved by the largest reorder
delay of all the chunks, so that they keep rising across the joins. The audio, mixed once on the driver, is interleaved as
the chunks go in, and lasts exactly as long as the frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import JoinError
from ..media.audio_encode import AudioTrack, SampleReader
from ..output.video import CONTAINERS

__all__ = ["join_chunks", "JoinError"]


def _delay(path: Path) -> Fraction:
    """Seconds between a chunk's first presentation and its first decode time (its reorder delay)."""
    import av

    with av.open(str(path)) as source:
        video = source.streams.video[0]
        for packet in source.demux(video):
            if packet.pts is not None and packet.dts is not None and video.time_base is not None:
                return max(Fraction(0), (packet.pts - packet.dts) * video.time_base)
            break
    return Fraction(0)



def join_chunks(chunks: Sequence[Path], output_tmp: Path, suffix: str, fps: Fraction, frame_counts: Sequence[int],
                audio: SampleReader | None = None, sample_rate: int = 48000) -> int:
    """Write `chunks` (in order; chunk k holds `frame_counts[k]` frames) into `output_tmp`, with
    `audio` muxed beside them; returns the frames written."""
    import av

    delays = [_delay(path) for path in chunks]
    most = max(delays, default=Fraction(0))
    fmt = CONTAINERS[suffix.lower()]
    options = {"movflags": "+write_colr"} if fmt in ("mp4", "mov") else {}
    written = 0
    with av.open(str(output_tmp), "w", format=fmt, options=options) as out:
        stream: Any = None
        track: AudioTrack | None = None
        extradata: bytes | None = None
        for index, (path, count) in enumerate(zip(chunks, frame_counts, strict=True)):
            with av.open(str(path)) as source:
                video = source.streams.video[0]
                if stream is None:
                    stream = out.add_stream_from_template(video)
                    extradata = bytes(video.codec_context.extradata or b"")
                    if audio is not None:
                        track = AudioTrack(out, fmt, audio, sample_rate)
                elif bytes(video.codec_context.extradata or b"") != extradata:
                    raise JoinError(f"chunk {index} ({path.name}) was encoded with other stream headers than chunk 0; "
                                    "the chunks cannot be joined without re-encoding")
                assert video.time_base is not None
                shift = round(Fraction(written) / fps / video.time_base)
                # every chunk decoded with the largest reorder delay of them all, so decode times rise
                # across the joins (x264 uses B-frames, and so a delay, only where a chunk is long enough)
                later = round((most - delays[index]) / video.time_base)
                packets = 0
                for packet in source.demux(video):
                    if packet.size == 0:
                        continue
                    if packet.pts is not None:
                        packet.pts += shift
                    if packet.dts is not None:
                        packet.dts += shift - later
                    packet.stream = stream
                    out.mux(packet)
                    packets += 1
            if packets != count:
                raise JoinError(f"chunk {index} ({path.name}) holds {packets} frames; expected {count}")
            written += count
            if track is not None:
                track.write_until(track.target(written, fps))
        if track is not None:
            track.finish(track.target(written, fps))
    return written
