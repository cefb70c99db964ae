"""Pure path rules of the file server: which local file a URL may read, and which it may not.

`resolve_in_root` maps a URL path onto a folder and refuses anything that could leave it:
``..`` segments (also percent-encoded, once decoded), NUL bytes, backslashes and symlinks
whose target lies outside. `map_url` applies the URL-prefix-to-folder mapping option.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import ConfigError, PathRefusedError

__all__ = ["PathRefusedError", "resolve_in_root", "map_url", "normalize_url_map"]



def resolve_in_root(root: Path, url_path: str) -> Path:
    """The real path `url_path` (a URL's path, still percent-encoded) names under `root`.

    Raises `PathRefusedError` when it would leave `root`; the file need not exist.
    """
    decoded = unquote(url_path)
    if "\x00" in decoded:
        raise PathRefusedError(f"refused {url_path!r}: it holds a NUL byte")
    if "\\" in decoded:
        raise PathRefusedError(f"refused {url_path!r}: backslashes are not allowed in asset paths")
    parts = decoded.split("/")
    if ".." in parts:
        raise PathRefusedError(f"refused {url_path!r}: '..' would leave the composition folder")
    real_root = root.resolve()
    candidate = real_root.joinpath(*[p for p in parts if p not in ("", ".")])
    real = candidate.resolve()
    if real != real_root and real_root not in real.parents:
        raise PathRefusedError(f"refused {url_path!r}: it leads outside the composition folder (through a symlink)")
    return real


def normalize_url_map(url_map: Mapping[str, str | Path] | None) -> tuple[tuple[str, Path], ...]:
    """The mapping option as (prefix, real folder) pairs, longest prefix first; ConfigError if invalid."""
    pairs = []
    for prefix, folder in (url_map or {}).items():
        parts = urlsplit(prefix)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"{_given(prefix, folder)}: the prefix is not valid; expected an http(s) URL prefix "
                              "such as 'https://cdn.example.com/lib@1.0/'")
        path = Path(folder).expanduser().resolve()
        if not path.is_dir():
            why = "it is a file" if path.exists() else "it does not exist"
            relative = "" if Path(folder).expanduser().is_absolute() else \
                f"; a relative FOLDER is read from the current directory, {Path.cwd()}"
            raise ConfigError(f"{_given(prefix, folder)}: {str(path)!r} is not a folder ({why}{relative})")
        pairs.append((prefix, path))
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def _given(prefix: str, folder: object) -> str:
    """The mapping as the caller wrote it: ``--map-url PREFIX=FOLDER`` or ``url_map[PREFIX] = FOLDER``."""
    from ..caller import from_cli

    return f"--map-url {prefix}={folder}" if from_cli() else f"url_map[{prefix!r}] = {str(folder)!r}"


def map_url(url: str, url_map: tuple[tuple[str, Path], ...]) -> tuple[Path, str] | None:
    """(folder, path relative to it) when `url` starts with a mapped prefix, else None."""
    for prefix, folder in url_map:
        if url.startswith(prefix):
            rest = url[len(prefix):].split("?", 1)[0].split("#", 1)[0]
            return folder, rest
    return None
