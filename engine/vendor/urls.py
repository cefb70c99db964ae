"""CDN URLs of npm packages, parsed (pure functions, no I/O).

``https://cdn.jsdelivr.net/npm/PKG@VERSION/PATH`` and ``https://unpkg.com/PKG@VERSION/PATH``
(``PKG`` may be scoped, ``@scope/name``; ``@VERSION`` may be an exact version, a range such as
``3`` or ``^3.12``, a tag such as ``latest``, or missing; an empty ``PATH`` means the package's
main file) become a `CdnRef`. Also the semver helpers the cache needs: whether a spec is an
exact version, and the newest of several versions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

__all__ = ["CDN_HOSTS", "CdnRef", "parse_cdn_url", "is_cdn_url", "is_exact_version", "newest_version",
           "check_name", "check_spec"]

#: host -> path prefix under which npm packages are served.
CDN_HOSTS = {"cdn.jsdelivr.net": "/npm/", "unpkg.com": "/"}

_NAME = re.compile(r"^(?:@[a-z0-9][a-z0-9._~-]*/)?[A-Za-z0-9][A-Za-z0-9._~-]*$")
_SPEC = re.compile(r"^[A-Za-z0-9.^~<>=*|+ -]*$")
_EXACT = re.compile(r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
_UNPKG_RESERVED = {"browse", "favicon.ico", "robots.txt"}


@dataclass(frozen=True)
class CdnRef:
    """One CDN URL: `host`, package `name`, version `spec` ('' when the URL names none), the file
    `path` inside the package ('' for the main file) and `esm` (a bundle the CDN builds itself:
    jsDelivr's ``/+esm``, unpkg's ``?module``)."""

    host: str
    name: str
    spec: str
    path: str
    esm: bool = False

    @property
    def package_spec(self) -> str:
        """``name@spec`` as the URL wrote it (``name`` alone when it wrote no version)."""
        return f"{self.name}@{self.spec}" if self.spec else self.name

    def prefix(self) -> str:
        """The URL prefix of the package (what ``--map-url PREFIX=FOLDER`` would map)."""
        return f"https://{self.host}{CDN_HOSTS[self.host]}{self.package_spec}/"


def check_name(name: str) -> str:
    """`name` if it is a valid npm package name, else ValueError saying what is expected."""
    if len(name) > 214 or not _NAME.match(name):
        raise ValueError(f"{name!r} is not an npm package name; expected e.g. 'gsap' or '@scope/name' "
                         "(letters, digits, '.', '_', '~', '-')")
    return name


def check_spec(spec: str) -> str:
    """`spec` if it is a plausible version, range or tag (never an option npm would read)."""
    if len(spec) > 100 or not _SPEC.match(spec) or spec.startswith("-") or spec != spec.strip():
        raise ValueError(f"{spec!r} is not a version, range or tag; expected e.g. '3.12.5', '3', '^3.12' or 'latest'")
    return spec


def is_cdn_url(url: str) -> bool:
    """Whether `url` is on a CDN host this module knows, under its npm prefix."""
    parts = urlsplit(url)
    prefix = CDN_HOSTS.get(parts.hostname or "")
    return parts.scheme in ("http", "https") and prefix is not None and parts.path.startswith(prefix) \
        and len(parts.path) > len(prefix)


def parse_cdn_url(url: str) -> CdnRef | None:
    """`url` as a `CdnRef`; None when it is not an npm URL of jsDelivr or unpkg (or is not one
    that names a valid package). The path is percent-decoded; it is not checked here (the
    package reader refuses paths that would leave the package)."""
    if not is_cdn_url(url):
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    rest = unquote(parts.path[len(CDN_HOSTS[host]):])
    segments = rest.split("/")
    head_count = 2 if segments[0].startswith("@") else 1
    if len(segments) < head_count:
        return None
    head, path_parts = segments[:head_count], segments[head_count:]
    last = head[-1]
    name_last, _, spec = last.partition("@")
    name = "/".join([*head[:-1], name_last])
    if host == "unpkg.com" and name in _UNPKG_RESERVED:
        return None
    try:
        check_name(name)
        check_spec(spec)
    except ValueError:
        return None
    path = "/".join(path_parts)
    path = "" if path.strip("/") == "" else path
    esm = path == "+esm" or path.endswith("/+esm") or (host == "unpkg.com" and "module" in parts.query.split("&"))
    return CdnRef(host, name, spec, path, esm)


def is_exact_version(spec: str) -> bool:
    """Whether `spec` names one version (``3.12.5``, ``1.0.0-beta.2``), not a range or a tag."""
    return bool(_EXACT.match(spec))


def _key(version: str) -> tuple:
    """Sort key of an exact version by semver precedence (a prerelease before its release)."""
    match = _EXACT.match(version)
    if match is None:
        return (-1,)
    major, minor, patch, pre = match.groups()
    if pre is None:
        return (int(major), int(minor), int(patch), 1, ())
    ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (int(major), int(minor), int(patch), 0, ids)


def newest_version(versions: Iterable[str]) -> str:
    """The newest of `versions` (exact versions); ValueError when there is none."""
    given = list(versions)
    exact = [v for v in given if is_exact_version(v)]
    if not exact:
        raise ValueError(f"no exact version among {given!r}")
    return max(exact, key=_key)
