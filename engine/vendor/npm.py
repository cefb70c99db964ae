"""npm's own client, run as a subprocess: ``npm pack`` fetches a package's tarball, ``npm view``
resolves a range or tag. The engine names no registry: npm's configuration (``.npmrc``,
``NPM_CONFIG_*``: registry, proxy, auth, CA) decides where the tarball comes from, and npm
checks its integrity. npm runs in a fresh temporary folder, so no project's ``.npmrc`` applies.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import NpmFailedError, NpmUnavailableError, VendorError
from .urls import check_name, check_spec, newest_version

__all__ = ["VendorError", "NpmUnavailableError", "NpmFailedError", "Packed", "npm_path", "npm_pack", "npm_view",
           "INSTALL_HINT"]

#: What to install when npm is missing.
INSTALL_HINT = "install npm (Debian: `apt install npm`, or Node.js, which brings it)"
_TIMEOUT_S = 300.0





@dataclass(frozen=True)
class Packed:
    """What ``npm pack`` produced: the tarball's bytes, and npm's own report of it."""

    name: str
    version: str
    integrity: str  # npm's subresource-integrity string, ``sha512-<base64>``
    data: bytes


def npm_path() -> str | None:
    """The npm executable on PATH, or None."""
    return shutil.which("npm")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NPM_CONFIG_UPDATE_NOTIFIER": "false", "NPM_CONFIG_FUND": "false", "NPM_CONFIG_AUDIT": "false"})
    return env


def _run(args: list[str], what: str, cwd: str) -> str:
    """npm's stdout; NpmUnavailableError / NpmFailedError (with npm's reason) on failure."""
    npm = npm_path()
    if npm is None:
        raise NpmUnavailableError(f"npm is not installed (not on PATH), so the engine cannot fetch {what}: "
                                  f"{INSTALL_HINT}")
    try:
        done = subprocess.run([npm, *args], cwd=cwd, env=_env(), capture_output=True, text=True,
                              timeout=_TIMEOUT_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise NpmFailedError(f"`npm {' '.join(args)}` did not finish in {_TIMEOUT_S:g} s") from None
    except OSError as exc:
        raise NpmFailedError(f"`npm {' '.join(args)}` could not start: {exc}") from None
    if done.returncode != 0:
        raise NpmFailedError(f"`npm {' '.join(args)}` failed: {_reason(done.stdout, done.stderr)}")
    return done.stdout


def _reason(stdout: str, stderr: str) -> str:
    """npm's own account of a failure: the JSON error's summary, else its first error lines."""
    try:
        error = json.loads(stdout).get("error", {})
        if isinstance(error, dict) and error.get("summary"):
            return f"{error.get('code', 'error')} {error['summary']}".strip()
    except (ValueError, AttributeError):
        pass
    lines = [line.removeprefix("npm error").removeprefix("npm ERR!").strip() for line in stderr.splitlines()]
    lines = [line for line in lines if line and not line.startswith("A complete log")]
    return "; ".join(lines[:3]) or f"exit status without a message (stderr: {stderr.strip()[:200]!r})"


def npm_pack(name: str, version: str) -> Packed:
    """``npm pack NAME@VERSION --json`` into a temporary folder: the tarball and npm's report."""
    spec = f"{check_name(name)}@{check_spec(version)}"
    with tempfile.TemporaryDirectory(prefix="engine-npm-pack-") as tmp:
        out = _run(["pack", spec, "--json", "--pack-destination", tmp, "--ignore-scripts"], spec, tmp)
        try:
            report = json.loads(out)[0]
            filename, integrity = str(report["filename"]), str(report["integrity"])
            packed_name, packed_version = str(report["name"]), str(report["version"])
        except (ValueError, LookupError, TypeError) as exc:
            raise NpmFailedError(f"`npm pack {spec} --json` printed no report the engine understands ({exc}): "
                                 f"{out[:200]!r}") from None
        tarball = Path(tmp) / Path(filename).name
        if not tarball.is_file():
            found = sorted(p.name for p in Path(tmp).glob("*.tgz"))
            if len(found) != 1:
                raise NpmFailedError(f"`npm pack {spec}` reported {filename!r}, which it did not write")
            tarball = Path(tmp) / found[0]
        return Packed(packed_name, packed_version, integrity, tarball.read_bytes())


def npm_view(name: str, spec: str) -> str:
    """The newest version of `name` that `spec` (a range or tag; '' for ``latest``) matches, by
    ``npm view NAME@SPEC version --json``."""
    query = f"{check_name(name)}@{check_spec(spec) or 'latest'}"
    with tempfile.TemporaryDirectory(prefix="engine-npm-view-") as tmp:
        out = _run(["view", query, "version", "--json"], f"the versions of {query}", tmp)
    try:
        found = json.loads(out) if out.strip() else []
    except ValueError:
        raise NpmFailedError(f"`npm view {query} version --json` printed {out[:200]!r}, not JSON") from None
    versions = [found] if isinstance(found, str) else [str(v) for v in found] if isinstance(found, list) else []
    try:
        return newest_version(versions)
    except ValueError:
        raise NpmFailedError(f"no published version of {name} matches {spec or 'latest'!r}") from None
