"""Pure parts of capture: path sandbox, URL mapping, options validation, widening."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from engine.capture import CaptureOptions, PathRefusedError, check_frame, map_url, resolve_in_root, widen
from engine.capture.sandbox import normalize_url_map
from engine.errors import ConfigError, FrameError


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "site" / "assets").mkdir(parents=True)
    (tmp_path / "site" / "assets" / "a.css").write_text("x")
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", tmp_path / "site" / "out-link")
    os.symlink(tmp_path / "site" / "assets" / "a.css", tmp_path / "site" / "in-link")
    return tmp_path / "site"


@pytest.mark.parametrize("url_path", ["/assets/a.css", "assets/a.css", "/./assets//a.css", "/assets%2Fa.css",
                                      "/%61ssets/a.css", "/in-link"])
def test_paths_inside_resolve(root: Path, url_path: str) -> None:
    assert resolve_in_root(root, url_path) == (root / "assets" / "a.css").resolve()


def test_absolute_paths_stay_inside(root: Path) -> None:
    assert resolve_in_root(root, "/etc/passwd") == root.resolve() / "etc" / "passwd"
    assert resolve_in_root(root, "//etc/passwd") == root.resolve() / "etc" / "passwd"


@pytest.mark.parametrize("url_path, why", [
    ("/../secret.txt", "'..'"),
    ("/assets/../../secret.txt", "'..'"),
    ("/%2e%2e/secret.txt", "'..'"),
    ("/..%2fsecret.txt", "'..'"),
    ("/%2E%2E%2Fsecret.txt", "'..'"),
    ("/..", "'..'"),
    ("/out-link", "symlink"),
    ("/..%5csecret.txt", "backslash"),
    ("/a%00.css", "NUL"),
])
def test_traversal_refused(root: Path, url_path: str, why: str) -> None:
    with pytest.raises(PathRefusedError, match=why):
        resolve_in_root(root, url_path)


def test_double_encoding_is_decoded_once(root: Path) -> None:
    # %252e%252e decodes to the literal name '%2e%2e', a (missing) file inside the folder
    assert resolve_in_root(root, "/%252e%252e/secret.txt").parent.name == "%2e%2e"


def test_url_map(tmp_path: Path) -> None:
    (tmp_path / "gsap").mkdir()
    pairs = normalize_url_map({"https://cdn.example.com/": tmp_path, "https://cdn.example.com/gsap@3/": tmp_path / "gsap"})
    assert pairs[0][0] == "https://cdn.example.com/gsap@3/"  # longest prefix first
    assert map_url("https://cdn.example.com/gsap@3/dist/gsap.min.js?v=1#x", pairs) == (tmp_path / "gsap", "dist/gsap.min.js")
    assert map_url("https://cdn.example.com/other.js", pairs) == (tmp_path, "other.js")
    assert map_url("https://elsewhere.example.com/x.js", pairs) is None
    with pytest.raises(ConfigError, match="expected an http"):
        normalize_url_map({"cdn.example.com/": tmp_path})
    with pytest.raises(ConfigError, match="is not a folder"):
        normalize_url_map({"https://cdn.example.com/": tmp_path / "nope"})


def test_options_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    assert CaptureOptions().capture_format == "png"
    monkeypatch.setenv("ENGINE_CAPTURE_FORMAT", "JPEG")
    monkeypatch.setenv("ENGINE_CAPTURE_TIMEOUT_MS", "5000")
    opts = CaptureOptions.from_env(seed=7)
    assert (opts.capture_format, opts.timeout_ms, opts.seed) == ("jpeg", 5000, 7)
    monkeypatch.setenv("ENGINE_CAPTURE_TIMEOUT_MS", "soon")
    with pytest.raises(ConfigError, match="ENGINE_CAPTURE_TIMEOUT_MS='soon'"):
        CaptureOptions.from_env()
    monkeypatch.delenv("ENGINE_CAPTURE_TIMEOUT_MS")
    monkeypatch.setenv("ENGINE_CAPTURE_FORMAT", "webp")
    with pytest.raises(ConfigError, match="expected one of: png, jpeg"):
        CaptureOptions.from_env()
    for bad in ({"jpeg_quality": 0}, {"seed": -1}, {"timeout_ms": 10}, {"allow_network": "yes"}, {"executable": ""}):
        with pytest.raises(ConfigError):
            CaptureOptions(**bad)
    monkeypatch.delenv("ENGINE_CAPTURE_FORMAT")
    with pytest.raises(ConfigError, match="unknown capture option"):
        CaptureOptions.from_env(colour="red")


def test_widen_is_exact_and_in_place() -> None:
    src = np.arange(256, dtype=np.uint8).repeat(3).reshape(16, 16, 3)
    out = np.empty((16, 16, 3), np.uint16)
    assert widen(src, out) is out
    assert out[0, 0, 0] == 0 and out.max() == 65535
    assert np.array_equal(out, src.astype(np.uint32) * 257)
    assert np.array_equal(out >> 8, src) and np.array_equal(out & 0xFF, src)


def test_check_frame() -> None:
    good = np.zeros((4, 6, 3), np.uint16)
    assert check_frame(good, "out", shape=(4, 6, 3), writeable=True) is good
    with pytest.raises(FrameError, match=r"shape \(4, 6, 3\)"):
        check_frame(np.zeros((4, 6, 3), np.uint8), "out", shape=(4, 6, 3), writeable=True)
    with pytest.raises(FrameError, match="C-contiguous"):
        check_frame(np.zeros((4, 12, 3), np.uint16)[:, ::2], "out", shape=(4, 6, 3), writeable=True)


def _png(rgb: np.ndarray) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    h, w, _ = rgb.shape
    rows = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_decode_png_exact_and_broken_images_refused() -> None:
    import base64

    from engine.capture import decode_into
    from engine.capture.frames import decode_rgb8
    from engine.errors import CaptureError

    rgb = np.random.default_rng(1).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    assert np.array_equal(decode_rgb8(_png(rgb)), rgb)
    out = np.empty((5, 7, 3), np.uint16)
    assert np.array_equal(decode_into(base64.b64encode(_png(rgb)).decode(), out), rgb.astype(np.uint16) * 257)
    with pytest.raises(CaptureError, match="expected 8x5"):
        decode_into(base64.b64encode(_png(rgb)).decode(), np.empty((5, 8, 3), np.uint16))
    with pytest.raises(CaptureError, match="neither PNG nor JPEG"):
        decode_rgb8(b"GIF89a")
    with pytest.raises(CaptureError, match="cannot be decoded"):
        decode_rgb8(b"\x89PNG\r\n\x1a\nbroken")


def test_route_pattern_leaves_out_only_the_passed_prefixes(tmp_path: Path) -> None:
    from engine.capture.router import AssetRouter

    router = AssetRouter(tmp_path)
    assert router.route_pattern() == "**/*"
    router.pass_prefix("http://127.0.0.1:4100/0123abcd/")
    router.pass_prefix("http://127.0.0.1:4100/0123abcd/")  # idempotent
    pattern = router.route_pattern()
    assert not isinstance(pattern, str)
    assert pattern.pattern == "^(?!http://127\\.0\\.0\\.1:4100/0123abcd/)"  # JavaScript reads it the same
    routed = ["http://composition.localhost/index.html", "http://127.0.0.1:4100/", "http://127.0.0.1:4100/other/1",
              "http://127.0.0.1:4101/0123abcd/1/0/5", "https://example.com/0123abcd/", "data:text/plain,x"]
    assert all(pattern.search(url) for url in routed)
    assert not pattern.search("http://127.0.0.1:4100/0123abcd/1/0/5")
