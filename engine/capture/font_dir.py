"""A local font folder (``--fonts DIR``): the font files a composition's Google Fonts links (or any
``font-family``) name, served from this machine so the render stays offline and deterministic.

Every ``.woff2``, ``.woff``, ``.ttf`` and ``.otf`` below the folder is indexed by what the file
says of itself (fontTools reads its ``name`` and ``OS/2`` tables): its family (the typographic
family, name ID 16, else ID 1), weight (``usWeightClass``) and style (italic or normal), so
any layout works: Google's download zips, fontsource packages, a flat folder. The page runtime
(``fonts.js``) then gives every family the page names that the folder holds ``@font-face`` rules
for all of the family's files (before HyperFrames' bundled aliases; the page's own
``@font-face`` rules still come first), and a stylesheet request to ``fonts.googleapis.com`` is
answered with an empty stylesheet when the folder holds every family it asks for. A family it
asks for that the folder lacks stays a blocked request (a warning naming the family).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..errors import ConfigError

__all__ = ["FONT_DIR_PREFIX", "FontFace", "index_font_dir", "check_font_dir", "google_fonts_families",
           "is_google_fonts_css", "runtime_faces"]

#: Where the page finds the folder's files (served by `AssetRouter`).
FONT_DIR_PREFIX = "/__engine/font-dir/"
_EXTENSIONS = {".woff2": "woff2", ".woff": "woff", ".ttf": "truetype", ".otf": "opentype"}
_GOOGLE_CSS_HOSTS = ("fonts.googleapis.com",)


@dataclass(frozen=True)
class FontFace:
    """One font file of the folder: its family, weight, style, path relative to the folder, format."""

    family: str
    weight: int
    style: str
    path: str
    format: str


def _read_face(path: Path, root: Path) -> FontFace:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(str(path), lazy=True, fontNumber=0)
        names = font["name"]
        family = names.getDebugName(16) or names.getDebugName(1)
        os2 = font["OS/2"] if "OS/2" in font else None
        weight = int(os2.usWeightClass) if os2 is not None else 400
        italic = bool(os2.fsSelection & 1) if os2 is not None else bool(font["head"].macStyle & 2)
        font.close()
    except (TTLibError, KeyError, OSError, AssertionError, ValueError) as exc:
        raise ConfigError(f"--fonts: {path} is not a font file fontTools can read ({exc})") from None
    if not family:
        raise ConfigError(f"--fonts: {path} names no font family (its name table has no ID 1 or 16)")
    return FontFace(family.strip(), min(max(weight, 1), 1000), "italic" if italic else "normal",
                    path.relative_to(root).as_posix(), _EXTENSIONS[path.suffix.lower()])


@functools.lru_cache(maxsize=8)
def _index(root: str, stamp: tuple[tuple[str, float], ...]) -> dict[str, tuple[FontFace, ...]]:
    faces: dict[str, list[FontFace]] = {}
    for name, _ in stamp:
        face = _read_face(Path(root) / name, Path(root))
        faces.setdefault(face.family.lower(), []).append(face)
    return {family: tuple(sorted(found, key=lambda f: (f.weight, f.style, f.path))) for family, found in faces.items()}


def check_font_dir(value: str | os.PathLike[str]) -> Path:
    """`value` as a folder that holds at least one font file (ConfigError otherwise)."""
    folder = Path(value).expanduser()
    if not folder.is_dir():
        raise ConfigError(f"--fonts {str(value)!r} is not a folder; expected a folder of .woff2, .woff, .ttf or "
                          ".otf files")
    if not any(p.suffix.lower() in _EXTENSIONS for p in folder.rglob("*") if p.is_file()):
        raise ConfigError(f"--fonts {str(value)!r} holds no font file (.woff2, .woff, .ttf or .otf)")
    return folder.resolve()


def index_font_dir(folder: Path) -> dict[str, tuple[FontFace, ...]]:
    """Lower-cased family -> its faces, for every font file below `folder` (re-read when a file changes)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in _EXTENSIONS)
    stamp = tuple((p.relative_to(folder).as_posix(), p.stat().st_mtime) for p in files)
    return _index(str(folder), stamp)


def runtime_faces(folder: Path | None) -> dict[str, list[dict[str, Any]]]:
    """What ``fonts.js`` needs: lower-cased family -> [{url, weight, style, format}]."""
    if folder is None:
        return {}
    return {family: [{"url": FONT_DIR_PREFIX + face.path, "weight": face.weight, "style": face.style,
                      "format": face.format} for face in faces]
            for family, faces in index_font_dir(folder).items()}


def is_google_fonts_css(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc in _GOOGLE_CSS_HOSTS and parts.path in ("/css", "/css2")


def google_fonts_families(url: str) -> list[str]:
    """The families a Google Fonts stylesheet URL asks for: ``css2?family=Inter:wght@400;700&family=Roboto+Mono``
    and the older ``css?family=Inter:400,700|Roboto``."""
    out: list[str] = []
    for value in parse_qs(urlsplit(url).query).get("family", []):
        for entry in value.split("|"):
            name = entry.split(":", 1)[0].replace("+", " ").strip()
            if name and name not in out:
                out.append(name)
    return out
