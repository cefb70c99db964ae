"""A render opens no listening socket, and user paths never reach a shell."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import psutil
import pytest

import engine

SOLID = Path(__file__).parent / "fixtures" / "render" / "solid"
pytestmark = pytest.mark.usefixtures("chromium_leak_check")


def test_no_listening_socket_and_shell_characters_in_paths(tmp_path: Path) -> None:
    folder = tmp_path / "we ird $(touch pwned) 'q\"; ls `id`"
    shutil.copytree(SOLID, folder)
    listening: set[tuple[str, object]] = set()
    done = threading.Event()

    def sockets() -> set[tuple[str, object]]:
        me, found = psutil.Process(), set()
        for proc in [me, *me.children(recursive=True)]:
            try:
                found |= {(proc.name(), conn.laddr) for conn in proc.net_connections(kind="inet")
                          if conn.status == psutil.CONN_LISTEN}
            except psutil.Error:
                pass
        return found

    def watch() -> None:
        while not done.is_set():
            listening.update(sockets())
            time.sleep(0.05)

    # what this process listened on before (another test's server in a shared test process) is not the render's
    before = sockets()
    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        result = engine.render(folder, folder / "out $(touch pwned2).mp4", workers=2)
    finally:
        done.set()
        watcher.join()
    assert result.output.is_file() and result.frames == 20
    assert listening - before == set()
    assert not list(tmp_path.rglob("pwned*")) and not Path("pwned").exists()
