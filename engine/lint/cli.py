"""The command line: ``python -m engine.lint COMP`` (also ``engine-lint``).

Prints one ``file:line: severity: message`` line per problem on stdout (``--json``: a JSON list
of ``{file, line, severity, code, message}``), then on stderr a summary and, last, which checks
ran (``checks: static, page (Chromium)``). A composition with scripts is loaded once in
Chromium by default (``--static``: never, ``--page``: also without scripts). Exit codes: 0 no
errors (warnings allowed), 1 errors found, 2 bad usage (the composition path does not exist
or is not a composition, a bad flag, a browser that cannot start for ``--page``).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence

from ..errors import EngineError, InputError
from . import ERROR, WARNING, Problem, lint_report

__all__ = ["main", "build_parser", "summary"]

EPILOG = """\
checks (no frame is captured; the render refuses every composition with an error):
  static: root attributes, clips, scenes and transitions (the render's own validation, every
  problem instead of the first); unknown shaders and shader parameters, scenes named by
  transitions but missing, overlapping transitions; local assets missing or outside the
  composition folder; <video>/<audio> sources that are remote, data:/blob:, or do not probe
  (PyAV); warnings for clips that start at or after the composition's end or run past it,
  misspelled timing attributes (data-strat, data-duraton: within two edits of one the engine
  reads), transitions that run past the end (with the progress their last frame shows), color
  variables whose default is no CSS colour, references to other origins that an offline render
  blocks, clamped playback rates, HDR sources.
  page (Chromium, about a second more): by default when the composition has <script> elements
  and the static checks found no error; the page loaded once, as a render loads it:
  script-made transitions (window.__hf.transitions, HyperShader.init), a duration taken from
  the root timeline, scripts that throw, missing assets requested by scripts or CSS, fidelity
  warnings. --static skips it, --page loads also a composition without scripts.
  The last line (stderr) says which checks ran, e.g. "checks: static, page (Chromium)".

exit codes: 0 no errors (warnings allowed), 1 errors, 2 bad usage (no such composition, bad flag)

examples:
  python -m engine.lint examples/showcase
  python -m engine.lint my-comp/index.html --json
  python -m engine.lint my-comp --static
  python -m engine.lint my-comp --map-url https://cdn.jsdelivr.net/npm/gsap@3/=vendor/gsap
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m engine.lint",
        description="Check an HTML composition (a .html file or a folder with index.html) without rendering it: "
                    "every problem, one 'file:line: error: message' line each.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("composition", help="composition .html file or folder holding index.html")
    p.add_argument("--json", action="store_true",
                   help="print a JSON list of {file, line, severity, code, message} instead of lines")
    p.add_argument("--allow-network", action="store_true",
                   help="the render will run with --allow-network: references to other origins are not warned about")
    p.add_argument("--map-url", action="append", default=[], metavar="PREFIX=FOLDER",
                   help="the render will map URLs starting with PREFIX to local FOLDER (repeatable): their files "
                        "are checked instead of warned about")
    p.add_argument("--no-probe", dest="probe", action="store_false",
                   help="do not open media files with PyAV (faster; missing files are still found)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--page", dest="page", action="store_const", const=True, default=None,
                      help="load the page in Chromium even when the composition has no <script> (by default it is "
                           "loaded only when it has scripts); only when the static checks found no error")
    mode.add_argument("--static", dest="page", action="store_const", const=False,
                      help="static checks only: do not load the page in Chromium (quick; script-made transitions "
                           "and a timeline's duration are not checked)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary and no checks line on stderr")
    return p


def _url_map(items: Sequence[str]) -> dict[str, str]:
    url_map = {}
    for item in items:
        prefix, sep, folder = item.partition("=")
        if not sep or not prefix or not folder:
            raise InputError(f"--map-url {item!r} is not valid; expected PREFIX=FOLDER")
        url_map[prefix] = folder
    return url_map


def summary(problems: Sequence[Problem]) -> str:
    """``2 errors, 1 warning`` (``no problems``)."""
    errors = sum(p.severity == ERROR for p in problems)
    found = sum(p.severity == WARNING for p in problems)
    if not errors and not found:
        return "no problems"
    return f"{errors} error{'s' * (errors != 1)}, {found} warning{'s' * (found != 1)}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the lint; the exit code (0 clean or warnings only, 1 errors, 2 bad usage)."""
    args = build_parser().parse_args(argv)  # argparse exits 2 with the usage for a bad flag
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # everything worth saying is a problem line
            report = lint_report(args.composition, allow_network=args.allow_network, url_map=_url_map(args.map_url),
                                 media=args.probe, page=args.page)
    except InputError as exc:  # not a composition, a bad --map-url
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except EngineError as exc:  # --page: the browser could not start
        print(f"error: the page could not be loaded: {exc}", file=sys.stderr)
        return 2
    problems = report.problems
    if args.json:
        print(json.dumps([p.as_dict() for p in problems], indent=2))
    else:
        for problem in problems:
            print(problem)
    sys.stdout.flush()  # the problems before the summary, also when both streams go to one file
    if not args.quiet:
        print(f"{problems[0].file if problems else args.composition}: {summary(problems)}", file=sys.stderr)
        print(report.describe(), file=sys.stderr)
    return 1 if any(p.severity == ERROR for p in problems) else 0
