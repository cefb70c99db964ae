"""Batch renders: one composition, one output per row of variable values, on one warm `Renderer`.

Rows come from a JSON Lines file (one JSON object per line; blank lines and lines starting with
``#`` skipped), a JSON array of objects, or an object with a ``rows`` array (HyperFrames' form).
Each row is the `variables` of its render. The output is a template naming each file from its
row, as HyperFrames does: ``renders/{name}.mp4`` takes the row's ``name``; ``{index}`` is the
row's number from 0. Everything is checked before the first render: the file, each row, the
outputs (each one different, each folder writable) and, under ``strict_variables``, each row's
variables against the composition's declarations.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..composition.variables import check_composition
from ..errors import ConfigError, EngineError, InputError
from .options import RenderOptions
from .result import RenderResult

__all__ = ["BatchRow", "read_batch", "parse_batch", "output_for", "plan_batch", "run_batch", "batch_table"]

_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.-]+)\}")


@dataclass
class BatchRow:
    """One render of a batch: its row number, variables, output, and what became of it."""

    index: int
    variables: dict[str, Any]
    output: Path
    status: str = "pending"  # pending, done, failed, skipped
    seconds: float | None = None
    frames: int | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "output": str(self.output), "status": self.status, "seconds": self.seconds,
                "frames": self.frames, "error": self.error, "warnings": self.warnings, "variables": self.variables}


def parse_batch(text: str, source: str) -> list[dict[str, Any]]:
    """The rows of a batch file's `text` (`source` names it in errors)."""
    stripped = text.strip()
    if not stripped:
        raise ConfigError(f"--batch {source}: the file holds no rows")
    rows: Any
    if stripped[0] in "[{" and not _looks_like_lines(stripped):
        try:
            parsed = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"--batch {source}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        if isinstance(parsed, dict):  # {"rows": [...]}, or JSON Lines of one line
            rows = parsed["rows"] if "rows" in parsed else [parsed]
        else:
            rows = parsed
        if not isinstance(rows, list):
            raise ConfigError(f"--batch {source}: expected JSON Lines (an object per line), a JSON array of "
                              'objects, or an object with a "rows" array')
        numbered = [(i + 1, row) for i, row in enumerate(rows)]
        what = "row"
    else:
        numbered, what = [], "line"
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                numbered.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise ConfigError(f"--batch {source}:{number}: not valid JSON ({exc.msg})") from None
    if not numbered:
        raise ConfigError(f"--batch {source}: the file holds no rows")
    for number, row in numbered:
        if not isinstance(row, dict):
            raise ConfigError(f"--batch {source}: {what} {number} is {type(row).__name__}; expected a JSON object "
                              "of variable values")
    return [row for _, row in numbered]


def _looks_like_lines(text: str) -> bool:
    """Whether `text` is several JSON objects, one per line (JSON Lines), not one JSON document."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if len(lines) < 2:
        return False
    try:
        json.loads(text)
        return False
    except json.JSONDecodeError:
        return True


def read_batch(path: str | Path) -> list[dict[str, Any]]:
    """The rows of the batch file at `path`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"--batch {str(path)!r} cannot be read: {reason}") from None
    return parse_batch(text, str(path))


def output_for(template: str, row: Mapping[str, Any], index: int) -> str:
    """The output of row `index`: `template` with each ``{key}`` replaced by the row's value."""
    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "index":
            return str(index)
        if key not in row:
            raise ConfigError(f"--batch row {index}: the output {template!r} names {{{key}}}, which the row does not "
                              f"have (it has: {', '.join(sorted(row)) or 'nothing'})")
        found = row[key]
        if isinstance(found, bool) or not isinstance(found, (str, int, float)):
            raise ConfigError(f"--batch row {index}: {{{key}}} in the output must be a string or a number; "
                              f"it is {json.dumps(found)}")
        text = str(found)
        if "/" in text or text in ("", ".", ".."):
            raise ConfigError(f"--batch row {index}: {{{key}}} = {text!r} cannot be part of a file name")
        return text

    return _PLACEHOLDER.sub(value, template)


def plan_batch(composition: str | Path, template: str, rows: Sequence[dict[str, Any]],
               options: RenderOptions) -> list[BatchRow]:
    """Every row checked before any render: its output (distinct, writable, fitting the codec) and,
    with ``strict_variables``, its variables."""
    if len(rows) > 1 and not _PLACEHOLDER.search(template):
        raise ConfigError(f"--batch: every row would write {template!r}; put a placeholder such as {{index}} or "
                          "{name} in -o")
    planned: list[BatchRow] = []
    seen: dict[Path, int] = {}
    for index, row in enumerate(rows):
        output = Path(output_for(template, row, index))
        options.target(output)
        key = output.resolve()
        if key in seen:
            raise ConfigError(f"--batch rows {seen[key]} and {index} both write {str(output)!r}; use {{index}} or a "
                              "column that differs in -o")
        seen[key] = index
        if options.strict_variables:
            try:
                check_composition(composition, row, strict=True)
            except InputError as exc:
                raise type(exc)(f"--batch row {index}: {exc}") from None
        planned.append(BatchRow(index, dict(row), output))
    return planned


def run_batch(render_one: Callable[[BatchRow], RenderResult], rows: list[BatchRow], *, fail_fast: bool = False,
              on_row: Callable[[BatchRow], None] | None = None) -> list[BatchRow]:
    """Render each row in order with `render_one`; a failed row is recorded and the rest go on
    (with `fail_fast`, the rest are skipped). Interrupts (KeyboardInterrupt, cancellation) stop
    the batch at once."""
    for row in rows:
        if fail_fast and any(r.status == "failed" for r in rows):
            row.status, row.error = "skipped", "skipped after a failed row (--batch-fail-fast)"
            continue
        start = time.perf_counter()
        try:
            result = render_one(row)
        except EngineError as exc:
            row.status, row.error = "failed", str(exc)
        else:
            row.status, row.frames = "done", result.frames
            row.warnings = [str(w.get("message", w)) for w in result.warnings]
        row.seconds = round(time.perf_counter() - start, 3)
        if on_row is not None:
            on_row(row)
    return rows


def batch_table(rows: Sequence[BatchRow]) -> str:
    """The summary: one line per row, then the totals."""
    width = max(len(str(r.output)) for r in rows)
    lines = [f"{'row':>4}  {'output':<{width}}  {'status':<7}  {'frames':>6}  {'seconds':>7}"]
    for r in rows:
        frames = "" if r.frames is None else str(r.frames)
        seconds = "" if r.seconds is None else f"{r.seconds:.2f}"
        lines.append(f"{r.index:>4}  {str(r.output):<{width}}  {r.status:<7}  {frames:>6}  {seconds:>7}"
                     + (f"  {r.error}" if r.error and r.status == "failed" else ""))
    counts = {s: sum(r.status == s for r in rows) for s in ("done", "failed", "skipped")}
    lines.append(f"{len(rows)} rows: {counts['done']} done, {counts['failed']} failed, {counts['skipped']} skipped")
    return "\n".join(lines)
