"""bench/hf_fixtures.py and the stand-in staging of bench/compat_hyperframes.py (issue 29): which
remote media a fixture references and what it expects of them, the stand-in files (real PyAV),
the timing table, and HyperFrames' failure reason in the report."""

from __future__ import annotations

import sys
from pathlib import Path

import av
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import compat_hyperframes  # noqa: E402
from hf_fixtures import (  # noqa: E402
    DEFAULT_AUDIO_SECONDS,
    StandIns,
    engine_stages,
    file_name,
    hf_stages,
    remote_media,
    timing_table,
    write_audio,
    write_video,
)

S3 = "https://example-bucket.s3.amazonaws.com/assets"

INDEX = f"""<!doctype html><html><head>
<script src="https://cdnjs.cloudflare.com/ajax/libs/gsap/3.12.2/gsap.min.js"></script></head><body>
<div id="root" data-composition-id="main" data-width="64" data-height="36" data-duration="1.5">
  <video id="bg" data-start="0" src="{S3}/clip.mp4"></video>
  <div data-composition-id="pip" data-composition-src="compositions/pip.html" data-start="0"></div>
  <audio id="sfx" data-start="0" data-duration="0.4" src="{S3}/click.mp3"></audio>
  <audio id="pop" data-start="1" src="{S3}/pop.mp3"></audio>
</div></body></html>"""
PIP = f"""<template id="pip-template">
  <div data-composition-id="pip" data-width="48" data-height="80" data-duration="1">
    <div class="frame"><img src="a.png"><video src="{S3}/clip.mp4" data-start="0"></video></div>
    <video data-duration="0.5"><source src="{S3}/other/clip.mp4?sig=1" type="video/mp4"></video>
  </div></template>"""


@pytest.fixture()
def fixture_dir(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "compositions").mkdir(parents=True)
    (src / "index.html").write_text(INDEX)
    (src / "compositions" / "pip.html").write_text(PIP)
    return src


def test_remote_media_reads_size_and_duration_from_the_nearest_composition(fixture_dir: Path) -> None:
    needs = remote_media(fixture_dir)
    clip = needs[f"{S3}/clip.mp4"]  # used in both files: the largest size, the longest duration
    assert (clip.kind, clip.width, clip.height, clip.seconds) == ("video", 64, 80, 1.5)
    assert needs[f"{S3}/click.mp3"].kind == "audio" and needs[f"{S3}/click.mp3"].seconds == 0.4
    assert needs[f"{S3}/pop.mp3"].seconds == DEFAULT_AUDIO_SECONDS  # no data-duration: a one-shot effect
    source = needs[f"{S3}/other/clip.mp4?sig=1"]  # a <source> takes its <video>'s duration
    assert (source.kind, source.width, source.height, source.seconds) == ("video", 48, 80, 0.5)


def test_file_name_keeps_the_urls_name_and_drops_the_query() -> None:
    assert file_name(f"{S3}/743011f1_e3c6.mp4") == "743011f1_e3c6.mp4"
    assert file_name(f"{S3}/a b%20c.mp3?X-Amz=1#t=2") == "a_b_20c.mp3"
    assert file_name("https://host/") == "media"


def test_write_video_and_audio_have_the_asked_size_and_duration(tmp_path: Path) -> None:
    video = write_video(tmp_path / "v.mp4", 63, 36, 0.5)  # odd width: rounded up for yuv420p
    with av.open(str(video)) as c:
        v = c.streams.video[0]
        frames = sum(1 for _ in c.decode(v))
        assert (v.codec_context.width, v.codec_context.height) == (64, 36)
        assert frames == 15 and len(c.streams.audio) == 1
    sound = write_audio(tmp_path / "s.mp3", 0.4)
    with av.open(str(sound)) as c:
        assert c.format.name == "mp3" and c.streams.audio[0].codec_context.name.startswith("mp3")
        assert c.duration is not None and 0.35 < c.duration / 1e6 < 0.5
    with pytest.raises(ValueError, match=r"s\.flac.*\.mp3"):
        write_audio(tmp_path / "s.flac", 1)
    with pytest.raises(ValueError, match="must be positive"):
        write_video(tmp_path / "w.mp4", 0, 36, 1)


def test_stage_writes_stand_ins_under_the_names_the_html_uses(fixture_dir: Path, tmp_path: Path) -> None:
    stand_ins = StandIns(tmp_path / "cache")
    comp, notes = compat_hyperframes.stage(fixture_dir, None, tmp_path / "comp", stand_ins)
    index = (comp / "index.html").read_text()
    assert 'src="/__standin/clip.mp4"' in index and 'src="/__standin/click.mp3"' in index
    assert "/__vendor/gsap.min.js" in index and "https://" not in index.split("<body>")[1]
    assert 'src="/__standin/clip.mp4"' in (comp / "compositions" / "pip.html").read_text()
    with av.open(str(comp / "__standin" / "clip.mp4")) as c:  # the composition's size, its 1.5 s
        assert (c.streams.video[0].codec_context.width, c.streams.video[0].codec_context.height) == (64, 80)
        assert sum(1 for _ in c.decode(video=0)) == 45
    assert (comp / "__standin" / "pop.mp3").exists()
    assert any("clip.mp4 (stand-in 64x80, 1.5 s)" in n for n in notes), notes


def test_a_second_url_with_the_same_file_name_gets_its_own_file(tmp_path: Path) -> None:
    stand_ins, into, notes = StandIns(tmp_path / "cache"), tmp_path / "comp", list[str]()
    into.mkdir()
    first = stand_ins.local(f"{S3}/a/x.mp3", None, into, notes)
    again = stand_ins.local(f"{S3}/a/x.mp3", None, into, notes)
    other = stand_ins.local(f"{S3}/b/x.mp3", None, into, notes)
    assert first == again == "/__standin/x.mp3" and other != first and other.endswith("-x.mp3")
    assert len(notes) == 2 and len(list((tmp_path / "cache").iterdir())) == 1  # one clip written, copied twice


def test_timing_table_gives_the_ratios_and_the_layer_shares() -> None:
    rows = [{"name": "style-1-prod", "frames_engine": 68, "seconds_hf": 43.5, "seconds_engine_poster": 40.0,
             "seconds_engine": 30.0, "video_layers": {"native": 0, "two_capture": 51, "poster": 17},
             "captures": 120, "captures_poster": 68},
            {"name": "broken", "seconds_hf": 2.0}]
    table = timing_table(rows)
    assert len(table) == 4 and table[3].startswith("| style-1-prod | 68 | 43.5 | 40.0 | 30.0 | 1.09x | 1.45x | 1.33x")
    assert "| 51 (75 %) | 17 (25 %) | 68 / 120 |" in table[3]
    assert timing_table([{"name": "x", "seconds_hf": 3.0}]) == []
    rows[0]["stages_engine"] = "hybrid, 2 workers"
    assert timing_table(rows)[-1] == "- style-1-prod: engine auto: hybrid, 2 workers"
    rows[0]["failed"] = ["auto"]  # a failed render's time is no time: no ratio drawn from it
    assert timing_table(rows)[3].startswith("| style-1-prod | 68 | 43.5 | 40.0 | failed | 1.09x | - | - |")


def test_stage_accounts_of_both_renderers(tmp_path: Path) -> None:
    log = tmp_path / "hf.log"
    log.write_text("◇  /tmp/x/hf.mp4\n   604.0 KB · 17.0s video · rendered in 39.5s\n   beginframe capture · "
                   "software gpu · compile 2.0s · extract 0.7s · capture 28.8s\n   Keep editing ...\n")
    assert hf_stages(log) == "rendered in 39.5s; beginframe capture · software gpu · compile 2.0s · extract 0.7s · capture 28.8s"
    assert hf_stages(tmp_path / "absent.log") == ""
    stats = {"path": "hybrid", "workers": 2, "seconds": 33.28, "stage_seconds": {"startup": 9.52, "capture": 26.96}}
    assert engine_stages(stats) == "hybrid, 2 workers, 33.3 s: startup 9.5, capture 27.0"
    assert engine_stages({}) == ""


def test_last_error_says_why_hyperframes_failed(tmp_path: Path) -> None:
    log = tmp_path / "hf.log"
    log.write_text("[INFO] ok\n\n✗  Render failed\n\n   Video extraction failed for 1 source(s) "
                   "[VIDEO_EXTRACTION_FAILED; download_transient=1]\n   Try --docker for containerized rendering\n")
    assert compat_hyperframes.last_error(log) == ("✗  Render failed: Video extraction failed for 1 source(s) "
                                                  "[VIDEO_EXTRACTION_FAILED; download_transient=1]")


def test_decode_every_counts_every_frame_and_keeps_every_nth(tmp_path: Path) -> None:
    video = write_video(tmp_path / "v.mp4", 32, 18, 0.5)
    count, kept = compat_hyperframes.decode_every(video, 4)
    assert count == 15 and sorted(kept) == [0, 4, 8, 12] and kept[4].shape == (18, 32, 3)
