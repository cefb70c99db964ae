"""The doctor's checks of the configuration and the browser: the ENGINE_* variables, the
Chromium the engine would launch, and a real capture. Each returns its `Check` lines and
raises `Failed` for a failure it knows; each releases what it opened."""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConfigError, close_names
from .report import Check, Failed

__all__ = ["check_environment", "check_chromium", "check_capture", "run_command", "COMPOSITION", "HEADLESS_FIX",
           "BOOTSTRAP_FIX"]

log = logging.getLogger("engine.doctor")

HEADLESS_FIX = ("install Debian's chromium-headless-shell (apt-get install chromium-headless-shell; make bootstrap "
                "does) and leave ENGINE_CHROMIUM unset")
BOOTSTRAP_FIX = "make bootstrap (installs Debian's chromium, chromium-headless-shell and the libraries they need)"
#: The composition the capture check renders: a red 64x64 page.
COMPOSITION = ('<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;background:#000}'
               '#root{width:64px;height:64px;background:#ff0000}</style></head><body><div id="root" '
               'data-composition-id="doctor" data-width="64" data-height="64" data-duration="1"></div></body></html>')


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _warnings_of(name: str) -> Iterator[list[str]]:
    """The messages logger `name` warns while the block runs (shown on stderr only with --verbose)."""
    logger, handler = logging.getLogger(name), _Collect()
    found = handler.messages
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(min(logger.getEffectiveLevel(), logging.WARNING))
    logger.propagate = log.isEnabledFor(logging.INFO)
    try:
        yield found
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def run_command(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """`args` run with `timeout` (Failed when it does not end in time), output captured as text."""
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                              check=False)
    except subprocess.TimeoutExpired:
        raise Failed(f"`{' '.join(args)}` did not answer within {timeout:g} s",
                     "run it by hand to see where it hangs") from None


def check_environment() -> list[Check]:
    """Every ENGINE_* variable a render reads, validated as the render does; unknown ones warned."""
    from ..knobs import KNOBS

    lines, valid = [], []
    for k in KNOBS:
        if k.env and k.scope != "build" and k.env_set():
            try:
                k.from_env(None)
            except ConfigError as exc:
                accepted = f"one of: {', '.join(k.choices)}" if k.choices else k.values_text.replace("`", "")
                lines.append(Check("environment", "FAIL", str(exc), f"unset {k.env}, or set it to {accepted}",
                                   "environment"))
            else:
                valid.append(f"{k.env}={os.environ[k.env].strip()}")
    known = [k.env for k in KNOBS if k.env]
    for name in sorted(n for n in os.environ if n.startswith("ENGINE_") and n not in known):
        lines.append(Check("environment", "WARN", f"{name} is set, but the engine reads no such variable"
                           f"{close_names(name, known)}", f"unset {name}, or spell the variable you meant"))
    if not any(r.status == "FAIL" for r in lines):
        detail = "valid: " + ", ".join(valid) if valid else "no knob set: every ENGINE_* knob at its default"
        lines.insert(0, Check("environment", "OK", detail, need="environment"))
    return lines


def check_chromium() -> list[Check]:
    """The Chromium the engine would launch (ENGINE_CHROMIUM or the default), its version, and
    whether it is the headless shell (begin-frame capture) or the full browser (screenshots)."""
    from ..capture.options import CHROMIUM_CANDIDATES, CaptureOptions, is_headless_shell
    from ..knobs import knob

    exe = str(CaptureOptions.from_env().executable)
    if not os.path.isfile(exe):
        if knob("executable").env_set():
            what = "is not a file" if os.path.exists(exe) else "does not exist"
            raise Failed(f"ENGINE_CHROMIUM={exe!r} {what}", "point ENGINE_CHROMIUM at a Chromium binary "
                         f"(Debian's: {CHROMIUM_CANDIDATES[0]}), or unset it")
        raise Failed(f"no Chromium installed (looked for {', '.join(CHROMIUM_CANDIDATES)})",
                     BOOTSTRAP_FIX + ", or set ENGINE_CHROMIUM")
    if not os.access(exe, os.X_OK):
        raise Failed(f"{exe} is not executable", "point ENGINE_CHROMIUM at a Chromium binary, or unset it")
    done = run_command([exe, "--version"], timeout=20)
    output = (done.stdout.strip() or done.stderr.strip()).splitlines()
    if done.returncode != 0:
        raise Failed(f"`{exe} --version` exited with {done.returncode}: {output[-1] if output else 'no output'}",
                     BOOTSTRAP_FIX)
    version = output[0] if output else "version unknown"
    if is_headless_shell(exe):
        return [Check("chromium", "OK", f"{exe} ({version}; headless shell)")]
    return [Check("chromium", "WARN", f"{exe} ({version}) is the full browser, not the headless shell: frames are "
                  "taken with screenshots, slower than begin-frame capture", HEADLESS_FIX)]


def check_capture() -> list[Check]:
    """A real `BrowserSession` on a 64x64 red composition in a temporary folder: one frame
    captured and checked; the capture mode used (beginframe or screenshot) and the times."""
    from ..capture import BrowserSession
    from ..capture.options import CaptureOptions, is_headless_shell

    options = CaptureOptions.from_env()
    with tempfile.TemporaryDirectory(prefix="engine-doctor-") as folder, _warnings_of("engine.capture") as notes:
        path = Path(folder) / "index.html"
        path.write_text(COMPOSITION, encoding="utf-8")
        start = time.perf_counter()
        with BrowserSession(path, options=options) as session:
            started = time.perf_counter() - start
            pixel = tuple(int(v) >> 8 for v in session.capture_frame(0)[32, 32])
            took = time.perf_counter() - start - started
            mode = session.capture_mode
    if max(abs(a - b) for a, b in zip(pixel, (255, 0, 0), strict=True)) > 24:
        raise Failed(f"{mode}: the captured frame is wrong (rgb{pixel} where the page is rgb(255, 0, 0))",
                     "Chromium draws wrongly here: check capture extra_args, or reinstall it (make bootstrap)")
    detail = (f"{mode}: the browser started in {started:.2f} s, a 64x64 {options.capture_format} frame took "
              f"{took * 1000:.0f} ms")
    if mode == "beginframe":
        return [Check("capture", "OK", detail, need="capture")]
    if options.capture_mode == "screenshot":
        return [Check("capture", "OK", detail + " (ENGINE_CAPTURE_MODE=screenshot)", need="capture")]
    if is_headless_shell(options.executable):
        reason = notes[0] if notes else "no reason given"
        return [Check("capture", "WARN", f"{detail}; begin-frame capture failed on the headless shell ({reason})",
                      "update Debian's chromium-headless-shell, or set ENGINE_CAPTURE_MODE=screenshot to skip the "
                      "attempt", "capture")]
    return [Check("capture", "WARN", detail + "; begin-frame capture is unavailable: it needs the headless shell",
                  HEADLESS_FIX, "capture")]

