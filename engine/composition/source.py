"""Reading a composition's HTML without a browser: the path rules and a static element census.

`resolve_source` turns a path (an ``.html`` file, or a folder holding ``index.html``) into the
file and its folder. `read_static` parses the file with `html.parser` into the same *raw
census* that the page runtime's ``describe()`` returns from the loaded DOM, so one validator
(`validate.build_plan`) serves both: the static census gives fast, clear errors before any
browser starts; the loaded page adds what scripts create (``window.__hf.transitions``).

A raw census is a dict: ``root``, ``clips``, ``scenes``, ``html_transitions``, ``media``:
elements as ``{"tag", "index", "attrs", "line"}`` (`line` only when parsed statically),
``document``: the ``<html>`` element (where HyperFrames declares variables; statically only), and
``js_transitions``: the page's ``window.__hf.transitions`` (None when not known yet).
Asset references (``src``/``href`` of script, link, img, video, audio, source, and the
``data-composition-src`` of sub-composition hosts) are listed too.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import CompositionError

__all__ = ["resolve_source", "read_static", "local_asset_refs", "local_asset_targets", "TRANSITION_TAG"]

#: The element of this engine's declarative transition form.
TRANSITION_TAG = "hf-transition"
_MEDIA_TAGS = {"video", "audio"}
_ASSET_ATTRS = {"script": "src", "img": "src", "video": "src", "audio": "src", "source": "src", "link": "href"}


def resolve_source(path: str | Path) -> tuple[Path, Path]:
    """(html file, its folder) for `path`: an ``.html``/``.htm`` file or a folder with ``index.html``."""
    p = Path(path).expanduser()
    if p.is_dir():
        index = p / "index.html"
        if not index.is_file():
            raise CompositionError(f"composition folder {str(p)!r} holds no index.html")
        p = index
    elif not p.exists():
        raise CompositionError(f"composition {str(p)!r} does not exist; expected an .html file or a folder with index.html")
    elif p.suffix.lower() not in (".html", ".htm"):
        raise CompositionError(f"composition {str(p)!r} is not an .html file (or a folder with index.html)")
    p = p.resolve()
    return p, p.parent


class _Census(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.index = 0
        self.raw: dict[str, Any] = {"root": None, "document": None, "clips": [], "scenes": [], "html_transitions": [],
                                    "media": [], "assets": [], "js_transitions": None, "scripts": 0}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        amap = {name.lower(): (value if value is not None else "") for name, value in attrs}
        element = {"tag": tag, "index": self.index, "attrs": amap, "line": self.getpos()[0]}
        self.index += 1
        classes = amap.get("class", "").split()
        if tag == "html" and self.raw["document"] is None:
            self.raw["document"] = element
        if self.raw["root"] is None and "data-composition-id" in amap:
            self.raw["root"] = element
        if "clip" in classes:
            self.raw["clips"].append(element)
        if "scene" in classes:
            self.raw["scenes"].append(element)
        if tag == TRANSITION_TAG:
            self.raw["html_transitions"].append(element)
        if tag in _MEDIA_TAGS:
            self.raw["media"].append(element)
        if tag == "script":
            self.raw["scripts"] += 1
        if amap.get("data-composition-src"):  # a sub-composition's file, from the project root
            self.raw["assets"].append({"tag": tag, "attr": "data-composition-src", "url": amap["data-composition-src"],
                                       "line": element["line"]})
        attr = _ASSET_ATTRS.get(tag)
        if attr and amap.get(attr) and not (tag == "link" and "stylesheet" not in amap.get("rel", "").lower()
                                            and "preload" not in amap.get("rel", "").lower()):
            self.raw["assets"].append({"tag": tag, "attr": attr, "url": amap[attr], "line": element["line"],
                                       "id": amap.get("id")})

    handle_startendtag = handle_starttag


def read_static(html_file: Path) -> dict[str, Any]:
    """The raw census of `html_file`, parsed statically."""
    try:
        text = html_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CompositionError(f"{html_file}: not UTF-8 text ({exc})") from None
    except OSError as exc:
        raise CompositionError(f"{html_file}: cannot be read ({exc.strerror})") from None
    parser = _Census()
    parser.feed(text)
    parser.close()
    return parser.raw


def local_asset_refs(raw: dict[str, Any], html_file: Path) -> list[tuple[str, Path]]:
    """(description, resolved path) of each relative asset reference in the census.

    URLs with a scheme (``https:``, ``data:``...), protocol-relative and fragment-only ones are
    skipped; the file server decides about those at load time.
    """
    return [(where, target) for _, where, target in local_asset_targets(raw, html_file)]


def local_asset_targets(raw: dict[str, Any], html_file: Path) -> list[tuple[dict[str, Any], str, Path]]:
    """`local_asset_refs` with each reference's census entry first (its ``line``, ``url``...)."""
    out = []
    for ref in raw.get("assets", []):
        url = ref["url"].strip()
        parts = urlsplit(url)
        if not url or parts.scheme or parts.netloc or url.startswith(("#", "//")) or not parts.path:
            continue
        rel = unquote(parts.path)
        target = (html_file.parent / rel.lstrip("/")) if rel.startswith("/") else (html_file.parent / rel)
        ident = f" id={ref['id']!r}" if ref.get("id") else ""
        where = f"{html_file.name}:{ref['line']}: <{ref['tag']}{ident} {ref['attr']}={url!r}>"
        out.append((ref, where, target))
    return out
