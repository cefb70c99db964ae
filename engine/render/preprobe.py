"""The media a composition's HTML names, probed before any browser starts.

A ``<video src>`` or ``<audio src>`` (or its first ``<source src>``) written in the HTML is
checked exactly as the lint checks it (`engine.lint.files.media_problems`: the census rules,
the file server's path rules and the PyAV probe), so a corrupt, unsupported or refused file is
bad input within about a second, named with its file and line, instead of after the browsers
started. Media that page scripts create are found later, from the loaded page, as before.
The probe's results are cached (`engine.media.probe`), so the render does not decode the
files' first frames twice.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import MediaError

__all__ = ["preprobe_media"]


def preprobe_media(composition: str | os.PathLike[str], capture: Mapping[str, Any] | None = None) -> None:
    """Raise `MediaError` (``index.html:12: <video id="a" src="a.mp4">: ...``) for the first media
    element of the composition's HTML that the render would refuse; `capture`: the render's
    capture options (``url_map`` and ``allow_network`` decide where a URL is read from)."""
    from ..capture.router import AssetRouter
    from ..capture.sandbox import normalize_url_map
    from ..composition.lint import ERROR
    from ..composition.source import read_static, resolve_source
    from ..lint import shown_path
    from ..lint.files import annotate, media_problems

    capture = capture or {}
    html_file, root = resolve_source(Path(composition))
    raw = read_static(html_file)
    if not raw.get("media"):
        return
    raw = annotate(raw, html_file.read_text(encoding="utf-8"))
    router = AssetRouter(root, normalize_url_map(capture.get("url_map")), bool(capture.get("allow_network")))
    file = shown_path(html_file)
    errors = [p for p in media_problems(raw, html_file, router, file) if p.severity == ERROR]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more media error(s): python -m engine.lint lists them all)" \
            if len(errors) > 1 else ""
        raise MediaError(f"{first.message}{more}", file=first.file, line=first.line)
