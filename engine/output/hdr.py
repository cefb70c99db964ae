"""HDR outputs: which codecs hold HDR, the stream tags (BT.2020 primaries, BT.2020 non-constant
luminance matrix, the PQ or HLG transfer) and, for PQ, the HDR10 static metadata each encoder
takes; and a reader of that metadata from decoded frames (`frame_hdr_metadata`), for checks.

The static metadata is fixed, as for most HDR10 masters whose grade is not measured: a mastering
display of P3-D65 primaries at 1000 nits peak and 0.0001 nits black, and a content light level of
MaxCLL 1000 / MaxFALL 400 nits.
"""

from __future__ import annotations

import struct
from typing import Any

__all__ = ["HDR_CODECS", "HDR_AUTO", "BT2020", "BT2020_NCL", "TRC", "MASTERING_DISPLAY", "MASTERING_NITS",
           "CONTENT_LIGHT",
           "hdr_options", "frame_hdr_metadata"]

#: The codecs that write HDR, with the bits they keep.
HDR_CODECS: dict[str, str] = {"hevc": "HEVC Main 10", "prores": "ProRes 4444", "av1": "AV1 10-bit"}
#: What ``codec="auto"`` picks for an HDR render, by extension.
HDR_AUTO = {".mp4": "hevc", ".mkv": "hevc", ".mov": "prores", ".webm": "av1"}
#: FFmpeg's (H.273) codes: primaries and matrix BT.2020 (non-constant luminance), transfers.
BT2020, BT2020_NCL = 9, 9
TRC = {"pq": 16, "hlg": 18}
_X265_TRANSFER = {"pq": "smpte2084", "hlg": "arib-std-b67"}

#: Mastering display: (x, y) of green, blue, red and the white point (P3-D65); max and min luminance in nits.
MASTERING_DISPLAY: dict[str, tuple[float, float]] = {"green": (0.265, 0.690), "blue": (0.150, 0.060),
                                                     "red": (0.680, 0.320), "white": (0.3127, 0.3290)}
MASTERING_NITS = (1000.0, 0.0001)
#: Content light level: MaxCLL and MaxFALL in nits.
CONTENT_LIGHT = (1000, 400)
_ORDER = (("G", "green"), ("B", "blue"), ("R", "red"), ("WP", "white"))


def _x265_master_display() -> str:
    """x265's ``master-display``: chromaticities in 0.00002 units, luminance in 0.0001 nits."""
    d = MASTERING_DISPLAY
    xy = "".join(f"{key}({round(d[name][0] / 0.00002)},{round(d[name][1] / 0.00002)})" for key, name in _ORDER)
    return f"{xy}L({round(MASTERING_NITS[0] * 10000)},{round(MASTERING_NITS[1] * 10000)})"


def _svt_master_display() -> str:
    """SVT-AV1's ``mastering-display``: chromaticities and nits as decimals."""
    d = MASTERING_DISPLAY
    xy = "".join(f"{key}({d[name][0]:g},{d[name][1]:g})" for key, name in _ORDER)
    return f"{xy}L({MASTERING_NITS[0]:g},{MASTERING_NITS[1]:g})"


def hdr_options(codec: str, transfer: str, options: dict[str, str]) -> dict[str, str]:
    """The encoder `options` of `codec` with what an HDR `transfer` (``pq``/``hlg``) output adds:
    x265's VUI colour tags (and for PQ its mastering-display and max-cll SEI), SVT-AV1's
    mastering-display and content-light for PQ. ProRes takes its tags from the stream alone."""
    out = dict(options)
    cll = f"{CONTENT_LIGHT[0]},{CONTENT_LIGHT[1]}"
    if codec == "hevc":
        params = [p for p in out.get("x265-params", "").split(":") if p]
        params += ["colorprim=bt2020", f"transfer={_X265_TRANSFER[transfer]}", "colormatrix=bt2020nc"]
        if transfer == "pq":
            params += ["hdr10=1", f"master-display={_x265_master_display()}", f"max-cll={cll}"]
        out["x265-params"] = ":".join(params)
    elif codec == "av1" and transfer == "pq":
        params = [p for p in out.get("svtav1-params", "").split(":") if p]
        params += [f"mastering-display={_svt_master_display()}", f"content-light={cll}"]
        out["svtav1-params"] = ":".join(params)
    return out


def frame_hdr_metadata(frame: Any) -> dict[str, Any]:
    """The HDR10 side data of a decoded `av.VideoFrame`: ``mastering_display`` (the primaries'
    and white point's (x, y), ``max_nits``, ``min_nits``) and ``content_light`` ((MaxCLL,
    MaxFALL)), each present only where the frame carries it."""
    found: dict[str, Any] = {}
    container = frame.side_data
    for item in container:
        # iterating gives the side data up to PyAV 18.1.0, their types (the container's keys) from 18.1.1
        side = item if hasattr(item, "type") else container[item]
        kind = getattr(side.type, "name", str(side.type))
        raw = bytes(memoryview(side))
        if kind == "MASTERING_DISPLAY_METADATA" and len(raw) >= 88:
            # AVMasteringDisplayMetadata: 10 AVRationals (r, g, b primaries, white point, min, max), two flags
            values = struct.unpack("<20i2i", raw[:88])
            ratio = [values[i] / values[i + 1] if values[i + 1] else 0.0 for i in range(0, 20, 2)]
            found["mastering_display"] = {
                "red": tuple(ratio[0:2]), "green": tuple(ratio[2:4]), "blue": tuple(ratio[4:6]),
                "white": tuple(ratio[6:8]), "min_nits": ratio[8], "max_nits": ratio[9]}
        elif kind == "CONTENT_LIGHT_LEVEL" and len(raw) >= 8:
            found["content_light"] = struct.unpack("<2I", raw[:8])
    return found
