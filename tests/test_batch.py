"""Batch renders (`--batch`): the rows, the output template, the checks made before any render,
and a real batch on one warm Renderer, decoded back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from engine.errors import ConfigError
from engine.render.batch import BatchRow, batch_table, output_for, parse_batch, plan_batch, run_batch
from engine.render.options import RenderOptions

VARS = Path(__file__).parent / "fixtures" / "variables"


def test_rows_from_json_lines_arrays_and_rows_objects() -> None:
    lines = '{"name": "a", "bg": "red"}\n\n# a comment\n{"name": "b"}\n'
    assert parse_batch(lines, "f.jsonl") == [{"name": "a", "bg": "red"}, {"name": "b"}]
    assert parse_batch('[{"name": "a"}, {"name": "b"}]', "f.json") == [{"name": "a"}, {"name": "b"}]
    assert parse_batch('{"rows": [{"name": "a"}]}', "f.json") == [{"name": "a"}]
    assert parse_batch('{"name": "only"}', "f.jsonl") == [{"name": "only"}]  # one line is one row


@pytest.mark.parametrize(("text", "message"), [
    ("", "holds no rows"),
    ("# nothing\n", "holds no rows"),
    ('{"a": 1}\n{"b": \n', r"f:2: not valid JSON"),
    ('[1, 2]', "row 1 is int; expected a JSON object"),
    ('{"a": 1}\n[2]\n', "line 2 is list"),
    ('{"rows": 3}', 'an object with a "rows" array'),
])
def test_bad_batch_files_are_named(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_batch(text, "f")


def test_output_template() -> None:
    assert output_for("out/{name}-{index}.mp4", {"name": "acme"}, 3) == "out/acme-3.mp4"
    assert output_for("out/{n}.mp4", {"n": 7}, 0) == "out/7.mp4"
    for row, message in (({}, "names {name}, which the row does not have"), ({"name": True}, "string or a number"),
                         ({"name": "a/b"}, "cannot be part of a file name")):
        with pytest.raises(ConfigError, match=message):
            output_for("out/{name}.mp4", row, 0)


def test_plan_checks_every_row_before_any_render(tmp_path: Path) -> None:
    options = RenderOptions(strict_variables=True)
    with pytest.raises(ConfigError, match="every row would write"):
        plan_batch(VARS, str(tmp_path / "same.mp4"), [{}, {}], options)
    with pytest.raises(ConfigError, match="rows 0 and 1 both write"):
        plan_batch(VARS, str(tmp_path / "{bg}.mp4"), [{"bg": "red"}, {"bg": "red"}], options)
    with pytest.raises(ConfigError, match="cannot be written"):
        plan_batch(VARS, "/proc/missing/{index}.mp4", [{}], options)
    with pytest.raises(ConfigError, match="batch row 1: .*nope"):
        plan_batch(VARS, str(tmp_path / "{index}.mp4"), [{"bg": "red"}, {"nope": 1}], options)
    with pytest.raises(ConfigError, match="no alpha channel"):
        plan_batch(VARS, str(tmp_path / "{index}.mp4"), [{}], RenderOptions(alpha=True))
    planned = plan_batch(VARS, str(tmp_path / "{index}.webm"), [{"bg": "red"}, {}], RenderOptions())
    assert [r.output.name for r in planned] == ["0.webm", "1.webm"]


def test_fail_fast_skips_the_rest() -> None:
    from engine.errors import EngineError

    def render_one(row: BatchRow) -> object:
        raise EngineError(f"row {row.index} broke")

    rows = [BatchRow(i, {}, Path(f"{i}.mp4")) for i in range(3)]
    run_batch(render_one, rows, fail_fast=True)  # type: ignore[arg-type]
    assert [r.status for r in rows] == ["failed", "skipped", "skipped"]
    rows = [BatchRow(i, {}, Path(f"{i}.mp4")) for i in range(3)]
    run_batch(render_one, rows)  # type: ignore[arg-type]
    assert [r.status for r in rows] == ["failed"] * 3
    assert "3 rows: 0 done, 3 failed, 0 skipped" in batch_table(rows)


@pytest.mark.usefixtures("chromium_leak_check")
def test_batch_renders_each_row_with_its_variables(tmp_path: Path) -> None:
    batch = tmp_path / "rows.jsonl"
    batch.write_text('{"name": "blue", "bg": "rgb(0, 0, 255)"}\n{"name": "default"}\n'
                     '{"name": "white", "bg": "rgb(255, 255, 255)"}\n', encoding="utf-8")
    stats = tmp_path / "stats.json"
    run = subprocess.run([sys.executable, "-m", "engine.render", str(VARS), "-o", str(tmp_path / "{name}.png"),
                          "--still", "0.5", "--batch", str(batch), "--workers", "1", "--quality", "high",
                          "--stats-json", str(stats)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "3 rows: 3 done, 0 failed, 0 skipped" in run.stderr
    top = {}
    for name in ("blue", "default", "white"):
        with av.open(str(tmp_path / f"{name}.png")) as container:
            top[name] = next(container.decode(video=0)).to_ndarray(format="rgb24")[4, 32]
    assert np.array_equal(top["blue"], (0, 0, 255))
    assert np.array_equal(top["default"], (255, 0, 0))  # the declared default
    assert np.array_equal(top["white"], (255, 255, 255))
    rows = json.loads(stats.read_text(encoding="utf-8"))["batch"]
    assert [r["status"] for r in rows] == ["done"] * 3 and rows[0]["frames"] == 1


@pytest.mark.usefixtures("chromium_leak_check")
def test_batch_output_problems_are_bad_input_before_any_render(tmp_path: Path) -> None:
    batch = tmp_path / "rows.json"
    batch.write_text(json.dumps([{"bg": "rgb(0, 0, 255)"}, {"bg": "rgb(0, 0, 255)"}]), encoding="utf-8")
    (tmp_path / "1.png").mkdir()  # row 1's output is a folder: found before any render
    run = subprocess.run([sys.executable, "-m", "engine.render", str(VARS), "-o", str(tmp_path / "{index}.png"),
                          "--still", "0", "--batch", str(batch), "--workers", "1"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "is a folder" in run.stderr
    assert not (tmp_path / "0.png").exists()
