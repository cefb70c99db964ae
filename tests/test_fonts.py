"""Deterministic fonts (HyperFrames' bundled fonts and alias map), in a real Chromium."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import composition

from engine.capture import BrowserSession
from engine.capture.fonts import fonts_dir, manifest

STYLE = """<meta charset="utf-8"><style>
  body { background: #fff; }
  p { position: absolute; left: 4px; margin: 0; font-size: 28px; font-weight: 700; color: #000; }
  #a { top: 0; font-family: Arial, sans-serif; }
  #b { top: 40px; font-family: "Inter"; }
  #c { top: 80px; font-family: sans-serif; }
  #d { top: 120px; font-family: "Nonexistent Display Face", serif; }
  :root { --brand: "Montserrat", sans-serif; }
  #e { top: 140px; font-size: 10px; font-family: var(--brand); }
</style>"""
BODY = """  <p id="a">Hamburgefonts 0123</p><p id="b">Hamburgefonts 0123</p><p id="c">Hamburgefonts 0123</p>
  <p id="d">Hamburgefonts 0123</p><p id="e">brand</p>"""


def test_the_manifest_names_only_files_that_ship() -> None:
    data = manifest()
    for slug, font in data["fonts"].items():
        for weight in font["weights"]:
            assert (fonts_dir() / font["files"][str(weight)]).is_file(), (slug, weight)
        assert (fonts_dir() / f"LICENSE-{slug}").is_file()
    assert set(data["aliases"].values()) <= set(data["fonts"])
    assert data["aliases"]["arial"] == data["aliases"]["helvetica"] == "inter"


@pytest.mark.browser
def test_arial_and_generic_stacks_resolve_to_inter_and_missing_families_warn(tmp_path: Path,
                                                                            chromium_leak_check: None) -> None:
    composition(tmp_path, BODY, head=STYLE, id="main", width=320, height=160)
    with BrowserSession(tmp_path, capture_format="png") as session:
        frame = session.capture_frame(0) >> 8
        state = session._evaluate("() => window.__hfEngineFonts", None)
        warned = [(w.code, w.element) for w in session.warnings]
    with BrowserSession(tmp_path, capture_format="png", fonts="system") as system:
        plain = system.capture_frame(0) >> 8
        assert system._evaluate("() => window.__hfEngineFonts.injected", None) == []
    assert {"Arial", "Inter", "Montserrat"} <= set(state["injected"])  # Montserrat through var(--brand)
    rows = {name: frame[top:top + 36, :] for name, top in (("a", 0), ("b", 40), ("c", 80))}
    # Arial is Inter here (HyperFrames' alias), and a stack that starts with sans-serif gets Inter first
    assert np.array_equal(rows["a"], rows["b"]) and np.array_equal(rows["c"], rows["b"])
    assert not np.array_equal(plain[0:36, :], rows["a"]), "with fonts='system' Arial is fontconfig's"
    assert rows["a"].min() < 60  # text was drawn
    assert warned == [("font-fallback", 'font-family "Nonexistent Display Face"')]
