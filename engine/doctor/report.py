"""The doctor's results and the pure rules over them: one `Check` per line, how a line and the
JSON read, and whether the machine can render (the exit code). No I/O here: the checks that
look at the machine are in `engine.doctor`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["Status", "STATUSES", "Check", "Failed", "REQUIRED_ALL", "REQUIRED_ANY", "NEED_NAMES", "format_line",
           "format_report", "to_json", "missing_needs", "can_render", "exit_code", "summary"]

Status = Literal["OK", "WARN", "FAIL"]
#: ``OK`` works; ``WARN`` works but slow or degraded; ``FAIL`` does not work.
STATUSES: tuple[Status, ...] = ("OK", "WARN", "FAIL")

#: What a render cannot do without: every check tied to one of these must pass (OK or WARN) ...
REQUIRED_ALL = ("environment", "capture", "h264")
#: ... and at least one check tied to each of these.
REQUIRED_ANY = ("blend",)
#: How the summary names each requirement.
NEED_NAMES = {"environment": "the ENGINE_* variables are valid", "capture": "Chromium starts and captures",
              "h264": "PyAV has libx264", "blend": "a blend backend (GL or CPU) works"}


@dataclass(frozen=True)
class Check:
    """One line of the report.

    `check` names what was looked at (``chromium``, ``encoder h264``...); `detail` what was
    found; `fix` what to do about a WARN or FAIL (empty for OK). `need` ties the line to a
    requirement of rendering (`REQUIRED_ALL`, `REQUIRED_ANY`), None for an informative one.
    """

    check: str
    status: Status
    detail: str
    fix: str = ""
    need: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status={self.status!r}; expected one of {', '.join(STATUSES)}")

    def as_dict(self) -> dict[str, str]:
        """The JSON form: check, status, detail, fix."""
        return {"check": self.check, "status": self.status, "detail": _one_line(self.detail),
                "fix": _one_line(self.fix)}


class Failed(Exception):
    """A failure a check knows: what was found (`detail`) and what to do about it (`fix`)."""

    def __init__(self, detail: str, fix: str) -> None:
        super().__init__(detail)
        self.detail, self.fix = detail, fix


def _one_line(text: str) -> str:
    """`text` on one line (an error message may hold newlines)."""
    return " ".join(str(text).split())


def format_line(result: Check) -> str:
    """``OK   what: detail``, ``WARN what: detail — fix: ...`` or ``FAIL what: detail — fix: ...``."""
    line = f"{result.status:<4} {result.check}: {_one_line(result.detail)}"
    fix = _one_line(result.fix)
    if fix and result.status != "OK":
        line += f" — fix: {fix}"
    return line


def missing_needs(results: Sequence[Check]) -> list[str]:
    """The requirements of rendering that `results` do not meet (empty: the engine can render).
    A requirement no result speaks for is not met."""
    missing = []
    for need in REQUIRED_ALL:
        tied = [r for r in results if r.need == need]
        if not tied or any(r.status == "FAIL" for r in tied):
            missing.append(need)
    for need in REQUIRED_ANY:
        if not any(r.need == need and r.status != "FAIL" for r in results):
            missing.append(need)
    return missing


def can_render(results: Sequence[Check]) -> bool:
    """Whether the engine can render here: valid ENGINE_* variables, Chromium starts and
    captures, at least one blend backend works, and PyAV has libx264."""
    return not missing_needs(results)


def exit_code(results: Sequence[Check]) -> int:
    """0 when the engine can render, 1 otherwise."""
    return 0 if can_render(results) else 1


def summary(results: Sequence[Check]) -> str:
    """The closing line: whether the engine can render, and the counts of warnings and failures."""
    warns = sum(r.status == "WARN" for r in results)
    fails = sum(r.status == "FAIL" for r in results)
    counts = f"{warns} warning{'s' * (warns != 1)}, {fails} failure{'s' * (fails != 1)}"
    missing = missing_needs(results)
    if not missing:
        return f"=> the engine can render here ({counts})"
    return f"=> the engine cannot render here: it needs {'; '.join(NEED_NAMES[n] for n in missing)} ({counts})"


def format_report(results: Sequence[Check]) -> str:
    """Every line, then the summary."""
    return "\n".join([*(format_line(r) for r in results), summary(results)]) + "\n"


def to_json(results: Sequence[Check]) -> str:
    """A JSON list of ``{check, status, detail, fix}``."""
    return json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False) + "\n"
