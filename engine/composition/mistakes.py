"""What a render accepts but is probably a mistake, named before the render starts.

`named_mistakes(plan)` gives the render's warnings about a composition's own source, in the
shape of its other warnings (``{code, element, message}``, `RenderResult.warnings`): each
misspelled timing or composition attribute (`attributes`, ``attribute-misspelled``) and each
transition that runs past the composition's end (`transition_checks.past_end`,
``transition-past-end``). The element names the file and line (``index.html:12 <div id='a'>``).
The lint (``python -m engine.lint``) reports the same findings as warnings at their lines.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ..errors import RenderWarning
from .attributes import MISSPELLED, AttributeMistake, attribute_mistakes
from .plan import Plan
from .transition_checks import PAST_END, PastEnd, past_end

__all__ = ["named_mistakes", "source_mistakes", "mistake_dict", "MISSPELLED", "PAST_END"]


def source_mistakes(html_file: Path) -> list[AttributeMistake]:
    """The misspelled attributes of the composition file `html_file` (none when it cannot be read:
    reading it is the validation's to report)."""
    try:
        text = html_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return attribute_mistakes(text)


def mistake_dict(found: AttributeMistake | PastEnd, file: str) -> dict[str, str]:
    """`found` as a render warning: ``{code, element, message}``, the element with `file` and its line."""
    line = found.line
    where = f"{file}:{line}" if line is not None else f"{file}:"
    return {"code": MISSPELLED if isinstance(found, AttributeMistake) else PAST_END,
            "element": f"{where} {found.element}", "message": found.message}


def named_mistakes(plan: Plan, *, warn: bool = True) -> list[dict[str, str]]:
    """The warnings about `plan`'s source (see the module's docstring); each is also a
    `RenderWarning` (Python `warnings`) when `warn`."""
    file = plan.source.name
    found: list[AttributeMistake | PastEnd] = [*source_mistakes(plan.source),
                                              *past_end(plan.transitions, plan.duration, plan.fps)]
    out = [mistake_dict(item, file) for item in found]
    if warn:
        for entry in out:
            warnings.warn(f"{entry['element']}: {entry['message']}", RenderWarning, stacklevel=2)
    return out
