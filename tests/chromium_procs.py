"""Chromium in the tests: which tests start it, a guard for those said not to, and the processes
a test left running.

- `starts_chromium(function, fixtures)`: whether a test starts Chromium, read from its source
  (and its fixtures' and the module-level helpers and constants it uses, across test modules):
  it calls one of `STARTS_CHROMIUM`, runs ``python -m engine.render`` / ``engine.doctor`` /
  ``engine.lint`` (or their console scripts, or ``python -c`` code rendering), or calls ``lint()``
  without ``page=False`` (a composition with scripts is loaded in Chromium). tests/conftest.py marks such tests ``browser``.
- `ChromiumGuard`: during a test not marked ``browser``, starting Chromium fails the test, in
  this process and in the Python processes it runs (a stand-in Chromium through ENGINE_CHROMIUM).
- `chromium_children`, `assert_no_new_chromium`: the leak checks (psutil).
"""

from __future__ import annotations

import ast
import functools
import inspect
import os
import re
import stat
import sys
import textwrap
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent

#: Qualified names (as imported) whose use starts Chromium.
STARTS_CHROMIUM = frozenset({
    "engine.render", "engine.Renderer", "engine.BrowserSession", "engine.load_plan",
    "engine.render.render", "engine.render.Renderer", "engine.render.cli.main", "engine.render.run.run_render",
    "engine.render.warm.Renderer", "engine.render.batch.run_batch",
    "engine.capture.BrowserSession", "engine.capture.load_plan", "engine.capture.session.BrowserSession",
    "engine.capture.session.load_plan", "engine.capture.launch.open_browser", "engine.capture.launch.keep_browsers_warm",
    "engine.doctor.run_checks", "engine.doctor.__main__.main", "engine.doctor.browser.check_capture",
    "chromium_leak_check",  # a test or fixture asking for the leak check itself says it starts Chromium
})
#: Modules that start Chromium when run as ``python -m MODULE`` (and their console scripts).
COMMANDS = frozenset({"engine.render", "engine.doctor", "engine.lint", "engine-render", "engine-doctor", "engine-lint"})
#: Lint entry points: they start Chromium (for a composition with scripts) unless given page=False.
LINT = frozenset({"engine.lint.lint", "engine.lint.lint_report", "engine.lint.cli.main", "engine.lint.cli.run"})

#: Python code in a string (``python -c CODE``) that starts Chromium.
_CODE_STARTS = re.compile(r"\b(engine\.render|Renderer|BrowserSession|load_plan|run_checks)\(")

NOT_MARKED = "this test starts Chromium but is not marked browser: fix the conftest rule (tests/chromium_procs.py)"


# ---- which tests start Chromium ------------------------------------------------------------------

class _Refs(ast.NodeVisitor):
    """The qualified names, local names and telling strings one piece of code uses."""

    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases, self.names, self.direct = aliases, set[str](), False

    def qualified(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return None if base is None else f"{base}.{node.attr}"
        return None

    def visit_Name(self, node: ast.Name) -> None:
        self.names.add(self.aliases.get(node.id, node.id))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = self.qualified(node)
        if name is not None:
            self.names.add(name)
        self.generic_visit(node)

    def visit_arg(self, node: ast.arg) -> None:
        self.names.add(node.arg)  # a fixture asked for by parameter name

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self.names.add(node.value)  # usefixtures("name"), getfixturevalue("name")
            self.direct |=  bool(_CODE_STARTS.search(node.value))  # python -c CODE

    def visit_Call(self, node: ast.Call) -> None:
        if self.qualified(node.func) in LINT and not any(
                k.arg == "page" and isinstance(k.value, ast.Constant) and k.value.value is False for k in node.keywords):
            self.direct = True  # lint() loads a page with scripts in Chromium unless page=False
        self.generic_visit(node)

    def visit_List(self, node: ast.List | ast.Tuple) -> None:
        values = [e.value if isinstance(e, ast.Constant) else None for e in node.elts]
        for i, value in enumerate(values):  # [sys.executable, "-m", "engine.render", ...] or [".../engine-render", ...]
            if value in COMMANDS and (i > 0 and values[i - 1] == "-m" or value.startswith("engine-")):
                self.direct = True
        self.generic_visit(node)

    visit_Tuple = visit_List


def _uses(node: ast.AST, aliases: dict[str, str]) -> _Refs:
    refs = _Refs(aliases)
    refs.visit(node)
    return refs


@functools.cache
def _module(path: Path) -> tuple[dict[str, str], frozenset[str]]:
    """(import aliases, the top-level names that start Chromium) of the test module at `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    uses: dict[str, _Refs] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            targets = [node.name]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            found = node.targets if isinstance(node, ast.Assign) else [node.target]
            targets = [n.id for t in found for n in ast.walk(t) if isinstance(n, ast.Name)]
        else:
            continue
        refs = _uses(node, aliases)
        for name in targets:
            uses[name] = refs
    tainted = {name for name, refs in uses.items() if refs.direct or refs.names & STARTS_CHROMIUM
               or any(_imported_starts(n) for n in refs.names)}
    while True:  # helpers using helpers
        more = {name for name, refs in uses.items() if name not in tainted and refs.names & tainted}
        if not more:
            return aliases, frozenset(tainted)
        tainted |= more


def _imported_starts(qualified: str) -> bool:
    """Whether `qualified` (``module.name``) is a name of another test module that starts Chromium."""
    module, _, name = qualified.rpartition(".")
    if not module.isidentifier():  # a dotted module (engine.x), a string, a file name
        return False
    path = TESTS / f"{module}.py"
    return path.is_file() and name in _module(path)[1]


def _code_starts(function: Callable[..., Any]) -> bool:
    function = inspect.unwrap(function)
    try:
        path = Path(inspect.getsourcefile(function) or "").resolve()
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return False
    if path.parent != TESTS:  # a plugin's fixture (tmp_path, monkeypatch...)
        return False
    aliases, tainted = _module(path)
    refs = _uses(ast.parse(source), aliases)
    return refs.direct or bool(refs.names & (STARTS_CHROMIUM | tainted)) or any(map(_imported_starts, refs.names))


def starts_chromium(function: Callable[..., Any], fixtures: Iterable[Callable[..., Any]] = ()) -> bool:
    """Whether the test `function` (with the functions of the `fixtures` it uses) starts Chromium."""
    return _code_starts(function) or any(map(_code_starts, fixtures))


# ---- the guard for tests not marked browser --------------------------------------------------------

class ChromiumGuard:
    """While active, starting Chromium fails: `engine.capture.launch` in this process, and any
    child process that takes ENGINE_CHROMIUM (a stand-in that logs the attempt and exits 1;
    ``--version`` and the like still reach the real Chromium)."""

    def __init__(self, folder: Path) -> None:
        from engine.capture.options import default_chromium

        real = default_chromium()
        self.stand_in = folder / os.path.basename(real)  # the same name: headless-shell detection holds
        self.stand_in.write_text(
            "#!/bin/sh\n"
            'for a in "$@"; do case "$a" in --remote-debugging-pipe|--remote-debugging-port*|--headless*)\n'
            f'  echo "$0 $*" >> "$TESTS_CHROMIUM_GUARD_LOG"; echo "{NOT_MARKED}" >&2; exit 1;; esac; done\n'
            f'exec "{real}" "$@"\n', encoding="utf-8")
        self.stand_in.chmod(self.stand_in.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        self.attempts: list[str] = []

    def activate(self, monkeypatch: Any, log: Path) -> None:
        import engine.capture.launch as launch

        def refuse(pw: Any, executable: str, args: Any, timeout_ms: int) -> Any:
            self.attempts.append(executable)
            from engine.errors import CaptureError

            raise CaptureError(NOT_MARKED)

        self.attempts.clear()
        monkeypatch.setattr(launch, "_launch", refuse)
        monkeypatch.setenv("ENGINE_CHROMIUM", str(self.stand_in))
        monkeypatch.setenv("TESTS_CHROMIUM_GUARD_LOG", str(log))

    def violation(self, log: Path) -> str | None:
        """The failure message if Chromium was started since `activate`, else None."""
        if self.attempts or (log.exists() and log.read_text(encoding="utf-8").strip()):
            where = "in a child process" if not self.attempts else "in the test process"
            return f"{NOT_MARKED} (started {where})"
        return None


# ---- processes left running ---------------------------------------------------------------------------

def chromium_children() -> set[int]:
    import psutil

    pids = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if "chrom" in child.name().lower() and child.status() != psutil.STATUS_ZOMBIE:
                pids.add(child.pid)
        except psutil.NoSuchProcess:
            pass
    return pids


def _forked_by_chromium(proc: Any) -> bool:
    """Whether `proc` is a child Chromium forked and has not yet turned into a helper: between its
    fork and its exec it has the browser's command line (no --type=). Killing one instead of the
    browser leaves the browser waiting for a helper that never starts (a render that hung)."""
    try:
        parent = proc.parent()
        return parent is not None and "chrom" in parent.name()
    except Exception:  # noqa: BLE001 - gone meanwhile
        return True


def browser_processes(marker: str | None = None) -> list[Any]:
    """The Chromium browser processes (not their helpers) this process runs, oldest first (psutil
    processes); with `marker`, only those whose command line holds it (a flag Chromium ignores,
    given to one render's browsers with ``capture={"extra_args": [marker]}``): that render's
    browsers and no others (warm ones of other tests, launches of other threads)."""
    import psutil

    found = []
    for proc in psutil.Process().children(recursive=True):
        try:
            cmdline = proc.cmdline()
        except psutil.Error:
            continue
        if cmdline and "chrom" in cmdline[0] and not any(a.startswith("--type=") for a in cmdline) \
                and (marker is None or marker in cmdline) and not _forked_by_chromium(proc):
            found.append(proc)
    return found


def process_tree(pids: Iterable[int]) -> set[int]:
    """`pids` and all their descendants that still run."""
    import psutil

    found = set()
    for pid in pids:
        try:
            process = psutil.Process(pid)
            found |= {pid, *(c.pid for c in process.children(recursive=True))}
        except psutil.NoSuchProcess:
            pass
    return found


def assert_no_new_chromium(before: set[int], timeout: float = 5.0,
                           kept: Callable[[], set[int]] = set) -> None:
    """Wait up to `timeout` s for Chromium processes not in `before` (nor in `kept()`: the warm
    browsers the tests share) to exit; fail if any remain."""
    deadline = time.monotonic() + timeout
    while True:
        left = chromium_children() - before - kept()
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not left, f"Chromium processes left running after the test: {sorted(left)}"


if __name__ == "__main__":  # python tests/chromium_procs.py tests/test_x.py: which top-level names start Chromium
    for arg in sys.argv[1:]:
        print(arg, sorted(_module(Path(arg).resolve())[1]))
