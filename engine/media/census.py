"""The page's media census -> validated `MediaClip`s, their files probed (before any frame).

The page runtime (``media.js``) lists every ``<video>`` and ``<audio>`` with its timing
attributes as written; `clips_from_census` checks them (a number that is not one is bad input,
named with its element), resolves each source URL to a local file, and `probe_clips` opens
every file once with PyAV, so a missing, unreadable, corrupt or unsupported file stops the
render before its first frame (`MediaError`, naming the element and the file).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..caller import option
from ..errors import CompositionError, MediaError
from .automation import parse_automation
from .clips import RATE_RANGE, MediaClip
from .fx_chain import parse_chain
from .groups import parse_group

__all__ = ["clips_from_census", "fx_notes", "hdr_notes", "probe_clips"]


def _number(value: Any, element: str, attr: str, *, default: float, low: float = 0.0, allow_low: bool = True) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        number = float(str(value).strip().removesuffix("s"))
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < low or (number == low and not allow_low):
        relation = "at least" if allow_low else "more than"
        raise CompositionError(f"{element}: {attr}={value!r} is not valid; expected a number {relation} {low:g}")
    return number


def clips_from_census(census: Sequence[Mapping[str, Any]], local_path: Callable[[str], Path | None],
                      where: str) -> tuple[list[MediaClip], list[tuple[str, str]]]:
    """The clips of the page's media `census` and the ``(element, message)`` warnings they raise
    (a clamped rate). Errors name `where` (the composition file) and the element.

    `local_path(url)` gives the file a URL is served from (None: another origin; it may raise
    `CompositionError` for a path leaving the folder). Elements without a source are skipped.
    """
    clips: list[MediaClip] = []
    notes: list[tuple[str, str]] = []
    for entry in census:
        described = str(entry.get("element") or f"<{entry.get('tag')}>")
        element = f"{where}: {described}"
        url = entry.get("url")
        if not entry.get("src") or not url:
            continue
        if str(url).startswith(("data:", "blob:")):
            raise MediaError(f"{element}: a {str(url).split(':', 1)[0]}: URL as a media source is not supported; "
                             "expected a file in the composition's folder")
        try:
            path = local_path(str(url))
        except CompositionError as exc:
            raise MediaError(f"{element}: {exc}") from None
        if path is None:
            mapped = option("url_map", "PREFIX=FOLDER", python="{PREFIX: FOLDER}")
            raise MediaError(f"{element}: {url} is not a file of the composition: the engine decodes media itself "
                             f"and reads only files in the composition's folder (or one mapped with {mapped})")
        rate = _number(entry.get("rate"), element, "data-playback-rate", default=1.0, allow_low=False)
        if not RATE_RANGE[0] <= rate <= RATE_RANGE[1]:
            clamped = min(RATE_RANGE[1], max(RATE_RANGE[0], rate))
            notes.append((described, f"data-playback-rate={rate:g} is outside {RATE_RANGE[0]:g}..{RATE_RANGE[1]:g}; "
                                     f"it plays at {clamped:g} (as in HyperFrames)"))
            rate = clamped
        fx, _ = parse_chain(entry.get("fxChain"), element)  # bad input raises; clamps: `fx_notes`
        automation = parse_automation(entry.get("automation"), element, fx)  # likewise
        group = parse_group(entry["group"], where) if entry.get("group") else None
        audio_notes = []
        # (the page's census always has "group"; the lint's static one has none: it cannot tell)
        if (entry.get("audioGroup") or "").strip() and group is None and (entry.get("tag") == "video" or "group" in entry):
            why = ("groups hold <audio> only" if entry.get("tag") == "video"
                   else "a member needs an id")
            audio_notes.append(f"data-audio-group={entry['audioGroup']!r} is ignored ({why}, as in HyperFrames): "
                               "it plays outside the group")
        start = float(entry.get("start") or 0.0)
        end = entry.get("end")
        host_end = entry.get("hostEnd")
        clips.append(MediaClip(
            index=int(entry["index"]), kind="video" if entry.get("tag") == "video" else "audio", element=described,
            src=str(entry["src"]), path=path, start=start,
            duration=(float(end) - start) if end is not None else None,
            media_start=_number(entry.get("mediaStart"), element, "data-media-start", default=0.0),
            rate=rate, volume=_number(entry.get("volume"), element, "data-volume", default=1.0),
            muted=bool(entry.get("muted")), loop=bool(entry.get("loop")),
            host_end=float(host_end) if host_end is not None else None,
            has_audio=str(entry.get("hasAudio") or "").strip().lower() != "false", timed=bool(entry.get("timed")),
            fx=fx, automation=automation, hidden=bool(entry.get("hidden")), group=group,
            audio_notes=tuple(audio_notes),
        ))
    return clips, notes


def probe_clips(clips: Sequence[MediaClip], where: str) -> list[MediaClip]:
    """Each clip with its source's duration and audio found by probing its file (once per file);
    `MediaError` names `where` (the composition file), the element and the file."""
    from .probe import probe_source

    probed: dict[tuple[Path, bool], Any] = {}
    out = []
    for clip in clips:
        key = (clip.path, clip.kind == "video")
        if key not in probed:
            probed[key] = probe_source(clip.path, f"{where}: {clip.element}", need_video=clip.kind == "video")
        info = probed[key]
        duration = float(info.video.duration if clip.kind == "video" and info.video is not None else info.duration)
        hdr = info.video.transfer if clip.kind == "video" and info.video is not None else None
        out.append(replace(clip, source_duration=duration, has_audio=clip.has_audio and info.audio is not None,
                           hdr=hdr))
    return out


def fx_notes(clips: Sequence[MediaClip]) -> list[tuple[str, str]]:
    """``(element, message)`` of each ``data-fx-chain`` value clamped into range, each
    ``data-automation`` lane or point ignored or clamped (a clip's or its group's), and each
    ``data-audio-group`` ignored (warned as ``audio-fx``)."""
    out: list[tuple[str, str]] = []
    groups = {}
    for clip in clips:
        notes = (clip.fx.notes if clip.fx else ()) + (clip.automation.notes if clip.automation else ())
        out += [(clip.element, note.split(f"{clip.element}: ", 1)[-1]) for note in notes]
        out += [(clip.element, note) for note in clip.audio_notes]
        if clip.group is not None:
            groups[clip.group.id] = clip.group
    for group in groups.values():  # once per group, naming it
        out += [(group.element, note.split(f"{group.element}: ", 1)[-1]) for note in group.notes]
    return out


def hdr_notes(clips: Sequence[MediaClip]) -> list[tuple[str, str]]:
    """``(element, message)`` of each HDR clip (warned as ``hdr-source`` where it is tone-mapped:
    an SDR render, or the poster path; an HDR render's native layers keep its code values)."""
    return [(clip.element,
             f"{clip.src} is HDR ({'PQ' if clip.hdr == 'pq' else 'HLG'}) and is tone-mapped to SDR here (BT.2408 "
             "reference white at 93 % of SDR white, highlights compressed): it loses its highlights and wide gamut. "
             "An HDR render (the default with an HDR source, unless --sdr) keeps its code values where it is "
             "composited natively (not with ENGINE_MEDIA_PATH=poster)")
            for clip in clips if clip.hdr]
