"""What the file server answers for a CDN URL: the file of the npm package, from the cache.

`CdnServer.serve` parses the URL (`urls.parse_cdn_url`), resolves a range or tag once
(`NpmCache.resolve`), takes the package from the cache or fills it with npm (`NpmCache.package`)
and picks the file (`Package.locate`). Failures are `VendorError`s whose message says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cache import NpmCache, shared_cache
from .npm import NpmFailedError, NpmUnavailableError, VendorError
from .urls import CdnRef, parse_cdn_url

__all__ = ["Served", "CdnServer"]


@dataclass(frozen=True)
class Served:
    """The answer for one CDN URL: the package `ref` names at its exact `version`, the file `path`
    served and its `body` (None when the package has no such file), whether the package was
    `fetched` now, and `note`: for a range or tag, the warning naming the version used."""

    ref: CdnRef
    version: str
    path: str | None
    body: bytes | None
    fetched: bool
    note: str | None
    files: int = 0

    @property
    def package(self) -> str:
        return f"{self.ref.name}@{self.version}"


class CdnServer:
    """Serves npm files for jsDelivr and unpkg URLs from `cache` (default: the shared cache of
    ``ENGINE_NPM_CACHE``)."""

    def __init__(self, cache: NpmCache | None = None) -> None:
        self.cache = cache or shared_cache()

    def _hint(self, ref: CdnRef) -> str:
        return (f"or run `python -m engine.vendor COMP` where npm works and copy {self.cache.root} here, or map the "
                f"URL to a folder holding the package's files: --map-url {ref.prefix()}=FOLDER (Python: url_map)")

    def serve(self, url: str) -> Served | None:
        """The answer for `url`; None when it is not a jsDelivr/unpkg npm URL. VendorError (its
        message says what to install or map) when the package cannot be had; PackagePathError
        for a path that would leave the package."""
        ref = parse_cdn_url(url)
        if ref is None:
            return None
        if ref.esm:
            raise VendorError(f"{ref.host} builds that ES-module bundle itself ({url}); the engine serves the npm "
                              f"package's own files: load one of its files instead (e.g. its dist/ build), "
                              + self._hint(ref))
        try:
            resolved = self.cache.resolve(ref.name, ref.spec)
            package, fetched = self.cache.package(ref.name, resolved.version)
        except NpmUnavailableError as exc:
            raise NpmUnavailableError(f"{ref.package_spec} is not in the engine's npm cache ({self.cache.root}) and "
                                      f"{exc}; " + self._hint(ref)) from None
        except NpmFailedError as exc:
            raise NpmFailedError(f"{ref.package_spec} is not in the engine's npm cache ({self.cache.root}) and npm "
                                 f"could not fetch it: {exc}; " + self._hint(ref)) from None
        path = package.locate(ref.path, ref.host)
        note = None
        if resolved.spec is not None:
            note = (f"{ref.package_spec} names no exact version: served {ref.name}@{resolved.version} from the "
                    f"engine's npm cache (npm resolved {resolved.spec!r} on {resolved.resolved} and the cache "
                    f"recorded it); write @{resolved.version} in the URL so every machine loads the same file")
        body = package.read(path) if path is not None else None
        return Served(ref, resolved.version, path, body, fetched, note, len(package.paths))
