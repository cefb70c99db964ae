"""The lint's pure part: every problem of a composition's static census, as `Problem`s.

`lint_census(raw, html_file)` runs the render's own validation (`validate.census_findings`:
the checks `build_plan` runs, collecting instead of stopping) and adds what a render accepts
but that is probably a mistake (warnings): clips that start at or after the composition's end
or run past it, and references to other origins that an offline render blocks; `past_end_problems`
names the transitions of a plan that run past its end. Files are not
touched here: missing assets and media probing are `engine.lint`'s (I/O) part.

A `Problem` prints as ``file:line: severity: message`` (``file: severity: message`` when no line
is known), like a compiler's diagnostics.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from ..vendor import cdn_mode, is_cdn_url
from .checks import Finding
from .plan import Plan
from .transition_checks import PAST_END, past_end
from .validate import census_findings, clip_interval, describe, static_duration

__all__ = ["Problem", "lint_census", "from_findings", "remote_problems", "timing_problems", "past_end_problems",
           "sort_problems", "is_remote", "ERROR", "WARNING"]

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"
_MEDIA_TAGS = ("video", "audio", "source")


@dataclass(frozen=True)
class Problem:
    """One problem: where (`file`, `line` or None), how bad (``error``: the render refuses the
    composition; ``warning``: it renders, probably not as meant), a stable `code` and the message."""

    file: str
    line: int | None
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """``{file, line, severity, code, message}`` (the ``--json`` form)."""
        return asdict(self)


def _bare(message: str, html_file: Path) -> str:
    """`message` without the file name the render's messages start with (the lint prints it first)."""
    for prefix in (f"{html_file}: ", f"{html_file.name}: ", f"{html_file.name}:"):
        if message.startswith(prefix):
            rest = message[len(prefix):]
            # the asset check's "index.html:12: <img ...>": drop the line too (it is the problem's)
            head, sep, tail = rest.partition(": ")
            return tail if prefix.endswith(":") and sep and head.isdigit() else rest
    return message


def from_findings(findings: Iterable[Finding], html_file: Path, file: str | None = None) -> list[Problem]:
    """The validation's findings (each an error the render raises) as error `Problem`s."""
    shown = file or str(html_file)
    return [Problem(shown, f.line, ERROR, f.code, _bare(f.message, html_file).replace(f" (line {f.line})", "", 1))
            for f in findings]


def timing_problems(raw: Mapping[str, Any], html_file: Path, file: str | None = None,
                    duration: Fraction | None = None) -> list[Problem]:
    """Warnings for clips and media of the root composition that start at or after its end
    (never shown) or whose data-duration runs past it (cut). Elements inside a nested
    composition (``nested`` in the census entry) count from its start and are left out.
    `duration`: the composition's when the page gave it (its root timeline's); default: the
    root's data-duration (nothing to check without one)."""
    duration = duration if duration is not None else static_duration(raw, html_file)
    if duration is None:
        return []
    shown, out = file or str(html_file), []
    seen: set[int] = set()
    for element in [*raw.get("clips", []), *raw.get("media", [])]:
        if element["index"] in seen or element.get("nested"):
            continue
        seen.add(element["index"])
        interval = clip_interval(element, html_file.name)
        if interval is None:
            continue  # an invalid start or duration is already an error
        start, length = interval
        line, name = element.get("line"), describe({**element, "line": None})
        if start >= duration:
            out.append(Problem(shown, line, WARNING, "clip-outside",
                               f"{name} starts at {_s(start)} s, at or after the composition's end "
                               f"({_s(duration)} s): it never shows"))
        elif length is not None and start + length > duration:
            out.append(Problem(shown, line, WARNING, "clip-past-end",
                               f"{name} ends at {_s(start + length)} s, after the composition's end "
                               f"({_s(duration)} s): it is cut there"))
    return out


def past_end_problems(plan: Plan | None, file: str) -> list[Problem]:
    """``transition-past-end`` warnings: the transitions of `plan` that run past its end, with the
    progress its last frame shows (`transition_checks.past_end`)."""
    if plan is None:
        return []
    return [Problem(file, item.line, WARNING, PAST_END, f"{item.element} {item.message}")
            for item in past_end(plan.transitions, plan.duration, plan.fps)]


def _s(value: Fraction) -> str:
    return f"{float(value):g}"


def is_remote(url: str) -> bool:
    """Whether `url` names another origin (``http(s)://...`` or protocol-relative ``//host/...``)."""
    url = url.strip()
    return urlsplit(url).scheme.lower() in ("http", "https") or url.startswith("//")


def remote_problems(raw: Mapping[str, Any], html_file: Path, *, allow_network: bool = False,
                    mapped: Sequence[str] = (), file: str | None = None) -> list[Problem]:
    """Warnings for script, stylesheet, image and sub-composition references to other origins:
    an offline render blocks them (the page goes on without them). Left out: URLs under a
    `mapped` prefix (``--map-url``; the mapped file is checked with the assets), npm files on
    jsDelivr and unpkg (served from the engine's npm cache, `engine.vendor`, unless ``ENGINE_CDN=off``),
    everything when `allow_network`, and media sources (the render refuses those: an error of the media check)."""
    if allow_network:
        return []
    shown, out = file or str(html_file), []
    for ref in raw.get("assets", []):
        url = str(ref.get("url", "")).strip()
        if ref.get("tag") in _MEDIA_TAGS or not is_remote(url) or any(url.startswith(p) for p in mapped):
            continue
        if cdn_mode() == "cache" and is_cdn_url(url):  # an npm file on jsDelivr/unpkg: the npm cache serves it
            continue
        ident = f" id={ref['id']!r}" if ref.get("id") else ""
        out.append(Problem(shown, ref.get("line"), WARNING, "remote-url",
                           f"<{ref.get('tag')}{ident} {ref.get('attr')}={url!r}>: another origin, blocked when "
                           "rendering offline (the page goes on without it); pass --allow-network, or download it "
                           "into the folder and map its prefix with --map-url PREFIX=FOLDER"))
    return out


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """`problems` without repeats, by file and line (no line last), errors before warnings on a line."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.file, p.line is None, p.line or 0, p.severity != ERROR))


def lint_census(raw: Mapping[str, Any], html_file: Path, *, even_size: bool = True, js_transitions: Any = None,
                allow_network: bool = False, mapped: Sequence[str] = (), file: str | None = None) -> list[Problem]:
    """Every problem of the census `raw` of `html_file` that needs no file and no browser: the
    render's validation (errors; the first is what `build_plan` raises) and the timing and
    remote-origin warnings. `file` is the name printed (default: `html_file`)."""
    findings = census_findings(raw, html_file, even_size=even_size, js_transitions=js_transitions)
    return sort_problems([*from_findings(findings, html_file, file), *timing_problems(raw, html_file, file),
                          *remote_problems(raw, html_file, allow_network=allow_network, mapped=mapped, file=file)])
