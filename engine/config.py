"""Validation of the engine's configuration knobs (environment variables and options), and the
two facts about the machine that defaults depend on (usable CPUs, available memory).

Every knob is listed in one table, `engine.knobs`, from which the README's Configuration
section and the CLI's help are made. Each reader here
returns the default when the variable is unset or empty and raises `ConfigError` (naming the
variable, the value and what is accepted) for anything else it cannot use: never a hang, never
a silent fallback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from .errors import ConfigError

__all__ = ["check_int", "check_choice", "usable_cpus", "available_memory", "cli_call", "from_cli", "option_name",
           "register_flag_names"]


def check_int(name: str, value: object, lo: int, hi: int) -> int:
    """`value` (int or decimal string) as an int in [lo, hi], else ConfigError naming `name`."""
    if isinstance(value, bool):
        raise ConfigError(f"{option_name(name)}={value!r} is not valid; expected an integer from {lo} to {hi}")
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("+-").isdigit():
            raise ConfigError(f"{option_name(name)}={value!r} is not valid; expected an integer from {lo} to {hi}")
        value = int(text)
    if not isinstance(value, int) or not lo <= value <= hi:
        raise ConfigError(f"{option_name(name)}={value!r} is not valid; expected an integer from {lo} to {hi}")
    return value


def check_choice(name: str, value: object, choices: Sequence[str]) -> str:
    """`value` if it is one of `choices` (case-insensitive), else ConfigError naming `name`."""
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text is None or text not in choices:
        raise ConfigError(f"{option_name(name)}={value!r} is not valid; expected one of: {', '.join(choices)}")
    return text


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable), or 4 GiB when it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 4 * 1024**3


_cli_depth = 0


@contextmanager
def cli_call() -> Iterator[None]:
    """Within it, messages use the command line's words (`engine.caller`; set by the CLI's main)."""
    global _cli_depth
    _cli_depth += 1
    try:
        yield
    finally:
        _cli_depth -= 1


def from_cli() -> bool:
    """Whether the call came from the command line."""
    return _cli_depth > 0


_flag_names: dict[str, str] = {}


def register_flag_names(names: dict[str, str]) -> None:
    """Options' command-line flags (``{"workers": "--workers"}``; the knob table registers them),
    so that a value refused during a command-line call is named by its flag."""
    _flag_names.update(names)


def option_name(name: str) -> str:
    """`name` in the caller's words: its flag from the command line, else the keyword."""
    return _flag_names.get(name, name) if from_cli() else name
