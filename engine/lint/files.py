"""The lint's file checks: assets that are missing or outside the folder, and media that does not probe.

Each check calls the code the render runs on the same input, so an error here is one the
render refuses: the static asset check (`engine.composition.reader.check_assets`), the file
server's path rules (`AssetRouter.local_path`, i.e. `sandbox.resolve_in_root` and `map_url`),
the media census (`engine.media.census.clips_from_census`), the audio groups' parser
(`engine.media.groups.parse_group`) and the probe (`engine.media.census.probe_clips`, PyAV). `annotate` (pure) adds to the static census what
only the lint needs: which elements lie inside a nested composition, and the ``<source src>``
of a ``<video>``/``<audio>`` without a ``src``.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from ..capture.router import AssetRouter
from ..capture.sandbox import PathRefusedError, map_url
from ..composition.checks import Checks
from ..composition.lint import ERROR, WARNING, Problem, from_findings, is_remote
from ..composition.reader import check_assets
from ..composition.source import local_asset_targets
from ..errors import CompositionError, MediaError
from ..media.census import clips_from_census, fx_notes, hdr_notes, probe_clips
from ..media.groups import parse_group

__all__ = ["annotate", "asset_problems", "group_problems", "media_problems"]

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})


class _Nesting(HTMLParser):
    """Counts start tags exactly as the census does (so indexes match) while keeping the open elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.index = 0
        self.open: list[tuple[str, bool, int]] = []  # (tag, is a composition, index)
        self.nested: set[int] = set()
        self.sources: dict[int, str] = {}
        self.groups: list[dict[str, Any]] = []  # <hf-audio-group> elements, as the census lists media

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        amap = {name.lower(): (value or "") for name, value in attrs}
        index, self.index = self.index, self.index + 1
        if sum(1 for _, composition, _ in self.open if composition) >= 2:
            self.nested.add(index)  # inside a composition inside the root: its times count from that one's start
        if tag == "hf-audio-group":
            self.groups.append({"tag": tag, "index": index, "attrs": amap, "line": self.getpos()[0]})
        if tag == "source" and amap.get("src"):
            holder = next((i for t, _, i in reversed(self.open) if t in ("video", "audio")), None)
            if holder is not None:
                self.sources.setdefault(holder, amap["src"])
        if not closed and tag not in _VOID:
            self.open.append((tag, "data-composition-id" in amap, index))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return


def annotate(raw: dict[str, Any], text: str) -> dict[str, Any]:
    """A copy of the census `raw` (of the HTML `text`) whose clips and media carry ``nested``
    (inside a nested composition) and media ``source`` (their first ``<source src>``), with
    ``audio_groups``: the ``<hf-audio-group>`` elements."""
    parser = _Nesting()
    parser.feed(text)
    parser.close()

    def mark(element: dict[str, Any]) -> dict[str, Any]:
        extra: dict[str, Any] = {"nested": element["index"] in parser.nested}
        if element["index"] in parser.sources:
            extra["source"] = parser.sources[element["index"]]
        return {**element, **extra}

    return {**raw, "clips": [mark(e) for e in raw.get("clips", [])], "media": [mark(e) for e in raw.get("media", [])],
            "audio_groups": parser.groups}


def _ref(ref: dict[str, Any]) -> str:
    ident = f" id={ref['id']!r}" if ref.get("id") else ""
    return f"<{ref.get('tag')}{ident} {ref.get('attr')}={str(ref.get('url', '')).strip()!r}>"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def asset_problems(raw: dict[str, Any], html_file: Path, router: AssetRouter, file: str) -> list[Problem]:
    """Local references that do not exist (the render's static check), that the file server
    refuses or that lie outside the folder, and mapped (``--map-url``) references whose file is missing."""
    checks = Checks(collect=True)
    check_assets(raw, html_file, checks)
    out = from_findings(checks.found, html_file, file)
    page, root = router.url_for(html_file), router.root
    for ref, _, target in local_asset_targets(raw, html_file):
        line = ref.get("line")
        try:
            served = router.local_path(urljoin(page, ref["url"].strip()))
        except PathRefusedError as exc:
            out.append(Problem(file, line, ERROR, "asset-outside", f"{_ref(ref)}: {exc}"))
            continue
        real = target.resolve()
        if not target.exists() or real == root or root in real.parents:
            continue  # missing (the check above), or inside
        if served is None or not served.is_file():
            out.append(Problem(file, line, ERROR, "asset-outside",
                               f"{_ref(ref)}: {real} is outside the composition folder {root}; the page reads only "
                               f"files inside it (it asks for {_relative(served, root) if served else 'another origin'}, "
                               "which does not exist)"))
        else:
            out.append(Problem(file, line, WARNING, "asset-outside",
                               f"{_ref(ref)}: {real} is outside the composition folder {root}; the page reads only "
                               f"files inside it and gets {_relative(served, root)} instead"))
    for ref in raw.get("assets", []):
        url = str(ref.get("url", "")).strip()
        if not is_remote(url) or map_url(url, router.url_map) is None:
            continue
        try:
            mapped = router.local_path(url)
        except PathRefusedError as exc:
            out.append(Problem(file, ref.get("line"), ERROR, "asset-outside", f"{_ref(ref)}: {exc}"))
            continue
        if mapped is not None and not mapped.is_file():
            out.append(Problem(file, ref.get("line"), ERROR, "asset-missing",
                               f"{_ref(ref)}: mapped to {mapped} (--map-url), which does not exist"))
    return out


def _describe_media(tag: str, attrs: dict[str, str], src: str) -> str:
    """``<video id="intro" src="a.mp4">``, as the page runtime names media elements (media.js)."""
    text = f"<{tag}"
    if attrs.get("id"):
        text += f' id="{attrs["id"]}"'
    elif attrs.get("class"):
        text += f' class="{attrs["class"]}"'
    return text + f' src="{src if len(src) <= 80 else src[:77] + "..."}">'


def _entry(element: dict[str, Any], page: str) -> dict[str, Any] | None:
    """The page runtime's media census entry for a statically read ``<video>``/``<audio>``."""
    attrs = element["attrs"]
    src = (attrs.get("src") or element.get("source") or "").strip()
    if not src:
        return None
    url = src if src.startswith(("data:", "blob:")) else urljoin(page, src)
    media_start = attrs.get("data-playback-start")
    return {"index": element["index"], "tag": element["tag"], "element": _describe_media(element["tag"], attrs, src),
            "src": src, "url": url, "timed": "clip" in attrs.get("class", "").split() or "data-start" in attrs,
            "start": 0.0, "end": None, "hostEnd": None,
            "mediaStart": media_start if media_start is not None else attrs.get("data-media-start"),
            "rate": attrs.get("data-playback-rate"), "volume": attrs.get("data-volume"), "muted": "muted" in attrs,
            "loop": "loop" in attrs, "hasAudio": attrs.get("data-has-audio"), "fxChain": attrs.get("data-fx-chain"),
            "automation": attrs.get("data-automation"), "audioGroup": attrs.get("data-audio-group")}


def media_problems(raw: dict[str, Any], html_file: Path, router: AssetRouter, file: str, *,
                   probe: bool = True) -> list[Problem]:
    """Media elements the render refuses (a data:/blob: or remote source, a timing attribute
    that is not a number, a file that does not probe) and the warnings it gives (a clamped rate,
    an HDR source). Missing and refused files are the asset check's."""
    out: list[Problem] = []
    page, where = router.url_for(html_file), html_file.name
    for element in raw.get("media", []):
        entry = _entry(element, page)
        if entry is None:
            continue
        line, url = element.get("line"), entry["url"]
        try:
            local = None if url.startswith(("data:", "blob:")) else router.local_path(url)
        except PathRefusedError:
            continue  # refused: reported by the asset check
        code = "media-source" if url.startswith(("data:", "blob:")) else "media-remote" if local is None else "media-attribute"
        try:
            clips, notes = clips_from_census([entry], router.local_path, where)
        except CompositionError as exc:
            out.append(Problem(file, line, ERROR, code, _bare(str(exc), where)))
            continue
        out.extend(Problem(file, line, WARNING, "media-rate", f"{element_name}: {message}") for element_name, message in notes)
        out.extend(Problem(file, line, WARNING, "audio-fx", f"{name}: {message}") for name, message in fx_notes(clips))
        if not probe:
            continue
        for clip in clips:
            if not clip.path.exists():
                continue  # missing: reported by the asset check
            try:
                probed = probe_clips([clip], where)
            except MediaError as exc:
                out.append(Problem(file, line, ERROR, "media-invalid", _bare(str(exc), where)))
                continue
            out.extend(Problem(file, line, WARNING, "hdr-source", f"{name}: {message}") for name, message in hdr_notes(probed))
    return out


def group_problems(raw: dict[str, Any], html_file: Path, file: str) -> list[Problem]:
    """The ``<hf-audio-group>`` elements the render mixes (one an ``<audio id>``'s ``data-audio-group``
    names: the first of that id, as the page runtime finds it), checked by the render's own parser
    (`engine.media.groups.parse_group`): a chain, lane or volume it refuses is an error, a value
    clamped or a lane that drives nothing a warning (``audio-fx``), each naming the group."""
    named = {str(e["attrs"].get("data-audio-group") or "").strip() for e in raw.get("media", [])
             if e.get("tag") == "audio" and e["attrs"].get("id")}
    out: list[Problem] = []
    seen: set[str] = set()
    for element in raw.get("audio_groups", []):
        attrs = element["attrs"]
        group_id = attrs.get("id", "")
        if not group_id or group_id not in named or group_id in seen:
            continue
        seen.add(group_id)
        info = {"id": group_id, "element": f'<hf-audio-group id="{group_id}">', "volume": attrs.get("data-volume"),
                "hidden": "data-hidden" in attrs, "fxChain": attrs.get("data-fx-chain"),
                "automation": attrs.get("data-automation")}
        try:
            group = parse_group(info, html_file.name)
        except CompositionError as exc:
            out.append(Problem(file, element.get("line"), ERROR, "media-attribute", _bare(str(exc), html_file.name)))
            continue
        out.extend(Problem(file, element.get("line"), WARNING, "audio-fx", _bare(note, html_file.name))
                   for note in group.notes)
    return out


def _bare(message: str, where: str) -> str:
    return message.removeprefix(f"{where}: ")
