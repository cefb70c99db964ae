"""Errors early and in the caller's words; quiet where nothing is wrong.

A corrupt media file the HTML names and an output that cannot be written are refused before any
Chromium starts (the launch function is replaced by one that records calls), in about a second;
missing output folders are made (and removed again when nothing is written); messages name
flags from the command line and keyword arguments from Python; a still of a composition with
sound does not warn about it; the frame server prints no traceback when Chromium drops a
connection; ``--help`` reads on its own.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import warnings
from fractions import Fraction
from pathlib import Path

import helpers
import pytest
from media_gen import write_corrupt_media, write_tone_bursts

import engine
from engine.caller import cli_call, given, option
from engine.errors import ConfigError, MediaError
from engine.media.server import FrameServer
from engine.output.encoder import Encoder
from engine.render.cli import build_parser, main
from engine.render.result import RenderResult

SOLID = Path(__file__).parent / "fixtures" / "render" / "solid"
#: Seconds a refusal that starts no browser may take (about 0.1 s here; generous for a loaded 2-core CI machine).
EARLY_S = 3.0


def composition(folder: Path, body: str) -> Path:
    """A 64x36 composition ``m`` of 1 s at 10 fps holding `body`."""
    return helpers.composition(folder, body, id="m", fps=10)


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Chromium launch a test attempts (none starts: the launch fails)."""
    calls: list[str] = []

    def launch(*args: object, **kwargs: object) -> None:
        calls.append("launch")
        raise AssertionError("Chromium was launched")

    monkeypatch.setattr("engine.capture.session.open_browser", launch)
    return calls


# ---- media probed before any browser --------------------------------------------------------

@pytest.mark.parametrize("kind", ["garbage", "truncated"])
def test_corrupt_media_is_refused_before_chromium(tmp_path: Path, kind: str, launches: list[str],
                                                 chromium_leak_check: None) -> None:
    folder = composition(tmp_path / "c", '<p>intro</p>\n<video id="bad" class="clip" src="clip.mp4" data-start="0" '
                                         'muted></video>')
    write_corrupt_media(folder / "clip.mp4", kind)
    out = tmp_path / "out.mp4"
    started = time.perf_counter()
    with pytest.raises(MediaError) as info:
        engine.render(folder, out)  # workers auto: the early workers' browsers would start first
    elapsed = time.perf_counter() - started
    assert launches == []
    assert elapsed < EARLY_S, f"took {elapsed:.2f} s"
    message = str(info.value)
    assert "index.html:4: " in message and 'id="bad"' in message and "clip.mp4" in message, message
    assert "corrupt" in message
    assert not out.exists() and list(tmp_path.iterdir()) == [folder]


def test_unsupported_audio_file_from_the_cli_exits_2_naming_its_line(tmp_path: Path) -> None:
    folder = composition(tmp_path / "c", '<audio id="song" src="song.mp3" data-start="0"></audio>')
    (folder / "song.mp3").write_text("not audio at all\n")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "engine.render", str(folder), "-o", str(tmp_path / "o.mp4"), "-q"],
                          capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - started
    assert done.returncode == 2, done.stderr
    assert "index.html:3: <audio id=\"song\" src=\"song.mp3\">" in done.stderr and "Traceback" not in done.stderr
    assert elapsed < EARLY_S + 5, f"took {elapsed:.2f} s"  # the interpreter's start-up and imports included
    assert not (tmp_path / "o.mp4").exists()


def test_media_a_script_creates_is_still_found_from_the_page(tmp_path: Path, chromium_leak_check: None) -> None:
    folder = composition(tmp_path / "c", "<script>const v = document.createElement('video'); v.id = 'late'; "
                                         "v.src = 'late.mp4'; v.muted = true; "
                                         "document.getElementById('root').appendChild(v);</script>")
    write_corrupt_media(folder / "late.mp4", "garbage")
    with pytest.raises(MediaError, match='id="late".*late.mp4'):
        engine.render(folder, tmp_path / "out.mp4", workers=1)
    assert not (tmp_path / "out.mp4").exists()


# ---- outputs ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("output", "why"), [
    ("/proc/x.mp4", "folder '/proc' is not writable"),
    ("/proc/new/x.mp4", "folder '/proc' (where folder '/proc/new' would be made) is not writable"),
    ("FILE/x.mp4", "is a file, not a folder"),
])
def test_unwritable_output_is_refused_before_chromium(tmp_path: Path, output: str, why: str,
                                                      launches: list[str]) -> None:
    (tmp_path / "file.txt").write_text("in the way")
    target = Path(output.replace("FILE", str(tmp_path / "file.txt")))
    started = time.perf_counter()
    with pytest.raises(ConfigError) as info:
        engine.render(SOLID, target)
    assert time.perf_counter() - started < EARLY_S
    assert launches == []
    assert f"output {str(target)!r} cannot be written" in str(info.value) and why in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_missing_output_folders_are_made(tmp_path: Path, chromium_leak_check: None) -> None:
    video = tmp_path / "renders" / "deep" / "v.mp4"
    assert engine.render(SOLID, video, workers=1, quality="draft", frames="0:3").frames == 3 and video.is_file()
    still = tmp_path / "posters" / "p.png"
    engine.render(SOLID, still, workers=1, still=0.5)
    assert still.is_file()
    assert sorted(p.name for p in (tmp_path / "renders" / "deep").iterdir()) == ["v.mp4"]  # no temporary file left


def test_batch_output_template_in_a_missing_folder(tmp_path: Path, chromium_leak_check: None) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"name": "first"}) + "\n")
    done = subprocess.run([sys.executable, "-m", "engine.render", str(SOLID), "-o", str(tmp_path / "out" / "{name}.mp4"),
                           "--batch", str(rows), "--workers", "1", "--quality", "draft", "--frames", "0:2", "-q"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["first.mp4"]


def test_a_folder_made_for_an_output_that_is_never_written_is_removed(tmp_path: Path) -> None:
    for name in ("a/b/v.mp4", "a/b/s.png", "a/b/g.gif", "a/b/f_%04d.png"):
        encoder = Encoder(tmp_path / name, 64, 36, 10, still=name.endswith("s.png"))
        assert (tmp_path / "a" / "b").is_dir()
        encoder.abort()
        assert list(tmp_path.iterdir()) == [], name


# ---- the caller's words -----------------------------------------------------------------------

def test_words_follow_the_caller() -> None:
    assert option("allow_network") == "allow_network=True"
    assert option("url_map", "PREFIX=FOLDER", python="{PREFIX: FOLDER}") == "url_map={PREFIX: FOLDER}"
    assert option("timeout_ms", "60000", python="60000") == "timeout_ms=60000"
    assert given("fps", "0") == "fps='0'"
    with cli_call():
        assert option("allow_network") == "--allow-network"
        assert option("url_map", "PREFIX=FOLDER") == "--map-url PREFIX=FOLDER"
        assert option("audio", python="False") == "--no-audio"
        assert option("timeout_ms", "60000") == "ENGINE_CAPTURE_TIMEOUT_MS=60000"
        assert given("fps", "0") == "--fps 0"
    assert option("allow_network") == "allow_network=True"


def test_cli_and_python_word_the_same_mistake_differently(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^chunk_frames is for distributed renders; give ray=ADDRESS too$"):
        engine.render(SOLID, tmp_path / "o.mp4", chunk_frames=5)
    with pytest.raises(ConfigError, match=r"is one PNG: pass still=SECONDS for a still frame"):
        engine.render(SOLID, tmp_path / "o.png")
    done = subprocess.run([sys.executable, "-m", "engine.render", str(SOLID), "-o", str(tmp_path / "o.mp4"),
                           "--chunk-frames", "5"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "error: --chunk-frames is for distributed renders; give --ray ADDRESS too" in done.stderr
    assert "chunk_frames" not in done.stderr and "ray=" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_missing_map_url_folder_is_named_by_its_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code = main([str(SOLID), "-o", "o.mp4", "--map-url", "https://cdn.example.com/=assets"])
    err = capsys.readouterr().err
    assert code == 2
    assert (f"error: --map-url https://cdn.example.com/=assets: '{tmp_path / 'assets'}' is not a folder (it does "
            f"not exist; a relative FOLDER is read from the current directory, {tmp_path})") in err
    with pytest.raises(ConfigError, match=r"^url_map\['https://cdn.example.com/'\] = 'assets': '/"):
        engine.render(SOLID, "o.mp4", capture={"url_map": {"https://cdn.example.com/": "assets"}})
    (tmp_path / "assets").write_text("a file")
    with pytest.raises(ConfigError, match=r"is not a folder \(it is a file;"):
        engine.render(SOLID, "o.mp4", capture={"url_map": {"https://cdn.example.com/": "assets"}})


# ---- quiet where nothing is wrong -------------------------------------------------------------

def test_a_still_of_a_composition_with_sound_does_not_warn(tmp_path: Path, chromium_leak_check: None) -> None:
    folder = composition(tmp_path / "c", '<audio id="tone" src="tone.wav" data-start="0"></audio>\n'
                                         '<div style="width:64px;height:36px;background:#0f0"></div>')
    write_tone_bursts(folder / "tone.wav", duration=1, bursts=[(0.1, 0.3, 440)])
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        result = engine.render(folder, tmp_path / "p.png", still=0.5, workers=1)
    assert (tmp_path / "p.png").is_file() and result.frames == 1
    assert [str(w.message) for w in seen if issubclass(w.category, engine.RenderWarning)] == []
    assert result.warnings == [] and "warning" not in result.summary()


def test_variable_warnings_are_not_called_unfaithful() -> None:
    base = dict(output=Path("o.mp4"), frames=1, seconds=1.0, path="sequential", path_reason="", partition=None,
                workers=1, ring_depth=4, backend="none", gl_renderer=None, width=64, height=36, fps=Fraction(10),
                codec="h264", quality="draft", capture_format="jpeg", capture_mode="screenshot")
    variable = {"code": "variables", "element": "data-composition-variables", "message": "'x' is not declared"}
    font = {"code": "font", "element": "<p>", "message": "a font did not load"}
    assert "not everything rendered faithfully" not in RenderResult(**base, warnings=[variable]).summary()  # type: ignore[arg-type]
    assert RenderResult(**base, warnings=[variable]).summary().endswith("; 1 other warning(s)")  # type: ignore[arg-type]
    both = RenderResult(**base, warnings=[variable, font]).summary()  # type: ignore[arg-type]
    assert "; 1 warning(s): not everything rendered faithfully; 1 other warning(s)" in both


def test_a_dropped_connection_prints_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with FrameServer(lambda page, clip, key, shown: b"BM" + bytes(4 << 20)) as server:
        handler = server._server
        for error in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "Connection reset by peer")):
            try:
                raise error
            except OSError:
                handler.handle_error(None, ("127.0.0.1", 1))
        assert capsys.readouterr().err == ""
        try:
            raise ValueError("a real bug")
        except ValueError:
            handler.handle_error(None, ("127.0.0.1", 1))
        assert "ValueError: a real bug" in capsys.readouterr().err  # anything else is still shown
        # a real client that asks for a 4 MB frame and hangs up at once
        port = int(server.origin.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(f"GET /{server.prefix.split('/')[-2]}/0/0/0 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        time.sleep(0.5)
    assert "Traceback" not in capsys.readouterr().err


def test_help_reads_on_its_own() -> None:
    text = build_parser().format_help()
    for reference in ("table above", "above)", "see Blending", "see Distributed", "see the README", "(default: on)",
                      "(default: off)"):
        assert reference not in text, reference
    assert "read from the current directory" in text
    flat = " ".join(text.split())
    assert "--no-audio write no audio stream" in flat
    assert "a relative FOLDER is read from the current directory" in flat


def test_notices_are_not_counted_as_unfaithful() -> None:
    from engine.capture.fidelity import NOTICE_CODES, is_unfaithful

    assert {"variables", "attribute-misspelled", "transition-past-end", "cdn-version"} <= NOTICE_CODES
    assert not any(is_unfaithful(code) for code in NOTICE_CODES)
    assert is_unfaithful("video") and is_unfaithful("native-video") and is_unfaithful("blocked-request")


def test_blocked_request_hint_in_the_callers_words() -> None:
    from engine.caller import cli_call
    from engine.capture.fidelity import blocked_request

    python = blocked_request("https://cdn.example.com/a.js").message
    assert "url_map={PREFIX: FOLDER}" in python and "allow_network=True" in python and "--" not in python
    with cli_call():
        cli = blocked_request("https://cdn.example.com/a.js").message
    assert "--map-url PREFIX=FOLDER" in cli and "--allow-network" in cli and "url_map" not in cli


def test_a_refused_value_is_named_by_its_flag_from_the_cli() -> None:
    from engine.caller import cli_call
    from engine.config import check_choice, check_int
    from engine.errors import ConfigError

    with pytest.raises(ConfigError, match=r"^workers=0 is not valid"):
        check_int("workers", 0, 1, 64)
    with cli_call():
        with pytest.raises(ConfigError, match=r"^--workers=0 is not valid"):
            check_int("workers", 0, 1, 64)
        with pytest.raises(ConfigError, match=r"^--partition='x' is not valid"):
            check_choice("partition", "x", ("dynamic", "interleaved"))
