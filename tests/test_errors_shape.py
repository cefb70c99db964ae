"""One error module: every public exception and warning lives in `engine.errors`, is exported from
`engine`, and carries where it happened (`file`, `line`, `element`) in the shape lint problems use,
``index.html:12: <video id="x">: message``."""

from __future__ import annotations

import pickle
import re
import sys
import warnings
from pathlib import Path

import pytest

import engine
import engine.errors as errors
from engine.composition.source import read_static
from engine.composition.validate import build_plan, census_findings
from engine.errors import CompositionError, EngineError, InputError, MediaError, RenderWarning, UnknownTransitionError

sys.path.insert(0, str(Path(__file__).parent))
from helpers import composition  # noqa: E402
from media_gen import write_corrupt_media  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).parent / "fixtures" / "bad"
#: Exceptions used only inside one module (never reach a caller), so not part of engine.errors.
INTERNAL = {"Failed", "FenceAborted", "_NoAudio", "NoAudio"}


def test_every_exception_class_is_defined_in_engine_errors_and_exported() -> None:
    defined: dict[str, Path] = {}
    for path in (ROOT / "engine").rglob("*.py"):
        for name in re.findall(r"^class (\w+)\((?:[\w.]*(?:Error|Warning|Exception|Cancelled|Unavailable))\)",
                               path.read_text(encoding="utf-8"), re.M):
            defined[name] = path.relative_to(ROOT)
    outside = {name: str(path) for name, path in defined.items()
               if path != Path("engine/errors.py") and name not in INTERNAL}
    assert not outside, f"exceptions defined outside engine/errors.py: {outside}"
    public = {name for name in errors.__all__ if isinstance(getattr(errors, name), type)} - {"Located"}
    assert {"VendorError", "PackagePathError", "BlockedRequestWarning", "CdnVersionWarning", "EncodeError",
            "PageScriptError", "VariableWarning"} <= public
    assert public <= set(engine.__all__), f"not exported from engine: {sorted(public - set(engine.__all__))}"
    for name in public:
        assert getattr(engine, name) is getattr(errors, name)


def test_old_import_paths_are_the_same_classes() -> None:
    from engine.capture.router import BlockedRequestWarning, CdnVersionWarning
    from engine.capture.sandbox import PathRefusedError
    from engine.capture.session import PageHangError, PageScriptError
    from engine.composition.variables import VariableWarning
    from engine.vendor import CacheCorruptError, PackagePathError, UnsafeTarballError, VendorError

    assert BlockedRequestWarning is errors.BlockedRequestWarning and CdnVersionWarning is errors.CdnVersionWarning
    assert PathRefusedError is errors.PathRefusedError and PageHangError is errors.PageHangError
    assert PageScriptError is errors.PageScriptError and VariableWarning is errors.VariableWarning
    assert VendorError is errors.VendorError and PackagePathError is errors.PackagePathError
    assert UnsafeTarballError is errors.UnsafeTarballError and CacheCorruptError is errors.CacheCorruptError
    # the subclass relationships the CLI's exit codes depend on
    assert issubclass(errors.PageScriptError, errors.CompositionError)
    assert issubclass(errors.PageHangError, errors.CaptureError) and not issubclass(errors.PageHangError, errors.InputError)
    assert issubclass(errors.PackagePathError, errors.VendorError) and issubclass(errors.VendorError, EngineError)
    assert issubclass(errors.CdnVersionWarning, RenderWarning) and issubclass(RenderWarning, UserWarning)


def test_location_shape_and_no_repeats() -> None:
    error = MediaError("cannot be decoded", file="index.html", line=12, element='<video id="x">')
    assert str(error) == 'index.html:12: <video id="x">: cannot be decoded'
    assert (error.file, error.line, error.element, error.message) == ("index.html", 12, '<video id="x">',
                                                                      "cannot be decoded")
    assert str(EngineError("plain")) == "plain" and EngineError("plain").file is None
    assert str(EngineError("no line", file=Path("scenes/a.html"))) == "scenes/a.html: no line"
    assert str(EngineError("no file", line=3, element="<img>")) == "<img>: no file"  # a line needs its file
    # a message that already starts with the file or names the element is not repeated
    said = "index.html: <div id='t'> (line 9) data-start is 'soon'"
    assert str(CompositionError(said, file="index.html", line=9, element="<div id='t'>")) == said
    assert str(CompositionError("index.html: has no x", file="index.html", element="<div>")) == \
        "index.html: <div>: has no x"


def test_location_survives_pickling() -> None:  # workers and Ray actors send errors back pickled
    error = pickle.loads(pickle.dumps(UnknownTransitionError("unknown", file="index.html", line=4, element="<hf-transition>")))
    assert type(error) is UnknownTransitionError
    assert str(error) == "index.html:4: <hf-transition>: unknown" and error.line == 4


def test_warnings_share_the_shape() -> None:
    with pytest.warns(errors.BlockedRequestWarning) as caught:
        warnings.warn(errors.BlockedRequestWarning("blocked https://x.test/a.js", file="index.html", line=5,
                                                   element="<script src='https://x.test/a.js'>"), stacklevel=1)
    assert str(caught[0].message) == \
        "index.html:5: <script src='https://x.test/a.js'>: blocked https://x.test/a.js"


@pytest.mark.parametrize("name, line, element", [
    ("clip-start-not-numeric", 9, "<div id='title'>"),
    ("root-width-zero", 6, "<div id='root'>"),
    ("shader-unknown", 9, None),
])
def test_the_validator_records_where(name: str, line: int, element: str | None) -> None:
    html = BAD / name / "index.html"
    raw = read_static(html)
    with pytest.raises(InputError) as info:
        build_plan(raw, html)
    assert (info.value.file, info.value.line, info.value.element) == ("index.html", line, element)
    assert str(info.value).startswith("index.html: ")  # the message the render always gave, unchanged
    first = census_findings(raw, html)[0]  # the lint's finding: the same error, the same place
    assert (first.line, first.error.file, first.error.line) == (line, "index.html", line)
    assert first.message == str(info.value)
    if name == "shader-unknown":
        assert isinstance(info.value, UnknownTransitionError)


def test_the_media_preprobe_records_where(tmp_path: Path) -> None:
    from engine.media.probe import probe_source
    from engine.render.preprobe import preprobe_media

    write_corrupt_media(tmp_path / "clip.mp4")
    folder = composition(tmp_path, '<video id="v" class="clip" src="clip.mp4" data-start="0" muted></video>')
    with pytest.raises(MediaError) as info:
        preprobe_media(folder)
    shown = str(info.value.file)  # as the lint shows it: relative to the current folder where it can be
    assert Path(shown).name == "index.html" and info.value.line == 3  # the body starts on line 3 (helpers.composition)
    assert re.match(re.escape(shown) + r':3: <video id="v".*clip\.mp4.*FFmpeg', str(info.value)), str(info.value)
    with pytest.raises(MediaError) as probed:
        probe_source(tmp_path / "clip.mp4", '<video id="v">', need_video=True)
    assert probed.value.element == '<video id="v">'
    assert str(probed.value).startswith('<video id="v">: ') and str(probed.value).count('<video id="v">') == 1
