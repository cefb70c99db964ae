"""The command line: ``python -m engine.vendor COMP`` (also ``engine-vendor``).

Finds every jsDelivr/unpkg npm URL the composition references (`scan`) and fills the engine's
npm cache with their packages ahead of a render, for machines that render offline (Ray nodes,
air-gapped hosts): one line per URL on stdout, a summary on stderr. Exit codes: 0 every URL is
served from the cache, 1 some could not be (npm missing or failing, no such file in the
package), 2 bad usage (no such composition, an argument that is neither, a bad knob value).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import ConfigError
from .cache import cache_dir_from_env, shared_cache
from .npm import VendorError
from .scan import Found, scan
from .serve import CdnServer
from .urls import parse_cdn_url

__all__ = ["main", "build_parser"]

EPILOG = """\
The cache folder is ENGINE_NPM_CACHE (default $XDG_CACHE_HOME/engine/npm, else ~/.cache/engine/npm);
packages are fetched with npm's own client (npm pack), so npm's configuration (registry, proxy,
auth) applies. A render with the network off (the default) serves these URLs from the cache.

exit codes: 0 all cached, 1 some URL could not be cached, 2 bad usage

examples:
  python -m engine.vendor examples/showcase
  python -m engine.vendor my-comp/index.html --list
  python -m engine.vendor https://cdn.jsdelivr.net/npm/gsap@3.12.5/dist/gsap.min.js
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m engine.vendor",
        description="Fill the engine's npm cache with the CDN libraries (cdn.jsdelivr.net/npm, unpkg.com) that "
                    "compositions load, so that they render offline.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("items", nargs="+", metavar="COMP|URL",
                   help="a composition (.html file or folder holding index.html), or a CDN URL")
    p.add_argument("--list", action="store_true", help="only list the CDN URLs found; fetch nothing")
    return p


def _collect(items: Sequence[str]) -> list[Found]:
    """The CDN URLs `items` name (URLs as given, compositions scanned); ValueError for bad usage."""
    found: dict[str, Found] = {}
    for item in items:
        if "://" in item:
            if parse_cdn_url(item) is None:
                raise ValueError(f"{item!r} is not a jsDelivr or unpkg npm URL; expected e.g. "
                                 "https://cdn.jsdelivr.net/npm/gsap@3.12.5/dist/gsap.min.js")
            found.setdefault(item, Found(item, "(argument)"))
            continue
        try:
            for hit in scan(item):
                found.setdefault(hit.url, Found(hit.url, f"{item.rstrip('/')}: {hit.file}"))
        except FileNotFoundError as exc:
            raise ValueError(str(exc)) from None
    return list(found.values())


def main(argv: Sequence[str] | None = None) -> int:
    """Fill the cache; the exit code (0 all cached, 1 some failed, 2 bad usage)."""
    args = build_parser().parse_args(argv)
    try:
        found = _collect(args.items)
        server = CdnServer(shared_cache(cache_dir_from_env()))
    except (ValueError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.list:
        for hit in found:
            print(f"{hit.url}  ({hit.file})")
        print(f"{len(found)} CDN URL(s)", file=sys.stderr)
        return 0
    failed, packages = 0, set()
    for hit in found:
        try:
            served = server.serve(hit.url)
        except VendorError as exc:
            failed += 1
            print(f"error: {hit.url} ({hit.file}): {exc}", file=sys.stderr)
            continue
        assert served is not None
        packages.add(served.package)
        if served.body is None:
            failed += 1
            print(f"error: {hit.url} ({hit.file}): {served.package} has no file {served.ref.path or '(main)'!r}",
                  file=sys.stderr)
            continue
        how = "fetched with npm" if served.fetched else "already cached"
        print(f"{how}: {served.package} {served.path} ({len(served.body):,} bytes) <- {hit.url}")
        if served.note:
            print(f"note: {served.note}", file=sys.stderr)
    print(f"{len(found)} CDN URL(s), {len(packages)} package(s) in {server.cache.root}"
          + (f"; {failed} could not be cached" if failed else ""), file=sys.stderr)
    return 1 if failed else 0
