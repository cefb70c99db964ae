"""Serving a composition to Chromium and capturing frames into rgb48le buffers.

::

    from engine.capture import BrowserSession
    with BrowserSession("examples/showcase") as session:      # or a Plan
        frame = session.capture_frame(1.5)                     # uint16 (H, W, 3), rgb48le
        scene = session.capture_scene(2.0, "intro", out=buf)   # that scene alone
"""

from .frames import check_frame, decode_into, new_frame, widen
from .options import CAPTURE_FORMATS, CaptureOptions
from .router import ORIGIN, AssetRouter, BlockedRequestWarning
from .sandbox import PathRefusedError, map_url, resolve_in_root
from .session import CHROMIUM_FLAGS, BrowserSession, MissingAssetError, PageScriptError, SettleTimeoutError, load_plan

__all__ = [
    "BrowserSession", "load_plan", "CaptureOptions", "CAPTURE_FORMATS", "CHROMIUM_FLAGS",
    "AssetRouter", "ORIGIN", "BlockedRequestWarning",
    "PathRefusedError", "PageScriptError", "SettleTimeoutError", "MissingAssetError",
    "resolve_in_root", "map_url", "new_frame", "check_frame", "widen", "decode_into",
]
