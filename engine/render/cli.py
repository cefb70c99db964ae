"""The command line: ``python -m engine.render COMPOSITION -o OUTPUT [options]``.

Exit codes: 0 success, 1 the render failed, 2 bad input (composition, flags), 130 interrupted
(SIGINT), 143 terminated (SIGTERM); either signal tears the render down and writes no output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import textwrap
import threading
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..caller import cli_call
from ..errors import ConfigError, EngineError, InputError, RenderCancelled, RenderWarning
from ..knobs import KNOBS, Knob, cli_epilog, knob

#: The flags written by hand rather than generated from their knob by `_knob_flag`, and why (each
#: is still in the knob table, which gives its help unless said otherwise).
HAND_WRITTEN = {
    "--no-audio": "a negative switch of the `audio` option: its help says what the flag does, not the option",
    "--map-url": "repeatable PREFIX=FOLDER pairs, parsed into the `url_map` dict of the capture options",
    "--variables": "one of a mutually exclusive pair with --variables-file; parsed as a JSON object",
    "--variables-file": "one of a mutually exclusive pair with --variables; the file holds the JSON object",
    "--hdr": "--hdr and --sdr: a mutually exclusive pair of switches setting the one `dynamic_range` option to hdr "
             "or sdr (neither: auto)",
}


def _help(option: str) -> str:
    """A flag's help from the knob table, with its default unless the flag is an on/off switch."""
    k = knob(option)
    default = k.default.replace("`", "")
    if k.env:
        default = f"{k.env} or {default}"
    bounds = f", {k.lo}..{k.hi}" if k.lo is not None and k.choices is None else ""
    text = k.help + bounds + ("" if k.values == "flag" else f" (default: {default})")
    return text.replace("%", "%%")  # argparse formats help with %


def _knob_flag(p: argparse.ArgumentParser, k: Knob) -> None:
    """Add the flag of knob `k` (its value lands in ``args.<option>``): an on/off switch
    (``values="flag"``), a choice (its default the knob's) or a value (default None: the
    render's own default applies)."""
    assert k.flag is not None
    names = k.flag.split("/")
    if k.values == "flag":
        p.add_argument(*names, dest=k.option, action="store_true", help=_help(k.option))
    elif k.choices is not None:
        p.add_argument(*names, dest=k.option, default=k.default, choices=k.choices, help=_help(k.option))
    else:
        p.add_argument(*names, dest=k.option, metavar=k.metavar or k.option.upper(), help=_help(k.option))


def generated_knobs() -> list[Knob]:
    """The knobs whose flags `build_parser` generates (every knob with a flag but `HAND_WRITTEN`)."""
    return [k for k in KNOBS if k.flag and not any(f in HAND_WRITTEN for f in k.flag.split("/"))]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m engine.render",
        description=textwrap.fill(
            "Render an HTML composition (a .html file or a folder with index.html) to a video. Relative paths (the "
            "composition, -o, the --map-url and --fonts folders, --variables-file, --batch, --stats-json) are read "
            "from the current directory.", width=100),
        epilog=cli_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("composition", help="composition .html file or folder holding index.html")
    p.add_argument("-o", "--output", required=True,
                   help="output: a video file (.mp4, .mov, .webm, .mkv), an animated .gif, a PNG sequence "
                        "(frames/f_%%04d.png: one file per frame, numbered by frame) or, with --still, one .png")
    for k in generated_knobs():
        _knob_flag(p, k)
    # HAND_WRITTEN, with the reasons there
    p.add_argument("--map-url", dest="url_map", action="append", default=[], metavar=knob("url_map").metavar,
                   help=_help("url_map"))
    given = p.add_mutually_exclusive_group()
    given.add_argument("--variables", metavar=knob("variables").metavar, help=_help("variables"))
    given.add_argument("--variables-file", metavar=knob("variables_file").metavar, help=_help("variables_file"))
    dynamic = p.add_mutually_exclusive_group()
    dynamic.add_argument("--hdr", dest="dynamic_range", action="store_const", const="hdr",
                         help=_help("dynamic_range"))
    dynamic.add_argument("--sdr", dest="dynamic_range", action="store_const", const="sdr",
                         help="SDR output: HDR sources are tone-mapped (neither flag: HDR when a source is)")
    p.add_argument("--no-audio", dest="audio", action="store_false",
                   help="write no audio stream (without it, the <audio> clips and the sound of unmuted <video> "
                        "clips are mixed into a video output: 48 kHz stereo, AAC in MP4 and MKV, 24-bit PCM in MOV)")
    return p


def _capture_options(args: argparse.Namespace) -> dict[str, object]:
    """The capture options the flags give: each capture knob's flag that was given."""
    url_map = {}
    for item in args.url_map:
        prefix, sep, folder = item.partition("=")
        if not sep or not prefix or not folder:
            raise InputError(f"--map-url {item!r} is not valid; expected PREFIX=FOLDER")
        url_map[prefix] = folder
    options: dict[str, object] = {k.option: getattr(args, k.option) for k in generated_knobs()
                                  if k.scope == "capture" and getattr(args, k.option) not in (None, False)}
    if url_map:
        options["url_map"] = url_map
    return options


def _variables(args: argparse.Namespace) -> dict[str, Any] | None:
    """The --variables / --variables-file object (ConfigError naming the flag), or None."""
    from ..composition.variables import parse_values, read_values_file

    if args.variables is not None:
        return parse_values(args.variables, "--variables")
    if args.variables_file is not None:
        return read_values_file(args.variables_file, "--variables-file")
    return None


def _check_stats_path(value: str | None) -> Path | None:
    """The --stats-json file, checked before the render starts (its folder exists and is writable)."""
    if value is None:
        return None
    path = Path(value)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ConfigError(f"--stats-json {value!r} is a folder; expected a file path")
    if not folder.is_dir():
        raise ConfigError(f"--stats-json {value!r}: folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise ConfigError(f"--stats-json {value!r}: folder {str(folder)!r} is not writable")
    return path


class _Signals:
    """SIGINT/SIGTERM set the render's cancel event, so it stops between frames and tears down
    in order (no exception thrown into the browser driver); a second signal interrupts at once."""

    def __init__(self) -> None:
        self.cancel = threading.Event()
        self.received: int | None = None
        self._previous: dict[int, object] = {}

    def _handle(self, signum: int, frame: object) -> None:
        if self.cancel.is_set():
            raise KeyboardInterrupt
        self.received = signum
        self.cancel.set()

    def __enter__(self) -> _Signals:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]

    @property
    def exit_code(self) -> int:
        return 143 if self.received == signal.SIGTERM else 130


@contextlib.contextmanager
def _warnings_on_stderr(bar: Any) -> Iterator[None]:
    """Each `RenderWarning` (what cannot be rendered faithfully, a blocked request) as one
    ``warning: ...`` line on stderr, once per text, above the progress bar."""
    previous = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: Any = None, line: str | None = None) -> None:
        if not issubclass(category, RenderWarning):
            previous(message, category, filename, lineno, file, line)
            return
        text = f"warning: {message}"
        if bar is not None:
            bar.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr)

    with warnings.catch_warnings():
        warnings.simplefilter("default", RenderWarning)
        warnings.showwarning = show
        yield


def _render_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The render options the flags give (all but the output, the variables and the callbacks):
    every render knob's flag, left out where not given (the render's default applies)."""
    kwargs = {k.option: getattr(args, k.option) for k in generated_knobs() if k.scope == "render"}
    kwargs = {name: value for name, value in kwargs.items() if value is not None}
    if args.dynamic_range is not None:
        kwargs["dynamic_range"] = args.dynamic_range
    return {**kwargs, "audio": args.audio, "capture": _capture_options(args)}


def _batch(args: argparse.Namespace, progress: Any, cancel: threading.Event, bar: Any) -> tuple[int, Any]:
    """Render every row of --batch on one warm Renderer; (exit code, the rows)."""
    from .batch import plan_batch, read_batch, run_batch
    from .options import RenderOptions
    from .warm import Renderer

    base = _variables(args) or {}
    kwargs = _render_kwargs(args)
    rows = [{**base, **row} for row in read_batch(args.batch)]
    planned = plan_batch(args.composition, args.output, rows, RenderOptions(**kwargs))

    def one(row: Any) -> Any:
        if bar is not None:
            bar.reset(total=0)
            bar.set_description(f"row {row.index}")
        return renderer.render(args.composition, row.output, variables=row.variables, progress=progress,
                               cancel=cancel)

    def report(row: Any) -> None:
        if args.quiet:
            return
        text = f"row {row.index}: {row.output}: {row.status} in {row.seconds:.2f} s" + \
            (f": {row.error}" if row.error else "")
        (bar.write if bar is not None else print)(text, file=sys.stderr)

    with Renderer(**kwargs) as renderer:
        run_batch(one, planned, fail_fast=args.batch_fail_fast, on_row=report)
    return (1 if any(r.status != "done" for r in planned) else 0), planned


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line (`argv`: its arguments; None: ``sys.argv``); the exit code."""
    with cli_call():  # messages name the flags, not Python's keyword arguments
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)  # argparse exits 2 with the usage for a bad flag
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(name)s: %(message)s")
    from .api import render  # imported late: --help stays fast

    show_progress = not args.quiet and sys.stderr.isatty()
    bar = None
    signals = _Signals()
    code, rows, result = 0, None, None
    try:
        if show_progress:
            from tqdm import tqdm

            bar = tqdm(total=0, unit="frame", file=sys.stderr, dynamic_ncols=True)

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.total = total
                bar.update(done - bar.n)

        stats_path = _check_stats_path(args.stats_json)
        with signals, _warnings_on_stderr(bar):
            if args.batch is not None:
                code, rows = _batch(args, progress, signals.cancel, bar)
            else:
                result = render(args.composition, args.output, **_render_kwargs(args), variables=_variables(args),
                                progress=progress, cancel=signals.cancel)
    except (KeyboardInterrupt, RenderCancelled):
        name = "terminated" if signals.received == signal.SIGTERM else "interrupted"
        print(f"\n{name}: no output written", file=sys.stderr)
        return signals.exit_code
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except EngineError as exc:
        print(f"render failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - an unexpected failure still exits 1 with its message
        logging.getLogger("engine.render").debug("unexpected error", exc_info=True)
        print(f"render failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if bar is not None:
            bar.close()
    if rows is not None:
        from .batch import batch_table

        stats: Any = {"batch": [row.as_dict() for row in rows]}
        summary = batch_table(rows)
    else:
        assert result is not None
        stats, summary = result.as_dict(), result.summary()
    if stats_path is not None:
        try:
            stats_path.write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            print(f"render failed: the output was written but --stats-json {str(stats_path)!r} could not be: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            return 1
    if not args.quiet:
        print(summary, file=sys.stderr)
    return code
