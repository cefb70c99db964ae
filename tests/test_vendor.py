"""CDN libraries served from the engine's npm cache (`engine.vendor`): URL parsing, the
content-addressed cache (digests checked, unsafe tarballs and paths refused, ranges resolved
once) against a fake npm, the ``engine.vendor`` command, and real renders: GSAP fetched from
jsDelivr by the real ``npm pack``, then rendered again with npm failing (offline)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
import warnings
from pathlib import Path

import av
import numpy as np
import pytest

import engine
from engine.capture import BrowserSession
from engine.capture.router import AssetRouter, CdnVersionWarning
from engine.errors import ConfigError
from engine.vendor import (
    CdnRef,
    CdnServer,
    NpmCache,
    NpmFailedError,
    NpmUnavailableError,
    Package,
    PackagePathError,
    UnsafeTarballError,
    VendorError,
    is_exact_version,
    newest_version,
    parse_cdn_url,
)
from engine.vendor.cache import cache_dir_from_env, clear_memory, default_cache_dir

JSD, UNPKG = "https://cdn.jsdelivr.net/npm/", "https://unpkg.com/"
FAKE_NPM = """#!{python}
import base64, hashlib, json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_NPM_LOG"], "a") as log:
    log.write(" ".join(args) + "\\n")
if os.environ.get("FAKE_NPM_FAIL"):
    print(json.dumps({{"error": {{"code": "E404", "summary": os.environ["FAKE_NPM_FAIL"]}}}}))
    print("npm error code E404", file=sys.stderr)
    sys.exit(1)
if args[0] == "view":
    print(os.environ["FAKE_NPM_VIEW"])
elif args[0] == "pack":
    spec, dest = args[1], args[args.index("--pack-destination") + 1]
    name, _, version = spec.rpartition("@")
    data = open(os.environ["FAKE_NPM_TARBALL"], "rb").read()
    filename = name.lstrip("@").replace("/", "-") + "-" + version + ".tgz"
    open(os.path.join(dest, filename), "wb").write(data)
    integrity = os.environ.get("FAKE_NPM_INTEGRITY") or "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    print(json.dumps([{{"name": name, "version": version, "filename": filename, "integrity": integrity}}]))
"""


def tgz(files: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    """A gzip-compressed tarball of `files` (member names as given) and symlink members `links`."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name in links:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            archive.addfile(info)
    return out.getvalue()


LIB = {"package/package.json": b'{"name": "lib", "version": "1.2.3", "main": "dist/lib", "unpkg": "dist/lib.umd.js"}',
       "package/dist/lib.js": b"window.lib = 'main';", "package/dist/lib.umd.js": b"window.lib = 'umd';",
       "package/dist/extra.js": b"window.extra = 1;", "package/sub/index.js": b"export default 1;"}


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets an empty cache folder (never the user's) and a fresh memory."""
    folder = tmp_path / "npm-cache"
    monkeypatch.setenv("ENGINE_NPM_CACHE", str(folder))
    monkeypatch.delenv("ENGINE_CDN", raising=False)
    clear_memory()
    return folder


@pytest.fixture
def fake_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake `npm` first on PATH that packs LIB; returns its log (one line per call)."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    script = bin_dir / "npm"
    script.write_text(FAKE_NPM.format(python=sys.executable))
    script.chmod(0o755)
    tarball = tmp_path / "lib.tgz"
    tarball.write_bytes(tgz(LIB))
    log = tmp_path / "npm.log"
    log.write_text("")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_NPM_LOG", str(log))
    monkeypatch.setenv("FAKE_NPM_TARBALL", str(tarball))
    monkeypatch.setenv("FAKE_NPM_VIEW", json.dumps(["1.0.0", "1.2.3", "1.10.0", "1.9.9"]))
    return log


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines()


# ---- URLs ----

@pytest.mark.parametrize(("url", "expected"), [
    (JSD + "gsap@3.12.5/dist/gsap.min.js", CdnRef("cdn.jsdelivr.net", "gsap", "3.12.5", "dist/gsap.min.js")),
    (UNPKG + "gsap@3", CdnRef("unpkg.com", "gsap", "3", "")),
    ("http://unpkg.com/gsap/", CdnRef("unpkg.com", "gsap", "", "")),
    (JSD + "@hyperframes/shader-transitions@0.8.41/dist/index.global.js",
     CdnRef("cdn.jsdelivr.net", "@hyperframes/shader-transitions", "0.8.41", "dist/index.global.js")),
    (JSD + "gsap@%5E3.12/dist/gsap.js?v=2#x", CdnRef("cdn.jsdelivr.net", "gsap", "^3.12", "dist/gsap.js")),
    (JSD + "three@0.160.0/+esm", CdnRef("cdn.jsdelivr.net", "three", "0.160.0", "+esm", esm=True)),
    (UNPKG + "three@0.160.0?module", CdnRef("unpkg.com", "three", "0.160.0", "", esm=True)),
    ("https://cdn.jsdelivr.net/gh/user/repo@1/file.js", None), (UNPKG + "browse/gsap@3/", None), ("https://cdn.example.com/npm/x@1/a", None),
    (JSD + "--registry=evil@1/a.js", None), (JSD + "gsap@--tag/a.js", None), (JSD, None), ("data:text/plain,x", None),
])
def test_cdn_urls_are_parsed(url: str, expected: CdnRef | None) -> None:
    assert parse_cdn_url(url) == expected


def test_prefix_and_versions() -> None:
    ref = parse_cdn_url(JSD + "@scope/pkg@2/a.js")
    assert ref is not None and ref.prefix() == JSD + "@scope/pkg@2/" and ref.package_spec == "@scope/pkg@2"
    assert is_exact_version("1.0.0-beta.2") and not is_exact_version("3") and not is_exact_version("^3.1.0")
    assert newest_version(["3.9.1", "3.12.5", "3.12.5-beta.1", "3.10.0"]) == "3.12.5"
    assert newest_version(["1.0.0-beta.2", "1.0.0-beta.10", "1.0.0-alpha"]) == "1.0.0-beta.10"
    with pytest.raises(ValueError, match="no exact version"):
        newest_version(["latest"])


# ---- a package's files ----

def test_package_files_and_main_file_per_cdn() -> None:
    package = Package(tgz(LIB), "lib@1.2.3")
    assert package.read("dist/extra.js") == b"window.extra = 1;" and package.read("nope.js") is None
    assert package.locate("", "cdn.jsdelivr.net") == "dist/lib.js"  # main, without its .js
    assert package.locate("", "unpkg.com") == "dist/lib.umd.js"  # unpkg's own field first
    assert package.locate("dist/extra.min.js", "cdn.jsdelivr.net") == "dist/extra.js"  # minified on the fly
    assert package.locate("sub", "unpkg.com") == "sub/index.js"
    for path in ("../package.json", "dist/../../x", "a\\b"):
        with pytest.raises(PackagePathError, match="would leave the package|backslashes"):
            package.read(path)


@pytest.mark.parametrize(("files", "links", "message"), [
    ({"package/../../evil.js": b"x"}, (), "'package/../../evil.js' would leave the package folder"),
    ({"/etc/evil.js": b"x"}, (), "'/etc/evil.js' would leave the package folder"),
    ({"package/a.js": b"x"}, ("package/link.js",), "'package/link.js' is a link or device"),
])
def test_unsafe_tarballs_are_refused(files: dict[str, bytes], links: tuple[str, ...], message: str) -> None:
    with pytest.raises(UnsafeTarballError, match=message.replace(".", r"\.")):
        Package(tgz(files, links), "bad@1.0.0")
    with pytest.raises(UnsafeTarballError, match="not a gzip-compressed tarball"):
        Package(b"<html>not found</html>", "bad@1.0.0")


# ---- the cache, filled by a fake npm ----

def test_fill_stores_by_digest_and_serves_offline_after(own_cache: Path, fake_npm: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cache = NpmCache(own_cache)
    package, fetched = cache.package("lib", "1.2.3")
    assert fetched and package.read("dist/lib.js") == b"window.lib = 'main';"
    packed = (tmp_path / "lib.tgz").read_bytes()  # what the fake npm packed
    digest = hashlib.sha512(packed).hexdigest()
    assert cache.digest("lib", "1.2.3") == digest and cache.blob_path(digest).read_bytes() == packed
    assert json.loads(cache.index_path("lib", "1.2.3").read_text())["sha512"] == digest
    assert calls(fake_npm) == [f"pack lib@1.2.3 --json --pack-destination {calls(fake_npm)[0].split()[4]} "
                               "--ignore-scripts"]
    assert not [p for p in own_cache.rglob("*") if p.name.endswith(".tmp")]  # atomic writes left nothing behind
    monkeypatch.setenv("PATH", str(own_cache.parent / "empty-bin"))  # no npm at all now
    clear_memory()
    again, fetched = NpmCache(own_cache).package("lib", "1.2.3")
    assert not fetched and again.read("dist/lib.js") == b"window.lib = 'main';" and len(calls(fake_npm)) == 1


def test_a_corrupt_tarball_is_detected_and_fetched_again(own_cache: Path, fake_npm: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    cache = NpmCache(own_cache)
    cache.package("lib", "1.2.3")
    blob = cache.blob_path(cache.digest("lib", "1.2.3") or "")
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF
    blob.write_bytes(bytes(data))
    clear_memory()
    package, fetched = cache.package("lib", "1.2.3")  # detected, removed, fetched again
    assert fetched and package.read("dist/extra.js") == b"window.extra = 1;" and len(calls(fake_npm)) == 2
    assert hashlib.sha512(blob.read_bytes()).hexdigest() == cache.digest("lib", "1.2.3")
    blob.write_bytes(b"tampered")
    clear_memory()
    monkeypatch.setenv("FAKE_NPM_FAIL", "network unreachable")
    with pytest.raises(NpmFailedError, match="network unreachable"):
        cache.package("lib", "1.2.3")  # the bad copy is never served


def test_npm_results_are_checked_before_anything_is_stored(own_cache: Path, fake_npm: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_NPM_INTEGRITY", "sha512-" + "A" * 86 + "==")
    with pytest.raises(NpmFailedError, match="does not match npm's integrity"):
        NpmCache(own_cache).package("lib", "1.2.3")
    monkeypatch.delenv("FAKE_NPM_INTEGRITY")
    (tmp_path / "lib.tgz").write_bytes(tgz({"package/../../../evil.js": b"x"}))
    with pytest.raises(UnsafeTarballError, match="would leave the package folder"):
        NpmCache(own_cache).package("lib", "1.2.3")
    assert not (own_cache / "index").exists() and not list(own_cache.rglob("*.tgz"))


def test_a_range_is_resolved_once_and_recorded(own_cache: Path, fake_npm: Path) -> None:
    cache = NpmCache(own_cache)
    first = cache.resolve("lib", "^1")
    assert first.version == "1.10.0" and first.spec == "^1"  # the newest by semver, not by text
    assert cache.resolve("lib", "^1").version == "1.10.0" and cache.resolve("lib", "3.0.0").version == "3.0.0"
    assert [c for c in calls(fake_npm) if c.startswith("view")] == ["view lib@^1 version --json"]
    assert json.loads(cache.range_path("lib", "^1").read_text())["version"] == "1.10.0"


def test_concurrent_fills_run_npm_once(own_cache: Path, fake_npm: Path) -> None:
    server = CdnServer(NpmCache(own_cache))
    bodies: list[bytes | None] = []
    threads = [threading.Thread(target=lambda: bodies.append(server.serve(JSD + "lib@1.2.3/dist/extra.js").body))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert bodies == [b"window.extra = 1;"] * 4 and len(calls(fake_npm)) == 1


def test_failures_say_what_to_install_or_map(own_cache: Path, fake_npm: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    url = JSD + "lib@1.2.3/dist/lib.js"
    monkeypatch.setenv("FAKE_NPM_FAIL", "No match found for version 1.2.3")
    with pytest.raises(NpmFailedError, match=r"lib@1.2.3 is not in the engine's npm cache .* npm could not fetch it: "
                                             r"`npm pack lib@1.2.3 .*` failed: E404 No match found for version 1.2.3;"
                                             r".*--map-url https://cdn.jsdelivr.net/npm/lib@1.2.3/=FOLDER"):
        CdnServer(NpmCache(own_cache)).serve(url)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(NpmUnavailableError, match=r"npm is not installed \(not on PATH\).*`apt install npm`, or "
                                                  r"Node.js.*--map-url https://cdn.jsdelivr.net/npm/lib@1.2.3/=FOLDER"):
        CdnServer(NpmCache(own_cache)).serve(url)
    with pytest.raises(VendorError, match=r"builds that ES-module bundle itself"):
        CdnServer(NpmCache(own_cache)).serve(JSD + "lib@1.2.3/+esm")


def test_knobs_are_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("")
    monkeypatch.setenv("ENGINE_NPM_CACHE", str(a_file))
    with pytest.raises(ConfigError, match=r"ENGINE_NPM_CACHE='.*file' is not a folder"):
        cache_dir_from_env()
    monkeypatch.setenv("ENGINE_NPM_CACHE", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir_from_env() == default_cache_dir() == tmp_path / "xdg" / "engine" / "npm"
    monkeypatch.setenv("ENGINE_CDN", "sometimes")
    with pytest.raises(ConfigError, match=r"ENGINE_CDN='sometimes'.*cache, off"):
        AssetRouter(tmp_path)


# ---- the command ----

def run_vendor(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.vendor", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})


def test_vendor_command_finds_and_caches_every_cdn_url(tmp_path: Path, fake_npm: Path) -> None:
    comp = tmp_path / "comp"
    (comp / "compositions").mkdir(parents=True)
    (comp / "index.html").write_text(f"""<html><head><script src="{JSD}lib@1.2.3/dist/lib.js"></script>
<link rel="stylesheet" href="style.css"><script type="module" src="main.mjs"></script><script src="notes.js"></script>
<script src="../outside.js"></script></head><body>
<div data-composition-src="compositions/card.html"></div></body></html>""")
    (comp / "style.css").write_text(f'@import url("{UNPKG}lib@1.2.3/dist/extra.js");')
    (comp / "main.mjs").write_text(f"import x from '{JSD}lib@^1/sub/index.js';\nimport './local.js';")
    (comp / "local.js").write_text(f"await import('{UNPKG}lib@1.2.3');")
    (comp / "compositions" / "card.html").write_text('<script src="//cdn.jsdelivr.net/npm/lib@1.2.3/nope.js"></script>')
    (tmp_path / "outside.js").write_text(f"import '{JSD}never@1.0.0/x.js';")
    (comp / "notes.js").write_text(f"// see {UNPKG}browse/lib@1.2.3/ and ../outside.js")  # not a package URL
    listed = run_vendor([str(comp), "--list"])
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [
        JSD + "lib@1.2.3/dist/lib.js", UNPKG + "lib@1.2.3/dist/extra.js", JSD + "lib@^1/sub/index.js",
        JSD + "lib@1.2.3/nope.js", UNPKG + "lib@1.2.3"]  # outside.js is not referenced
    done = run_vendor([str(comp)])
    assert done.returncode == 1  # nope.js is not in the package
    assert "fetched with npm: lib@1.2.3 dist/lib.js" in done.stdout and "lib@1.10.0 sub/index.js" in done.stdout
    assert "already cached: lib@1.2.3 dist/lib.umd.js" in done.stdout  # unpkg's main file
    assert f"error: {JSD}lib@1.2.3/nope.js (" in done.stderr and "has no file 'nope.js'" in done.stderr
    assert "note: lib@^1 names no exact version: served lib@1.10.0" in done.stderr
    (comp / "compositions" / "card.html").write_text("")
    again = run_vendor([str(comp)], PATH=str(tmp_path / "empty-bin"))  # all cached: no npm needed
    assert again.returncode == 0 and "fetched" not in again.stdout, again.stderr
    for bad in ([str(tmp_path / "missing")], ["https://example.com/x.js"]):
        failed = run_vendor(bad)
        assert failed.returncode == 2 and failed.stderr.startswith("error: ")
    no_npm = run_vendor([JSD + "other@1.0.0/a.js"], PATH=str(tmp_path / "empty-bin"))
    assert no_npm.returncode == 1 and "apt install npm" in no_npm.stderr


def test_console_script_is_the_module() -> None:
    script = Path(sys.executable).with_name("engine-vendor")
    if not script.exists():
        pytest.skip("engine-vendor is not installed yet: re-run the bootstrap (pip install -e .) after pyproject.toml")
    by_script = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert by_script.returncode == 0 and by_script.stdout == run_vendor(["--help"]).stdout


# ---- real npm, real Chromium ----

needs_npm = pytest.mark.skipif(shutil.which("npm") is None,
                               reason="npm is not installed (scripts/bootstrap.sh installs it): the test fetches gsap")
GSAP_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<style>html,body{{margin:0;background:#000}} #box{{position:absolute;left:0;top:0;width:20px;height:40px;background:#fff}}</style>
<script src="{url}"></script></head><body>
<div id="root" data-composition-id="main" data-width="80" data-height="40" data-duration="1" data-fps="10">
<div id="box"></div></div>
<script>window.__timelines["main"] = gsap.timeline({{ paused: true }}).to("#box", {{ x: 60, duration: 1, ease: "none" }});
</script></body></html>"""


def gsap_comp(folder: Path, url: str) -> Path:
    folder.mkdir()
    (folder / "index.html").write_text(GSAP_PAGE.format(url=url))
    return folder


def decode(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24").astype(int) for f in container.decode(video=0)]


@needs_npm
@pytest.mark.browser
def test_gsap_from_jsdelivr_renders_then_renders_offline(tmp_path: Path, own_cache: Path,
                                                         chromium_leak_check: None) -> None:
    comp = gsap_comp(tmp_path / "gsap", JSD + "gsap@3.12.5/dist/gsap.min.js")
    first = engine.render(comp, tmp_path / "first.mp4", workers=1, quality="high", hash_frames=True)
    assert first.warnings == []
    frames = decode(tmp_path / "first.mp4")
    assert frames[0][20, 10].min() > 200 and frames[0][20, 40].max() < 30  # box at x=0
    assert frames[5][20, 10].max() < 30 and frames[5][20, 40].min() > 200  # moved by gsap: x=30 at 0.5 s
    assert (own_cache / "index" / "gsap@3.12.5.json").is_file()
    fail_bin = tmp_path / "failing-npm"  # offline now: npm exists but every call fails
    fail_bin.mkdir()
    (fail_bin / "npm").write_text("#!/bin/sh\necho 'npm error network request failed (offline)' >&2\nexit 1\n")
    (fail_bin / "npm").chmod(0o755)
    env = {**os.environ, "PATH": f"{fail_bin}{os.pathsep}{os.environ['PATH']}"}
    stats = tmp_path / "again.json"
    again = subprocess.run([sys.executable, "-m", "engine.render", str(comp), "-o", str(tmp_path / "again.mp4"),
                            "--workers", "1", "--quality", "high", "--quiet", "--hash-frames", "--stats-json",
                            str(stats)], capture_output=True, text=True, timeout=300, env=env)
    assert again.returncode == 0 and "warning" not in again.stderr, again.stderr
    hashes = json.loads(stats.read_text())["frame_hashes"]
    differ = [i for i, (a, b) in enumerate(zip(first.frame_hashes or [], hashes, strict=True)) if a != b]
    assert not differ, f"frames {differ} differ between the first render and the offline one"


@needs_npm
@pytest.mark.browser
def test_a_range_warns_with_the_version_used_and_failures_are_blocked(tmp_path: Path, own_cache: Path,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      chromium_leak_check: None) -> None:
    comp = gsap_comp(tmp_path / "ranged", UNPKG + "gsap@3/dist/gsap.min.js")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with BrowserSession(comp) as session:
            moved = session.capture_frame(0.5)
            assert moved[20, 40].min() > 200 * 257
            found = session.warnings
    version = json.loads((own_cache / "ranges" / "gsap@3.json").read_text())["version"]
    assert [(w.code, w.element) for w in found] == [("cdn-version", UNPKG + "gsap@3/dist/gsap.min.js")]
    assert f"served gsap@{version}" in found[0].message and f"write @{version} in the URL" in found[0].message
    assert any(issubclass(w.category, CdnVersionWarning) for w in caught)
    missing = gsap_comp(tmp_path / "missing", JSD + "gsap@99.0.0/dist/gsap.min.js")
    monkeypatch.setenv("ENGINE_CDN", "off")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(engine.EngineError, match=r"threw during load: .*(gsap|'timeline')"), BrowserSession(missing):
            pass  # off: the URL is blocked like any other origin, so gsap never loads
    monkeypatch.setenv("ENGINE_CDN", "cache")
    (missing / "index.html").write_text(GSAP_PAGE.format(url=JSD + "gsap@99.0.0/dist/gsap.min.js").replace(
        "window.__timelines", "if (window.gsap) window.__timelines"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with BrowserSession(missing) as session:
            blocked = session.warnings
    assert [(w.code, w.element) for w in blocked] == [("blocked-request", JSD + "gsap@99.0.0/dist/gsap.min.js")]
    assert "npm could not fetch it" in blocked[0].message and "--map-url https://cdn.jsdelivr.net/npm/gsap@99.0.0/" \
        in blocked[0].message
