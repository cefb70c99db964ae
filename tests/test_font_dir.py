"""``--fonts DIR``: a local font folder answering Google Fonts links and the families a page names,
offline; a family the folder lacks is named in a warning."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from helpers import composition

from engine.capture import BrowserSession
from engine.capture.font_dir import check_font_dir, google_fonts_families, index_font_dir, is_google_fonts_css
from engine.capture.fonts import fonts_dir
from engine.errors import ConfigError

pytestmark = pytest.mark.usefixtures("chromium_leak_check")

LINK = "https://fonts.googleapis.com/css2?family=Testface+Sans:wght@400;700&display=swap"


def page(folder: Path, head: str, family: str) -> Path:
    """A 320x64 page setting one line in `family`, with `head` (a stylesheet link, or nothing)."""
    return composition(folder, "<p>Hamburgefonstiv</p>", id="f", width=320, height=64,
                       head=f'<meta charset="utf-8">{head}\n<style>html, body {{ margin: 0; background: #fff; }} '
                            f"p {{ margin: 0; font: 700 40px {family}; color: #000; }}</style>\n")


def renamed_font(source: Path, target: Path, family: str, italic: bool = False) -> Path:
    """A copy of a bundled font file that calls itself `family` (fontTools)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(source))
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
    if italic:
        font["OS/2"].fsSelection |= 1
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix == ".ttf":
        font.flavor = None
    font.save(str(target))
    return target


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fonts")
    renamed_font(fonts_dir() / "inter-latin-400-normal.woff2", root / "testface" / "Testface-Regular.woff2", "Testface Sans")
    renamed_font(fonts_dir() / "inter-latin-700-normal.woff2", root / "testface" / "Testface-Bold.ttf", "Testface Sans")
    renamed_font(fonts_dir() / "inter-latin-400-normal.woff2", root / "flat-italic.woff2", "Testface Sans", italic=True)
    (root / "README.txt").write_text("not a font", encoding="utf-8")
    return root


def test_google_fonts_urls() -> None:
    assert google_fonts_families(LINK) == ["Testface Sans"]
    assert google_fonts_families("https://fonts.googleapis.com/css2?family=Inter:wght@400&family=Roboto+Mono:ital,"
                                 "wght@0,400;1,700") == ["Inter", "Roboto Mono"]
    assert google_fonts_families("https://fonts.googleapis.com/css?family=Lato:400,700|Open+Sans") == ["Lato",
                                                                                                     "Open Sans"]
    assert is_google_fonts_css(LINK) and not is_google_fonts_css("https://fonts.gstatic.com/s/inter/v1/x.woff2")


def test_the_folder_is_indexed_by_what_each_file_says(folder: Path) -> None:
    faces = index_font_dir(check_font_dir(folder))["testface sans"]
    assert [(f.weight, f.style, f.format) for f in faces] == [(400, "italic", "woff2"), (400, "normal", "woff2"),
                                                              (700, "normal", "truetype")]
    assert faces[2].path == "testface/Testface-Bold.ttf"


def test_bad_folders_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not a folder"):
        check_font_dir(tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="holds no font file"):
        check_font_dir(tmp_path)
    (tmp_path / "broken.ttf").write_bytes(b"not really a font")
    with pytest.raises(ConfigError, match="broken.ttf is not a font file"):
        index_font_dir(check_font_dir(tmp_path))


def capture(tmp_path: Path, name: str, head: str, family: str, **options: object) -> tuple[np.ndarray, list[str]]:
    comp = page(tmp_path / name, head, family)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with BrowserSession(comp, capture_format="png", **options) as session:  # type: ignore[arg-type]
            return session.capture_frame(0).copy(), [w.code for w in session.warnings]


def test_a_google_fonts_link_is_served_from_the_folder(tmp_path: Path, folder: Path) -> None:
    link = f'<link rel="stylesheet" href="{LINK}">'
    served, codes = capture(tmp_path, "served", link, '"Testface Sans"', font_dir=folder)
    assert codes == []  # no blocked request, no fallback
    reference, _ = capture(tmp_path, "inter", "", "Inter")  # the bundled Inter, whose outlines the copy has
    assert np.array_equal(served, reference)
    _, codes = capture(tmp_path, "offline", link, '"Testface Sans"')
    assert "blocked-request" in codes  # without the folder the link is blocked, as before


def test_a_family_the_folder_lacks_is_a_warning_naming_it(tmp_path: Path, folder: Path) -> None:
    link = '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Testface+Sans&family=Nope+Serif">'
    with pytest.warns(Warning, match="holds no 'Nope Serif'"):
        comp = page(tmp_path / "missing", link, '"Nope Serif"')
        with BrowserSession(comp, font_dir=folder) as session:
            codes = [w.code for w in session.warnings]
    assert "blocked-request" in codes


def test_without_a_link_a_family_in_the_folder_still_gets_its_faces(tmp_path: Path, folder: Path) -> None:
    served, codes = capture(tmp_path, "nolink", "", '"Testface Sans"', font_dir=folder, fonts="system")
    reference, _ = capture(tmp_path, "inter2", "", "Inter")
    assert codes == [] and np.array_equal(served, reference)
