"""The CDN URLs a composition references, found statically (no browser).

From the composition's HTML file, every jsDelivr/unpkg npm URL in its text (``<script src>``,
``<link href>``, ``import ... from '...'``, ``import('...')``, CSS ``@import``/``url()``), then
the same in every local file it references that can hold more (sub-compositions'
``data-composition-src``, scripts, stylesheets, ES-module imports), inside its folder only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .urls import parse_cdn_url

__all__ = ["Found", "composition_file", "scan"]

_CDN = re.compile(r"""(?:https?:)?//(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/[^\s"'`<>()\\]+""", re.I)
_LOCAL = [
    re.compile(r"""\b(?:src|href|data-composition-src)\s*=\s*["']([^"']+)["']""", re.I),
    re.compile(r"""\b(?:import|export)\b[^'";]*?\bfrom\s*["']([^"']+)["']"""),
    re.compile(r"""\bimport\s*(?:\(\s*)?["']([^"']+)["']"""),
    re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""", re.I),
]
_SCANNED = {".html", ".htm", ".js", ".mjs", ".css"}
_MAX_BYTES = 20 * 1024 * 1024  # a bigger file is a bundle or data, not markup that loads libraries


@dataclass(frozen=True)
class Found:
    """CDN `url` referenced by `file` (relative to the composition's folder)."""

    url: str
    file: str


def composition_file(path: str | Path) -> Path:
    """The HTML file of composition `path` (a folder holding index.html, or an HTML file);
    FileNotFoundError naming what was expected."""
    path = Path(path)
    if path.is_dir():
        path = path / "index.html"
        if not path.is_file():
            raise FileNotFoundError(f"{path.parent}: no index.html in the folder; expected a composition folder "
                                    "or its HTML file")
    elif not path.is_file():
        raise FileNotFoundError(f"{path}: no such file or folder; expected a composition folder or its HTML file")
    return path.resolve()


def _local(ref: str, file: Path, root: Path) -> Path | None:
    """The file inside `root` that local reference `ref` of `file` names, if it is one to scan."""
    ref = ref.strip()
    parts = urlsplit(ref)
    if parts.scheme or ref.startswith(("//", "#")) or not parts.path:
        return None
    path = unquote(parts.path)
    target = (root / path.lstrip("/")) if path.startswith("/") else (file.parent / path)
    target = target.resolve()
    if target.suffix.lower() not in _SCANNED or (target != root and root not in target.parents):
        return None
    return target if target.is_file() else None


def scan(path: str | Path) -> list[Found]:
    """Every CDN URL the composition at `path` references, each once (first file that names it)."""
    html = composition_file(path)
    root = html.parent
    queue, seen = [html], {html}
    found: dict[str, Found] = {}
    while queue:
        file = queue.pop(0)
        try:
            if file.stat().st_size > _MAX_BYTES:
                continue
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        where = file.relative_to(root).as_posix()
        for match in _CDN.finditer(text):
            url = match.group(0).rstrip(".,;:")
            url = "https:" + url if url.startswith("//") else url
            if parse_cdn_url(url) is not None:  # an npm package URL (not unpkg's /browse/...)
                found.setdefault(url, Found(url, where))
        for pattern in _LOCAL:
            for match in pattern.finditer(text):
                target = _local(match.group(1), file, root)
                if target is not None and target not in seen:
                    seen.add(target)
                    queue.append(target)
    return list(found.values())
