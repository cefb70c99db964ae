"""Running validation checks in one of two modes: stop at the first problem, or collect them all.

The validator (`validate`) runs every check of a composition through a `Checks`. A render uses
``Checks(collect=False)``: the first failing check raises its error unchanged (its type, message
and traceback are the check's own), exactly as if it had been called directly. The lint
(`engine.composition.lint`, ``python -m engine.lint``) uses ``Checks(collect=True)``: each
failing check is recorded as a `Finding` (a code, the HTML line of the element, the error the
render would raise) and validation goes on with the next, so one pass finds every problem.
Because both modes run the same checks in the same order, the first finding of a collecting
run is the error the render raises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ..errors import InputError
from .values import describe

__all__ = ["Checks", "Finding"]

T = TypeVar("T")


@dataclass(frozen=True)
class Finding:
    """One problem a check found: its `code` (``root-width``...), the `line` of the element in the
    HTML (None when not known, e.g. a script-made transition) and the `error` a render raises for it."""

    code: str
    line: int | None
    error: InputError

    @property
    def message(self) -> str:
        return str(self.error)


class Checks:
    """Runs checks; raises the first error (``collect=False``) or records every one (``collect=True``)."""

    def __init__(self, *, collect: bool, file: str | None = None) -> None:
        self.collect = collect
        self.file = file  # the HTML file's name as messages show it: each error records it, with its line
        self.found: list[Finding] = []
        self.failures = 0  # every failure, also those whose finding was already recorded

    def run(self, code: str, line: int | None, check: Callable[..., T], *args: Any) -> T | None:
        """``check(*args)``; on an `InputError`: raise it (stopping) or record it and return None."""
        try:
            return check(*args)
        except InputError as exc:
            element = next((a for a in args if isinstance(a, Mapping) and "tag" in a), None)
            self._locate(exc, line, element)
            if not self.collect:
                raise
            self.add(code, line, exc)
            return None

    def add(self, code: str, line: int | None, error: InputError) -> None:
        """Report `error` found outside `run`: raised when stopping, else recorded (once per message)."""
        self._locate(error, line, None)
        if not self.collect:
            raise error
        self.failures += 1
        if not any(f.code == code and f.line == line and f.message == str(error) for f in self.found):
            self.found.append(Finding(code, line, error))

    def _locate(self, error: InputError, line: int | None, element: Mapping[str, Any] | None) -> None:
        """Record where `error` is (its `file`, `line` and `element`, those it does not know yet)."""
        if error.file is None and self.file is not None:
            error.file = self.file
        if error.line is None and line is not None:
            error.line = line
        if error.element is None and element is not None:
            error.element = describe({**element, "line": None})

    def mark(self) -> int:
        """A position in the findings, for `clean_since`."""
        return self.failures

    def clean_since(self, mark: int) -> bool:
        """Whether no check failed since `mark` (always true when stopping: a failure raised)."""
        return self.failures == mark
