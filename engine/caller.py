"""Whose words a message uses: the command line's flags while ``python -m engine.render`` runs
(`cli_call`, set by `engine.render.cli.main`), else Python's keyword arguments.

A message that suggests an option names it through `option` (``--allow-network`` from the
command line, ``allow_network=True`` from Python) and a value the caller gave through `given`
(``--fps 0`` / ``fps='0'``), so a CLI user never reads a keyword argument and a Python caller
never reads a flag. The flag is process-wide (not a context variable): messages raised or
warned on a render's worker threads use the same words as its calling thread.
"""

from __future__ import annotations

from .config import cli_call, from_cli
from .knobs import knob

__all__ = ["cli_call", "from_cli", "name", "option", "given"]

def _flag(name: str) -> str | None:
    k = knob(name)
    return k.flag.split("/")[-1] if k.flag else None


def name(knob_name: str) -> str:
    """The knob's name as the caller writes it: its flag (``--still``) or its keyword (``still``)."""
    flag = _flag(knob_name) if from_cli() else None
    return flag if flag is not None else knob_name


def option(name: str, cli: str = "", python: str = "True") -> str:
    """How the caller sets knob `name`: its flag with the `cli` argument (``--map-url PREFIX=FOLDER``;
    a knob with no flag: its environment variable) or the keyword with `python` (``url_map={...}``)."""
    if from_cli():
        flag = _flag(name)
        if flag is None and knob(name).env:
            return f"{knob(name).env}={cli}" if cli else str(knob(name).env)
        if flag is not None:
            return f"{flag} {cli}".strip()
    return f"{name}={python}"


def given(name: str, value: object) -> str:
    """The value `value` of knob `name` as the caller gave it: ``--fps 0`` or ``fps='0'``."""
    flag = _flag(name) if from_cli() else None
    if flag is not None:
        text = str(value)
        return f"{flag} {text if text and ' ' not in text else repr(text)}"
    return f"{name}={value!r}"
