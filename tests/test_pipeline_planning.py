"""The path gate and the partitioners (pure functions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import ConfigError
from engine.pipeline.planning import partition, should_use_hybrid_layered_path


def test_gate_rules() -> None:
    ok = dict(hdr=False, workers=2, frame_count=10, transition_frame_count=3)
    assert should_use_hybrid_layered_path(**ok).hybrid
    assert not should_use_hybrid_layered_path(**{**ok, "hdr": True}).hybrid
    assert not should_use_hybrid_layered_path(**{**ok, "workers": 1}).hybrid
    assert not should_use_hybrid_layered_path(**{**ok, "frame_count": 0, "transition_frame_count": 0}).hybrid
    decision = should_use_hybrid_layered_path(**{**ok, "transition_frame_count": 10})
    assert not decision.hybrid and "every frame is inside a transition" in decision.reason
    assert should_use_hybrid_layered_path(**{**ok, "transition_frame_count": 0}).hybrid


@given(
    frames=st.lists(st.integers(0, 10_000), unique=True).map(sorted),
    workers=st.integers(1, 12),
    how=st.sampled_from(["interleaved", "contiguous"]),
)
def test_every_frame_exactly_once_ascending(frames: list[int], workers: int, how: str) -> None:
    shares = partition(frames, workers, how)
    assert len(shares) == workers
    assert sorted(f for share in shares for f in share) == frames
    for share in shares:
        assert share == sorted(share)


def test_interleaved_and_contiguous_shapes() -> None:
    frames = list(range(10))
    assert partition(frames, 3, "interleaved") == [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]
    assert partition(frames, 3, "contiguous") == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert partition([0, 1], 4, "interleaved") == [[0], [1], [], []]
    assert partition([0, 1], 4, "contiguous") == [[0], [1], [], []]
    assert partition([], 2) == [[], []]


def test_partition_errors() -> None:
    with pytest.raises(ConfigError, match="partition='striped' is not valid; expected one of: interleaved, contiguous"):
        partition([1], 2, "striped")
    with pytest.raises(ConfigError, match="workers=0"):
        partition([1], 0)


def test_render_decision() -> None:
    from engine.pipeline.planning import decide
    from engine.render.options import RenderOptions

    common = dict(frame_count=100, transition_frames=20, frame_bytes=6 * 64 * 36, cpus=2, available_bytes=8 * 2**30)
    auto = decide(RenderOptions(), **common)
    assert auto.hybrid and auto.workers == 2 and auto.ring_depth == 4
    assert not decide(RenderOptions(), **{**common, "cpus": 1}).hybrid
    short = decide(RenderOptions(workers=8), **{**common, "frame_count": 3, "transition_frames": 0})
    assert short.workers == 3 and short.hybrid
    forced = decide(RenderOptions(path="sequential", workers=4), **common)
    assert not forced.hybrid and forced.workers == 1 and "sequential" in forced.reason
    all_transition = decide(RenderOptions(), **{**common, "transition_frames": 100})
    assert not all_transition.hybrid and "every frame" in all_transition.reason
    starved = decide(RenderOptions(), **{**common, "available_bytes": 2**20})
    assert starved.workers == 1
    with pytest.raises(ConfigError, match="path 'hybrid' needs at least 2 workers"):
        decide(RenderOptions(path="hybrid", workers=1), **common)


def test_quality_presets_pick_the_capture_format_unless_one_was_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.render.options import RenderOptions

    monkeypatch.delenv("ENGINE_CAPTURE_FORMAT", raising=False)
    auto = {"dynamic_range": "auto"}  # the session decides HDR as the render does (engine.media.hdr)
    assert RenderOptions(quality="draft").session_options() == {"capture_format": "jpeg", "jpeg_quality": 80, **auto}
    assert RenderOptions(quality="standard").session_options() == {"capture_format": "jpeg", "jpeg_quality": 95, **auto}
    assert RenderOptions(quality="high").session_options() == {"capture_format": "png", **auto}
    chosen = RenderOptions(quality="draft", capture={"capture_format": "png", "seed": 3})
    assert chosen.session_options() == {"capture_format": "png", "seed": 3, **auto}
    own_quality = RenderOptions(quality="standard", capture={"jpeg_quality": 90})
    assert own_quality.session_options() == {"capture_format": "jpeg", "jpeg_quality": 90, **auto}
    assert RenderOptions(dynamic_range="sdr").session_options()["dynamic_range"] == "sdr"
    assert "dynamic_range" not in RenderOptions(alpha=True).session_options()  # alpha renders are SDR
    monkeypatch.setenv("ENGINE_CAPTURE_FORMAT", "png")
    assert RenderOptions(quality="draft").session_options() == auto


def test_early_workers_are_those_a_hybrid_render_would_use() -> None:
    from engine.render.options import RenderOptions
    from engine.pipeline.planning import early_workers

    assert early_workers(RenderOptions(), cpus=2) == 1
    assert early_workers(RenderOptions(), cpus=1) == 0
    assert early_workers(RenderOptions(workers=4), cpus=2) == 3
    assert early_workers(RenderOptions(workers=3, path="sequential"), cpus=8) == 0
    assert early_workers(RenderOptions(frames="5:6"), cpus=4) == 0
    assert early_workers(RenderOptions(still=1.5), cpus=4) == 0
    assert early_workers(RenderOptions(frames="5:7"), cpus=4) == 3
    assert early_workers(RenderOptions(frames="5:"), cpus=4) == 3
