"""Rounded clips of the native video layer kernel (kernels/composite.pyx `place(rounded=...)`):
the anti-aliased coverage of CSS border-radius corners, without a browser."""

from __future__ import annotations

import importlib
import math

import numpy as np
import pytest

composite = importlib.import_module("engine.blend.kernels.composite")

WHITE = np.full((4, 4, 3), 255, np.uint8)


def coverage(box: tuple[float, float, float, float], radii: tuple[float, ...], size: tuple[int, int] = (100, 100),
             **kw: object) -> np.ndarray:
    """Each pixel's coverage (0..1) by the rounded rectangle `box` with `radii`, placing a white
    frame over black through it."""
    dst = np.zeros((size[1], size[0], 3), np.uint16)
    composite.place(dst, WHITE, box, box, rounded=[(*box, *radii)], **kw)
    return dst[..., 0].astype(np.float64) / 65535


@pytest.mark.parametrize("r", [3.0, 12.5, 30.0])
def test_full_circle_covers_pi_r_squared(r: float) -> None:
    """A square of side 2r with every corner of radius r is a circle: its coverage sums to pi r^2
    (measured within 0.01 % for r = 30), whole pixels inside, none outside."""
    box = (50 - r, 50 - r, 50 + r, 50 + r)
    cov = coverage(box, (r,) * 8)
    assert cov.sum() == pytest.approx(math.pi * r * r, rel=2e-3 + 0.02 / r)
    y, x = np.mgrid[0:100, 0:100] + 0.5
    dist = np.hypot(x - 50, y - 50)
    assert (cov[dist < r - 0.75] == 1).all()
    assert (cov[dist > r + 0.75] == 0).all()
    partial = cov[(cov > 0) & (cov < 1)]
    assert len(partial) > 0 and (np.abs(dist[(cov > 0) & (cov < 1)] - r) < 0.75).all()


def test_ellipse_area_and_fractional_box() -> None:
    """50 % radii on a 60 x 36 box at a fractional offset: an ellipse, area pi * 30 * 18."""
    box = (20.3, 30.7, 80.3, 66.7)
    cov = coverage(box, (30, 18) * 4)
    assert cov.sum() == pytest.approx(math.pi * 30 * 18, rel=2e-3)


def test_corners_are_mirror_symmetric() -> None:
    """Equal corners on a box centred on the frame: the coverage is symmetric left-right and
    top-bottom (elliptical corners too)."""
    for radii in [(16, 16) * 4, (20, 9) * 4]:
        cov = coverage((10, 20, 90, 80), radii)
        assert np.array_equal(cov, cov[::-1]) and np.array_equal(cov, cov[:, ::-1]), radii
        assert cov[20, 10] < 1 and cov[50, 10] == 1, radii


def test_each_corner_its_own_radii() -> None:
    """Different radii per corner (top left, top right, bottom right, bottom left): each corner's
    cut-off area is (1 - pi/4) rx ry, and the sides between are straight."""
    box = (10, 10, 90, 90)
    radii = (4, 4, 24, 12, 40, 30, 8, 20)
    cov = coverage(box, radii)
    cut = sum((1 - math.pi / 4) * radii[2 * k] * radii[2 * k + 1] for k in range(4))
    assert 80 * 80 - cov.sum() == pytest.approx(cut, rel=5e-3)
    assert (cov[50, 10:90] == 1).all() and (cov[15:55, 50] == 1).all()
    assert cov[10, 10] < 1 and cov[10, 89] == 0 and cov[89, 89] == 0


def test_zero_radii_is_identical_to_no_rounded_clip() -> None:
    """A rounded clip whose radii are all 0 changes nothing (a bilinear, clipped, translucent
    placement; a 1:1 copy); a corner with one radius 0 is square."""
    rng = np.random.default_rng(3)
    src = rng.integers(0, 65535, (30, 40, 3), dtype=np.uint16)
    base = rng.integers(0, 65535, (60, 80, 3), dtype=np.uint16)
    for rect, clip, opacity in [((3.3, 4.6, 71.2, 50.1), (5, 2, 60.5, 44), 0.8), ((10, 10, 50, 40), (0, 0, 80, 60), 1.0)]:
        plain, rounded = base.copy(), base.copy()
        composite.place(plain, src, rect, clip, opacity)
        composite.place(rounded, src, rect, clip, opacity, rounded=[(*clip, *(0,) * 8)])
        assert np.array_equal(plain, rounded)
        square = base.copy()
        composite.place(square, src, rect, clip, opacity, rounded=[(*clip, 12, 0, 0, 9, 0, 0, 0, 0)])
        assert np.array_equal(plain, square)


def test_one_to_one_copy_keeps_exact_pixels_away_from_the_corners() -> None:
    """A 1:1 placement with rounded corners copies every pixel clear of the curves exactly."""
    rng = np.random.default_rng(5)
    src = rng.integers(0, 255, (60, 80, 3), dtype=np.uint8)
    dst = np.zeros((60, 80, 3), np.uint16)
    composite.place(dst, src, (0, 0, 80, 60), (0, 0, 80, 60), rounded=[(0, 0, 80, 60, *(10,) * 8)])
    exact = src.astype(np.uint16) * 257
    assert np.array_equal(dst[10:50], exact[10:50]) and np.array_equal(dst[:, 10:70], exact[:, 10:70])
    assert np.array_equal(dst[0, 0], [0, 0, 0]) and not np.array_equal(dst[2, 2], exact[2, 2])


def test_oversized_radii_are_scaled_down_as_css_does() -> None:
    """Radii summing past a side are scaled down together: 100px corners on a 40 x 40 box give
    a circle of radius 20."""
    cov = coverage((30, 30, 70, 70), (100,) * 8)
    assert cov.sum() == pytest.approx(math.pi * 400, rel=3e-3)


def test_two_rounded_clips_take_the_least_coverage() -> None:
    """Nested rounded clips (a rounded video inside a rounded wrapper): each pixel is covered as
    by the tighter one."""
    inner = coverage((20, 20, 80, 80), (20,) * 8)
    dst = np.zeros((100, 100, 3), np.uint16)
    composite.place(dst, WHITE, (10, 10, 90, 90), (20, 20, 80, 80),
                    rounded=[(20, 20, 80, 80, *(20,) * 8), (10, 10, 90, 90, *(8,) * 8)])
    assert np.array_equal(dst[..., 0].astype(np.float64) / 65535, inner)


@pytest.mark.parametrize(("rounded", "message"), [
    ([(0, 0, 10)], "twelve finite numbers"),
    ([(0, 0, 10, 10, -1, 1, 1, 1, 1, 1, 1, 1)], "radii must be 0 or more"),
    ([(0, 0, 10, 10, float("nan"), 1, 1, 1, 1, 1, 1, 1)], "twelve finite numbers"),
    ([(10, 0, 0, 10, *(1,) * 8)], "x1 > x0"),
    (5, "a sequence of"),
])
def test_bad_rounded_clip_is_named(rounded: object, message: str) -> None:
    dst = np.zeros((10, 10, 3), np.uint16)
    with pytest.raises(ValueError, match=message):
        composite.place(dst, WHITE, (0, 0, 10, 10), (0, 0, 10, 10), rounded=rounded)


def test_rounded_corners_cost_little() -> None:
    """The curves are measured on sub-scanlines only where they cross a pixel: a 1:1 placement of a
    640 x 360 frame with 16 px corners takes well under 4x the time of the plain copy."""
    import time

    src = np.zeros((360, 640, 3), np.uint8)
    dst = np.zeros((360, 640, 3), np.uint16)
    box = (0, 0, 640, 360)

    def best(**kw: object) -> float:
        times = []
        for _ in range(7):
            t = time.perf_counter()
            composite.place(dst, src, box, box, threads=1, **kw)
            times.append(time.perf_counter() - t)
        return min(times)

    plain, rounded = best(), best(rounded=[(*box, *(16,) * 8)])
    assert rounded < 4 * plain + 0.002, f"{rounded * 1e3:.2f} ms against {plain * 1e3:.2f} ms"


def test_page_layer_carries_its_rounded_clips() -> None:
    """The page runtime's layer reply: rounded clips parsed as 12-number tuples, none when absent;
    a malformed one is a CaptureError naming the reply."""
    from engine.capture.layers import NativeLayer
    from engine.errors import CaptureError

    base = {"index": 0, "rect": [0, 0, 10, 10], "clip": [0, 0, 10, 10], "opacity": 1, "below": True}
    assert NativeLayer.from_page(base).rounded == ()  # type: ignore[union-attr]
    layer = NativeLayer.from_page({**base, "rounded": [[0, 0, 10, 10, 2, 2, 2, 2, 2, 2, 2, 2]]})
    assert layer is not None and layer.rounded == ((0, 0, 10, 10, 2, 2, 2, 2, 2, 2, 2, 2),)
    for bad in ([[0, 0, 10, 10, 2]], [[0, 0, 10, 10, -2, 2, 2, 2, 2, 2, 2, 2]], [[0, 0, 10, "x", *[1] * 8]], 5):
        with pytest.raises(CaptureError, match="malformed video layer"):
            NativeLayer.from_page({**base, "rounded": bad})
