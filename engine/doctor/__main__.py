"""`python -m engine.doctor [--json] [-v]` (console script ``engine-doctor``); see `--help`."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from . import exit_code, format_line, run_checks, summary, to_json
from .report import Check

__all__ = ["build_parser", "main"]

DESCRIPTION = """\
Check this machine for the engine: the ENGINE_* variables, the Chromium it would launch (and
whether it is the headless shell), a real capture of a 64x64 page (begin-frame or screenshot),
the GL backend (its renderer: a GPU, or software such as llvmpipe) and the CPU kernels (with a
test blend each), PyAV's encoders for every codec and the audio, the bundled fonts and
fontconfig, the CPUs and memory and the worker count `--workers auto` takes for a 1080p
composition of 300 frames.

Each line reads "OK   what: detail", "WARN what: detail — fix: ..." (works, but slow or
degraded) or "FAIL what: detail — fix: ..."; a last line says whether the engine can render.
"""

EPILOG = """\
exit codes: 0 the engine can render here (the ENGINE_* variables are valid, Chromium starts and
captures, GL or the CPU kernels blend, PyAV has libx264), 1 it cannot, 2 bad flags.
The checks read the same ENGINE_* variables as a render (python -m engine.render --help).
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m engine.doctor", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list of {check, status, detail, fix} instead of the lines")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log what the engine decides, and the traceback of a check that failed unexpectedly, "
                             "on stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run every check, print the report (lines as they come, or JSON) and return the exit code."""
    args = build_parser().parse_args(argv)  # argparse exits 2 with the usage for a bad flag
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format="%(name)s: %(message)s")

    def show(result: Check) -> None:
        print(format_line(result), flush=True)

    try:
        results = run_checks(report=None if args.json else show)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    print(to_json(results) if args.json else summary(results), end="" if args.json else "\n", flush=True)
    return exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
