"""Libraries a composition loads from CDNs, served offline from a local, content-addressed npm cache.

``https://cdn.jsdelivr.net/npm/PKG@VERSION/PATH`` and ``https://unpkg.com/PKG@VERSION/PATH``
(`urls`) are answered by the file server (`engine.capture.router`) from the npm package's
tarball, which npm's own client fetched once (`npm`: ``npm pack``; a range or tag resolved once
by ``npm view``) into the cache (`cache`; ``ENGINE_NPM_CACHE``), checked by its SHA-512 on every
read. ``python -m engine.vendor COMP`` fills the cache ahead of a render (`scan`, `cli`).
``ENGINE_CDN=off`` blocks these URLs like any other origin.
"""

from __future__ import annotations

from .cache import CacheCorruptError, NpmCache, cache_dir_from_env, cdn_mode, default_cache_dir, shared_cache
from .npm import INSTALL_HINT, NpmFailedError, NpmUnavailableError, VendorError
from .package import Package, PackagePathError, UnsafeTarballError
from .scan import Found, scan
from .serve import CdnServer, Served
from .urls import CdnRef, is_cdn_url, is_exact_version, newest_version, parse_cdn_url

__all__ = ["CdnRef", "parse_cdn_url", "is_cdn_url", "is_exact_version", "newest_version", "NpmCache", "Package",
           "CdnServer", "Served", "Found", "scan", "VendorError", "NpmUnavailableError", "NpmFailedError",
           "CacheCorruptError", "PackagePathError", "UnsafeTarballError", "INSTALL_HINT", "cache_dir_from_env",
           "default_cache_dir", "cdn_mode", "shared_cache"]
