"""``python -m engine.preview COMP`` (and the ``engine-preview`` console script): serve a preview
page of a composition, its frames rendered by the engine itself, live on save."""

from __future__ import annotations

import argparse
import sys
import webbrowser
from collections.abc import Sequence

from ..errors import EngineError, InputError

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m engine.preview",
        description="Preview a composition in a browser: scrub its exact frames (the render's own), live on save.")
    parser.add_argument("composition", help="an .html file or a folder with index.html")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: 0, a free port)")
    parser.add_argument("--no-open", action="store_true", help="do not open the page in the system browser")
    parser.add_argument("-o", "--output", default=None,
                        help="where the page's Render button writes (default: NAME.mp4 beside the composition's folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request on stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the preview until Ctrl-C; the exit code (2: bad input, 1: it could not start)."""
    args = build_parser().parse_args(argv)
    if not 0 <= args.port <= 65535:
        print(f"error: --port {args.port} is not valid; expected 0 (a free port) to 65535", file=sys.stderr)
        return 2
    from .server import PreviewServer

    try:
        server = PreviewServer(args.composition, host=args.host, port=args.port, output=args.output,
                               log_requests=args.verbose)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (EngineError, OSError) as exc:
        print(f"preview failed: {exc}", file=sys.stderr)
        return 1
    print(f"preview: {server.url}", flush=True)
    if not args.no_open:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    except EngineError as exc:
        print(f"preview failed: {exc}", file=sys.stderr)
        return 1
    finally:
        server.close()
    return 0
