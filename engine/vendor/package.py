"""One npm package's tarball, read safely into memory: its files by path, and its main file.

The tarball is decompressed once; each regular file is indexed by its path below the top
folder (``package/`` in npm's tarballs). A member that would leave the package (absolute, a
``..`` segment, a backslash or NUL), or a link or device, makes the whole tarball refused:
npm never writes those. Nothing is written to disk, so no path of the tarball can reach one.
"""

from __future__ import annotations

import gzip
import io
import json
import posixpath
import tarfile
import zlib
from typing import Any

from ..errors import PackagePathError, UnsafeTarballError, VendorError

__all__ = ["UnsafeTarballError", "PackagePathError", "Package"]

#: Fields of package.json that name the file a URL without a path serves, per CDN host.
_MAIN_FIELDS = {"cdn.jsdelivr.net": ("jsdelivr", "browser", "main"), "unpkg.com": ("unpkg", "browser", "main")}




def _clean(path: str, what: str, error: type[VendorError]) -> str:
    """`path` as a normalized relative POSIX path; `error` when it could leave its folder."""
    if "\x00" in path or "\\" in path:
        raise error(f"{what} {path!r}: backslashes and NUL bytes are not allowed")
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in parts or (path.startswith("/") and error is UnsafeTarballError):
        raise error(f"{what} {path!r} would leave the package folder")
    return "/".join(parts)


class Package:
    """The files of one tarball (`data`: its gzip-compressed bytes), by path; `label` names it."""

    def __init__(self, data: bytes, label: str) -> None:
        self.label = label
        try:
            self._raw = gzip.decompress(data)
            archive = tarfile.open(fileobj=io.BytesIO(self._raw), mode="r:")
            members = archive.getmembers()
        except (OSError, EOFError, zlib.error, tarfile.TarError) as exc:
            raise UnsafeTarballError(f"{label}: not a gzip-compressed tarball ({exc})") from None
        self._files: dict[str, tuple[int, int]] = {}
        for member in members:
            name = _clean(member.name, f"{label}: tarball member", UnsafeTarballError)
            if member.isdir():
                continue
            if not member.isfile():
                raise UnsafeTarballError(f"{label}: tarball member {member.name!r} is a link or device; npm "
                                         "packages hold regular files only")
            inside = name.split("/", 1)[1] if "/" in name else ""
            if inside:
                self._files[inside] = (member.offset_data, member.size)
        self._manifest: dict[str, Any] | None = None

    @property
    def paths(self) -> list[str]:
        return sorted(self._files)

    def read(self, path: str) -> bytes | None:
        """The file at `path` (relative to the package's folder), or None if it holds none.
        PackagePathError for a path that would leave the package."""
        found = self._files.get(_clean(path, f"{self.label}: path", PackagePathError))
        if found is None:
            return None
        offset, size = found
        return self._raw[offset:offset + size]

    def manifest(self) -> dict[str, Any]:
        """The package's package.json ({} when missing or invalid)."""
        if self._manifest is None:
            raw = self.read("package.json")
            try:
                loaded = json.loads(raw) if raw is not None else {}
            except ValueError:
                loaded = {}
            self._manifest = loaded if isinstance(loaded, dict) else {}
        return self._manifest

    def locate(self, path: str, host: str) -> str | None:
        """The file a CDN serves for `path`: the package's main file for '' (package.json's
        ``jsdelivr``/``unpkg``, ``browser`` or ``main`` field, then ``index.js``); a file named
        without its ``.js`` extension or as a folder with ``index.js``; ``X.min.js``/``X.min.css``
        as ``X.js``/``X.css`` when the package has no minified copy (jsDelivr minifies on the fly)."""
        if path == "":
            manifest = self.manifest()
            for field in _MAIN_FIELDS.get(host, ("main",)):
                value = manifest.get(field)
                if isinstance(value, str) and value.strip():
                    found = self.locate(value.strip(), host)
                    if found is not None:
                        return found
            return "index.js" if "index.js" in self._files else None
        clean = _clean(path, f"{self.label}: path", PackagePathError)
        candidates = [clean, clean + ".js", posixpath.join(clean, "index.js")]
        for suffix in (".min.js", ".min.css"):
            if clean.endswith(suffix):
                candidates.append(clean[: -len(suffix)] + suffix[4:])
        return next((c for c in candidates if c in self._files), None)
