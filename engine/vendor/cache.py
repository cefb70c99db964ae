"""The engine's npm cache: content-addressed tarballs and an index, under the user's cache folder.

Layout of the folder (``ENGINE_NPM_CACHE``, default ``$XDG_CACHE_HOME/engine/npm``, else
``~/.cache/engine/npm``)::

    blobs/sha512/<hex>.tgz          a tarball, named by the SHA-512 of its bytes
    index/<name>@<version>.json     pkg@exact-version -> its digest (``@scope/x`` written ``@scope+x``)
    ranges/<name>@<spec>.json       a range or tag -> the exact version npm resolved it to, once

Every file is written to a temporary file in its folder and renamed into place, so concurrent
fillers (threads, processes, Ray actors on one node) never expose a partial file; the last
rename wins, with the same content. Every read of a tarball checks its digest against the index;
a tarball that fails is removed and fetched again. Once a package is in the cache it is served
without npm or a network, the same bytes every time.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import CacheCorruptError, ConfigError
from ..knobs import knob
from .npm import NpmFailedError, npm_pack, npm_view
from .package import Package
from .urls import check_name, check_spec, is_exact_version

__all__ = ["NpmCache", "Resolved", "CacheCorruptError", "default_cache_dir", "cache_dir_from_env", "cdn_mode",
           "shared_cache", "clear_memory"]

log = logging.getLogger("engine.vendor")
_KEEP = 8  # packages held decompressed in memory per process
_memory: OrderedDict[str, Package] = OrderedDict()
_memory_lock = threading.Lock()
_fill_locks: dict[str, threading.Lock] = {}
_caches: dict[Path, NpmCache] = {}



def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/engine/npm`` (an absolute XDG_CACHE_HOME only, per the spec), else ``~/.cache/engine/npm``."""
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "engine" / "npm"


def cache_dir_from_env() -> Path:
    """The cache folder: ``ENGINE_NPM_CACHE`` (validated: not an existing non-folder), else the default."""
    raw = knob("npm_cache").from_env(None)
    if raw is None:
        return default_cache_dir()
    path = Path(os.path.abspath(os.path.expanduser(str(raw))))
    if path.exists() and not path.is_dir():
        raise ConfigError(f"ENGINE_NPM_CACHE={raw!r} is not a folder; expected the folder of the engine's npm cache "
                          "(made if missing)")
    return path


def cdn_mode() -> str:
    """``ENGINE_CDN`` (validated): ``cache`` (default) or ``off``."""
    return str(knob("cdn").from_env("cache"))


def shared_cache(root: Path | None = None) -> NpmCache:
    """One `NpmCache` per folder for the whole process (its fill locks are shared by every session)."""
    folder = (root or cache_dir_from_env()).resolve()
    with _memory_lock:
        return _caches.setdefault(folder, NpmCache(folder))


def _atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("ignoring the unreadable npm cache index entry %s (%s)", path, exc)
        return None
    return loaded if isinstance(loaded, dict) else None


def _remember(digest: str, package: Package) -> None:
    """Keep `package` decompressed in memory (the last `_KEEP` used)."""
    with _memory_lock:
        _memory[digest] = package
        _memory.move_to_end(digest)
        while len(_memory) > _KEEP:
            _memory.popitem(last=False)


def clear_memory() -> None:
    """Forget the packages held in memory (the next read loads, and checks, the tarball again)."""
    with _memory_lock:
        _memory.clear()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass(frozen=True)
class Resolved:
    """The exact `version` a spec names; for a range or tag, `spec` and when it was `resolved`."""

    version: str
    spec: str | None = None
    resolved: str | None = None


class NpmCache:
    """The cache in folder `root` (nothing is made until something is stored)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # ---- paths ----
    def blob_path(self, sha512_hex: str) -> Path:
        return self.root / "blobs" / "sha512" / f"{sha512_hex}.tgz"

    def index_path(self, name: str, version: str) -> Path:
        return self.root / "index" / f"{check_name(name).replace('/', '+')}@{check_spec(version)}.json"

    def range_path(self, name: str, spec: str) -> Path:
        return self.root / "ranges" / f"{check_name(name).replace('/', '+')}@{quote(spec or 'latest', safe='')}.json"

    # ---- versions ----
    def resolve(self, name: str, spec: str) -> Resolved:
        """The exact version `spec` names: itself, the version recorded for a range or tag, or the
        newest match by ``npm view`` (recorded, so that it is resolved once)."""
        if is_exact_version(spec):
            return Resolved(spec.removeprefix("v"))
        path = self.range_path(name, spec)
        entry = _read_json(path)
        if entry and isinstance(entry.get("version"), str) and is_exact_version(entry["version"]):
            return Resolved(entry["version"], spec or "latest", str(entry.get("resolved", "")))
        version = npm_view(name, spec)
        resolved = _now()
        record = {"name": name, "spec": spec or "latest", "version": version, "resolved": resolved}
        _atomic_write(path, json.dumps(record, indent=1).encode())
        return Resolved(version, spec or "latest", resolved)

    # ---- packages ----
    def digest(self, name: str, version: str) -> str | None:
        """The SHA-512 (hex) the index records for `name@version`, or None."""
        entry = _read_json(self.index_path(name, version))
        value = entry.get("sha512") if entry else None
        return value if isinstance(value, str) and len(value) == 128 else None

    def load(self, name: str, version: str) -> Package | None:
        """`name@version` from the cache (its digest checked), or None when it is not cached.
        CacheCorruptError when its tarball's bytes do not match the index."""
        digest = self.digest(name, version)
        if digest is None:
            return None
        with _memory_lock:
            if digest in _memory:
                _memory.move_to_end(digest)
                return _memory[digest]
        try:
            data = self.blob_path(digest).read_bytes()
        except FileNotFoundError:
            return None
        actual = hashlib.sha512(data).hexdigest()
        if actual != digest:
            raise CacheCorruptError(f"{name}@{version}: the cached tarball {self.blob_path(digest)} has SHA-512 "
                                    f"{actual[:16]}..., not {digest[:16]}... as the index records")
        package = Package(data, f"{name}@{version}")
        _remember(digest, package)
        return package

    def package(self, name: str, version: str) -> tuple[Package, bool]:
        """`name@version` (an exact version), and whether it was fetched now: from the cache, else
        by ``npm pack`` (NpmUnavailableError / NpmFailedError when that fails). A corrupt cached
        tarball is removed and fetched again."""
        key = f"{name}@{version}"
        with _memory_lock:
            lock = _fill_locks.setdefault(f"{self.root}|{key}", threading.Lock())
        with lock:
            try:
                found = self.load(name, version)
            except CacheCorruptError as exc:
                log.warning("%s; fetching it again", exc)
                digest = self.digest(name, version)
                if digest is not None:
                    with contextlib.suppress(OSError):
                        self.blob_path(digest).unlink()
                found = None
            if found is not None:
                return found, False
            return self.fill(name, version), True

    def fill(self, name: str, version: str) -> Package:
        """Fetch `name@version` with ``npm pack``, check it against npm's integrity and that it
        unpacks safely, then store the tarball and its index entry."""
        packed = npm_pack(name, version)
        if packed.name != name or packed.version != version:
            raise NpmFailedError(f"`npm pack {name}@{version}` produced {packed.name}@{packed.version}")
        digest = hashlib.sha512(packed.data).hexdigest()
        algorithm, _, expected = packed.integrity.partition("-")
        if algorithm == "sha512" and base64.b64decode(expected) != bytes.fromhex(digest):
            raise NpmFailedError(f"`npm pack {name}@{version}`: the tarball does not match npm's integrity "
                                 f"{packed.integrity[:24]}...")
        package = Package(packed.data, f"{name}@{version}")  # refuses an unsafe tarball before storing it
        _atomic_write(self.blob_path(digest), packed.data)
        entry = {"name": name, "version": version, "sha512": digest, "integrity": packed.integrity,
                 "size": len(packed.data), "fetched": _now()}
        _atomic_write(self.index_path(name, version), json.dumps(entry, indent=1).encode())
        _remember(digest, package)
        return package

    def cached(self) -> list[dict[str, Any]]:
        """Every index entry (for listings)."""
        folder = self.root / "index"
        entries = [_read_json(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []
        return [e for e in entries if e]
