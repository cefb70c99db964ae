"""Video frames as picture files for the page: BMP (exact) or JPEG (small, at the capture's quality).

The page fetches every new frame of every video on screen, so their size matters: a 1080p BMP is
6 MB (Chromium takes 50-70 ms to fetch and decode it from loopback), a JPEG at the capture's own
quality about 0.5 MB (a few ms). A frame is never made lossier than the capture that will carry
it: PNG captures (exact) get BMP frames, JPEG captures JPEG frames of the same quality.
"""

from __future__ import annotations

import struct

import numpy as np

__all__ = ["bmp_header", "bmp_bytes", "narrow", "JpegWriter", "BmpWriter", "picture_writer", "content_type"]


def bmp_header(width: int, height: int) -> bytes:
    """The 54-byte header of a top-down 24-bit BMP of that size (rows padded to 4 bytes)."""
    row = (width * 3 + 3) & ~3
    size = row * height
    return (b"BM" + struct.pack("<IHHI", 54 + size, 0, 0, 54)
            + struct.pack("<IiiHHIIiiII", 40, width, -height, 1, 24, 0, size, 2835, 2835, 0, 0))


def bmp_bytes(bgr: np.ndarray) -> bytes:
    """A BMP file of `bgr` (uint8, (height, width, 3), blue first: BMP's byte order)."""
    height, width = bgr.shape[:2]
    row = (width * 3 + 3) & ~3
    if row == width * 3 and bgr.flags.c_contiguous:
        return bmp_header(width, height) + bgr.data.cast("B")
    padded = np.zeros((height, row), np.uint8)
    padded[:, :width * 3] = bgr.reshape(height, width * 3)
    return bmp_header(width, height) + padded.data.cast("B")


def narrow(rgb: np.ndarray) -> np.ndarray:
    """uint16 pixels to uint8 (round(v / 257)); uint8 pixels as they are."""
    if rgb.dtype == np.uint8:
        return rgb
    return ((rgb.astype(np.uint32) + 128) // 257).astype(np.uint8)


class JpegWriter:
    """RGB frames (uint8, or uint16 narrowed) to baseline JPEG (4:2:0) of the capture's quality, by libjpeg-turbo
    (simplejpeg: about 10 ms for 1080p, with the GIL released)."""

    accurate = False  # swscale's fast YUV to RGB: its 2-3 levels are well inside JPEG's own error

    def __init__(self, quality: int) -> None:
        self.quality = quality

    def __call__(self, rgb: np.ndarray) -> bytes:
        import simplejpeg

        return bytes(simplejpeg.encode_jpeg(np.ascontiguousarray(narrow(rgb)), quality=self.quality, colorspace="RGB",
                                            colorsubsampling="420", fastdct=True))


class BmpWriter:
    """RGB frames (uint8, or uint16 narrowed) to BMP (whose byte order is blue first)."""

    accurate = True  # exact: BMP frames go to exact (PNG) captures

    def __call__(self, rgb: np.ndarray) -> bytes:
        return bmp_bytes(np.ascontiguousarray(narrow(rgb)[..., ::-1]))


def picture_writer(capture_format: str, jpeg_quality: int) -> BmpWriter | JpegWriter:
    """The writer that matches a capture format (``png``: BMP, exact; ``jpeg``: JPEG of its quality)."""
    return JpegWriter(jpeg_quality) if capture_format == "jpeg" else BmpWriter()


def content_type(data: bytes) -> str:
    return "image/jpeg" if data[:2] == b"\xff\xd8" else "image/bmp"
