"""Animated GIF in two passes, as ffmpeg's palettegen/paletteuse do it well: every frame feeds a
palette (256 colours chosen from the whole animation) and is kept losslessly (FFV1, in a temporary
file beside the output); at `finish` each kept frame is mapped onto that palette (dithered) and
encoded. GIF frame delays are hundredths of a second: frame i is shown from round(100 i / fps)
cs, so a 30 fps animation alternates 3 and 4 cs delays and keeps its duration exactly. Browsers
slow delays under 2 cs down to 10 cs, so a GIF is at most 50 fps (`check_gif_fps`).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from ..caller import given
from ..errors import ConfigError
from .formats import CODECS, make_folders, remove_folders

__all__ = ["GifSink", "GIF_MAX_FPS", "check_gif_fps"]

GIF_MAX_FPS = 50
_CS = Fraction(1, 100)


def check_gif_fps(fps: Fraction) -> None:
    """ConfigError when `fps` is more than a GIF can show."""
    if fps > GIF_MAX_FPS:
        raise ConfigError(f"a GIF plays at most {GIF_MAX_FPS} fps (browsers show frames shorter than 2/100 s "
                          f"for 1/10 s); the composition is {float(fps):g} fps: pass {given('fps', GIF_MAX_FPS)} or lower")


def _drain(sink: Any) -> list[Any]:
    import av

    frames = []
    while True:
        try:
            frames.append(sink.pull())
        except (av.BlockingIOError, av.EOFError):
            return frames


class GifSink:
    """Writes the GIF `tmp` (renamed onto the output by the `Encoder`); `keep` is the temporary
    lossless file of the first pass."""

    swscale_white = False  # 16-bit RGB written as it is

    def __init__(self, tmp: Path, keep: Path, quality: str, width: int, height: int, fps: Fraction) -> None:
        import av
        import av.filter

        check_gif_fps(fps)
        self.tmp, self.keep, self.fps = tmp, keep, fps
        self.width, self.height = width, height
        self._options = CODECS["gif"].options[quality]
        graph: Any = av.filter.Graph()
        self._graph = graph
        self._source = graph.add_buffer(width=width, height=height, format="rgb24", time_base=1 / fps)
        palettegen = graph.add("palettegen", f"stats_mode={self._options['stats_mode']}")
        self._palette_sink = graph.add("buffersink")
        self._source.link_to(palettegen)
        palettegen.link_to(self._palette_sink)
        graph.configure()
        self._made = make_folders(tmp)  # the output's folder, if missing (removed again by `discard`)
        try:
            self._kept: Any = av.open(str(keep), "w", format="matroska")
        except BaseException:
            remove_folders(self._made)
            raise
        stream: Any = self._kept.add_stream("ffv1", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "bgr0"
        stream.options = {"level": "3", "slices": "4"}
        self._kept_stream = stream

    def encode(self, video: Any, count: int) -> None:
        rgb = video.reformat(format="rgb24")
        rgb.pts, rgb.time_base = count, 1 / self.fps
        self._source.push(rgb)
        for packet in self._kept_stream.encode(rgb):
            self._kept.mux(packet)

    def finish(self, frames: int) -> None:
        import av
        import av.filter

        for packet in self._kept_stream.encode(None):
            self._kept.mux(packet)
        self._kept.close()
        self._source.push(None)
        palette = _drain(self._palette_sink)[0]
        graph: Any = av.filter.Graph()
        source = graph.add_buffer(width=self.width, height=self.height, format="rgb24", time_base=1 / self.fps)
        palette_source = graph.add_buffer(width=palette.width, height=palette.height, format=palette.format.name,
                                          time_base=1 / self.fps)
        paletteuse = graph.add("paletteuse", f"dither={self._options['dither']}")
        sink = graph.add("buffersink")
        source.link_to(paletteuse, 0, 0)
        palette_source.link_to(paletteuse, 0, 1)
        paletteuse.link_to(sink)
        graph.configure()
        palette.pts = 0
        palette_source.push(palette)
        palette_source.push(None)
        with av.open(str(self.tmp), "w", format="gif") as out:
            stream: Any = out.add_stream("gif", rate=self.fps)
            stream.width, stream.height, stream.pix_fmt = self.width, self.height, "pal8"
            stream.time_base = _CS
            count = 0

            def write(mapped: list[Any]) -> None:
                nonlocal count
                for frame in mapped:
                    frame.pts, frame.time_base = round(count / self.fps / _CS), _CS
                    count += 1
                    for packet in stream.encode(frame):
                        out.mux(packet)

            with av.open(str(self.keep)) as kept:
                for index, frame in enumerate(kept.decode(video=0)):
                    rgb = frame.reformat(format="rgb24")
                    rgb.pts, rgb.time_base = index, 1 / self.fps
                    source.push(rgb)
                    write(_drain(sink))
            source.push(None)
            write(_drain(sink))
            for packet in stream.encode(None):
                out.mux(packet)
        self.keep.unlink(missing_ok=True)

    def discard(self) -> None:
        try:
            self._kept.close()
        except Exception:  # noqa: BLE001 - the file is deleted next
            pass
        self.keep.unlink(missing_ok=True)
        self.tmp.unlink(missing_ok=True)
        remove_folders(self._made)
