"""HDR footage kept HDR (issue 30, step 2): native video layers place a PQ or HLG source's code
values into the HDR output untouched, the page around them at BT.2408 reference white, and
transitions blend the HDR signal on both backends.

Sources are real 10-bit HEVC clips written with PyAV + libx265 and tagged BT.2020; renders use
real Chromium; outputs are decoded with PyAV as the 10-bit code values the stream holds.
"""

from __future__ import annotations

import importlib
import warnings
from pathlib import Path

import av
import numpy as np
import pytest
from helpers import composition, write_hdr_video

import engine
from engine.errors import RenderWarning
from engine.media.hdr_layers import convert_transfer, native_signal, sdr_picture
from engine.media.tonemap import hlg_display, pq_eotf
from engine.output.hdr_signal import pq_encode, to_hdr_signal

W, H = 128, 72
#: the PQ source's bands, in nits: black, SDR-ish, reference white, and highlights authored at 1000 and 4000
PQ_NITS = (0.0, 100.0, 203.0, 1000.0, 4000.0)
HLG_LEVELS = (0.0, 0.25, 0.5, 0.75, 0.95)  # HLG signal levels of the HLG source's bands
BAND = W // 8  # bands fill the left 5/8 of the frame; the right part is covered by the page


def band_signals(transfer: str) -> list[float]:
    return [float(pq_encode(np.array(n))) for n in PQ_NITS] if transfer == "pq" else list(HLG_LEVELS)


def write_bands(path: Path, transfer: str, frames: int = 4) -> Path:
    """A WxH HEVC Main 10 clip of grey bands (`band_signals`), tagged BT.2020 NCL + `transfer`."""
    rgb = np.zeros((H, W, 3), np.uint16)
    for i, level in enumerate(band_signals(transfer)):
        rgb[:, i * BAND:(i + 1) * BAND] = round(level * 65535)
    rgb[:, 5 * BAND:] = round(band_signals(transfer)[2] * 65535)
    return write_hdr_video(path, rgb, transfer, frames=frames)


def luma_codes(path: Path) -> list[np.ndarray]:
    """The 10-bit luma code values of every frame of `path` (as stored: limited range)."""
    with av.open(str(path)) as container:
        out = []
        for frame in container.decode(video=0):
            plane = frame.reformat(format="yuv420p10le").planes[0]
            row = plane.line_size // 2
            out.append(np.frombuffer(memoryview(plane), np.uint16).reshape(-1, row)[:frame.height, :frame.width])
        return out


def band_codes(luma: np.ndarray) -> list[float]:
    """The median luma code of each of the five bands (their middle, away from chroma edges)."""
    return [float(np.median(luma[8:-8, i * BAND + 4:(i + 1) * BAND - 4])) for i in range(5)]


def page(folder: Path, *clips: tuple[str, str], extra: str = "") -> Path:
    """Each clip (file, style) full-size under a white box over the right 3/8 of the frame."""
    videos = "".join(f'<video class="clip" src="{name}" data-start="0" data-duration="0.4" muted '
                     f'style="position:absolute;left:0;top:0;width:{W}px;height:{H}px;{style}"></video>'
                     for name, style in clips)
    box = f'<div style="position:absolute;left:{5 * BAND}px;top:0;width:{3 * BAND}px;height:{H}px;background:#fff"></div>'
    return composition(folder, videos + box + extra, width=W, height=H, duration=0.4, fps=10)


# ---- pure conversions ---------------------------------------------------------------------------------


def test_native_signal_keeps_codes_and_meets_other_transfers_at_equal_light() -> None:
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 65536, (4, 5, 3), dtype=np.uint16)
    kept = native_signal(codes, "pq", "pq")
    assert np.array_equal(kept, codes) and kept is not codes  # the decoder's buffer is not kept
    grey = np.repeat(np.linspace(0.05, 0.95, 7)[:, None], 3, 1)[None]
    hlg = np.round(grey * 65535).astype(np.uint16)
    as_pq = convert_transfer(hlg, "hlg", "pq")
    nits_in, nits_out = hlg_display(hlg / 65535.0), pq_eotf(as_pq / 65535.0)
    assert np.allclose(nits_out, nits_in, rtol=0.01, atol=0.01)  # the same display light
    back = convert_transfer(as_pq, "pq", "hlg")
    assert np.abs(back.astype(int) - hlg.astype(int)).max() <= 40  # of 65535: a round trip within 0.06 %
    sdr_white = np.full((1, 1, 3), 255, np.uint8)
    assert np.array_equal(native_signal(sdr_white, None, "pq"), to_hdr_signal(np.full((1, 1, 3), 65535, np.uint16), "pq"))
    assert sdr_picture(sdr_white, None) is sdr_white
    assert sdr_picture(codes, "pq").dtype == np.uint16  # tone-mapped for the poster path


def test_over_deep_matches_the_8_bit_over_and_keeps_uncovered_codes() -> None:
    composite = importlib.import_module("engine.blend.kernels.composite")
    rng = np.random.default_rng(5)
    base = rng.integers(0, 65536, (9, 11, 3), dtype=np.uint16)
    rgba = rng.integers(0, 256, (9, 11, 4), dtype=np.uint8)
    rgba[0] = 0  # a transparent row
    eight, deep = base.copy(), base.copy()
    composite.over(eight, rgba)
    composite.over_deep(deep, np.ascontiguousarray(rgba[..., :3].astype(np.uint16) * 257),
                        np.ascontiguousarray(rgba[..., 3]))
    assert np.array_equal(eight, deep)
    assert np.array_equal(deep[0], base[0])
    with pytest.raises(ValueError, match="alpha must be"):
        composite.over_deep(deep, np.zeros((9, 11, 3), np.uint16), np.zeros((9, 11, 3), np.uint8))


# ---- renders ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("transfer", ["pq", "hlg"])
def test_hdr_footage_keeps_its_code_values_and_the_page_sits_at_reference_white(tmp_path: Path, transfer: str) -> None:
    """PQ bands authored up to 1000 and 4000 nits (and HLG bands) come out at the source's luma
    codes within 1 %; the page's white box lands at BT.2408 white (PQ about 573, HLG about 721 in
    10-bit limited range); no hdr-source warning, since nothing was tone-mapped."""
    folder = page(tmp_path / "c", ("bands.mp4", ""))
    source = band_codes(luma_codes(write_bands(folder / "bands.mp4", transfer))[0])
    out = tmp_path / "out.mp4"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = engine.render(folder, out, quality="high")
    assert not [w for w in caught if issubclass(w.category, RenderWarning)], [str(w.message) for w in caught]
    assert result.dynamic_range == f"hdr-{transfer}"
    assert result.video_layers["native"] == result.frames == 4
    for luma in luma_codes(out):
        got = band_codes(luma)
        for band, (want, have) in enumerate(zip(source, got, strict=True)):
            assert abs(have - want) <= 1, (band, source, got)  # measured: equal (bench/hdr_roundtrip.py)
        white = float(np.median(luma[8:-8, 5 * BAND + 4:-4]))
        assert abs(white - (573 if transfer == "pq" else 721)) <= 1, white


def test_an_hlg_source_in_a_pq_render_meets_it_at_equal_light(tmp_path: Path) -> None:
    """PQ and HLG sources mixed: the render is PQ, and the HLG clip's bands come out at the PQ
    codes of the same display light (HLG's OOTF at 1000 nits)."""
    folder = page(tmp_path / "c", ("hlg.mp4", ""), ("pq.mp4", "opacity:0"))
    write_bands(folder / "hlg.mp4", "hlg")
    write_bands(folder / "pq.mp4", "pq")
    out = tmp_path / "out.mp4"
    result = engine.render(folder, out, quality="high")
    assert result.dynamic_range == "hdr-pq"
    got = band_codes(luma_codes(out)[0])
    for band, level in enumerate(HLG_LEVELS):
        nits = float(hlg_display(np.full((1, 3), level))[0, 0])
        want = 64 + 876 * float(pq_encode(np.array(nits)))  # 10-bit limited range
        assert abs(got[band] - want) <= max(2.0, 0.01 * want), (band, nits, want, got)


def test_a_poster_fallback_in_an_hdr_render_is_named(tmp_path: Path) -> None:
    """A PQ video the native path refuses (a CSS filter) is drawn by Chromium, tone-mapped: the
    render stays HDR and an hdr-source warning names the element and the reason."""
    folder = page(tmp_path / "c", ("bands.mp4", "filter:blur(0px) contrast(1.01)"))
    write_bands(folder / "bands.mp4", "pq")
    with pytest.warns(RenderWarning, match=r"bands.mp4.*poster.*filter.*tone-mapped"):
        result = engine.render(folder, tmp_path / "out.mp4", quality="high")
    assert result.dynamic_range == "hdr-pq" and result.video_layers["poster"] == 4


def test_sdr_render_still_tone_maps_and_warns(tmp_path: Path) -> None:
    folder = page(tmp_path / "c", ("bands.mp4", ""))
    write_bands(folder / "bands.mp4", "pq")
    with pytest.warns(RenderWarning, match="bands.mp4.*tone-mapped"):
        result = engine.render(folder, tmp_path / "out.mp4", dynamic_range="sdr")
    assert result.dynamic_range == "sdr"


def test_transitions_blend_the_hdr_signal_alike_on_both_backends(tmp_path: Path) -> None:
    """A crossfade between two scenes that each hold PQ footage: GL and CPU give the same frames
    (within a code), and the middle frame lies between the two scenes' codes."""
    scene = ('<div id="{id}" class="scene clip" data-start="{start}" data-duration="0.6" '
             'style="position:absolute;inset:0;background:#000">'
             '<video class="clip" src="{src}" data-start="{start}" data-duration="0.6" muted '
             f'style="position:absolute;left:0;top:0;width:{W}px;height:{H}px"></video></div>')
    folder = composition(tmp_path / "t", scene.format(id="a", start=0, src="a.mp4")
                         + scene.format(id="b", start=0.4, src="b.mp4")
                         + '<hf-transition data-time="0.4" data-duration="0.2" data-shader="crossfade" data-from="a" '
                           'data-to="b" data-ease="linear"></hf-transition>', width=W, height=H, duration=1.0, fps=10)
    write_bands(folder / "a.mp4", "pq", frames=10)
    write_bands(folder / "b.mp4", "hlg", frames=10)
    lumas = {}
    for backend in ("cpu", "gl"):
        out = tmp_path / f"{backend}.mp4"
        result = engine.render(folder, out, quality="high", backend=backend)
        assert result.dynamic_range == "hdr-pq" and result.backend == backend
        lumas[backend] = luma_codes(out)
    for cpu, gl in zip(lumas["cpu"], lumas["gl"], strict=True):
        assert np.abs(cpu.astype(int) - gl.astype(int)).max() <= 2
    first, middle, last = (band_codes(lumas["cpu"][i]) for i in (0, 5, 9))
    for a, m, b in zip(first, middle, last, strict=True):
        assert min(a, b) - 2 <= m <= max(a, b) + 2, (first, middle, last)
    assert any(abs(a - b) > 20 for a, b in zip(first, last, strict=True))  # the scenes differ
