"""No import cycle between engine modules (issue 28).

The graph: one node per module of ``engine/`` (a package is its ``__init__``); an edge for every
``import`` / ``from ... import`` that names an engine module, read with `ast`, not executed:
``from X import name`` is an edge to ``X.name`` when that is a module, else to ``X``; the parent
packages Python imports on the way are not edges (every submodule would otherwise close a cycle
with an ``__init__`` that re-exports it). Counted: module-level imports (also under
``if TYPE_CHECKING:`` and ``try:``) and imports inside functions, since a lazy import is still a
dependency and a cycle hidden behind one comes back the day someone hoists it.

Exempt, each by its edge and only because breaking it would be a rewrite, not a move
(`EXEMPT`; an exemption no longer needed fails the test, so the list stays true):

- ``engine.render.ray_actor -> engine.render.warm``: the Ray actor renders its chunks on a warm
  `Renderer` (imported inside `ChunkRenderer.render_chunk`, on the node), and a `Renderer` can
  itself render on Ray (``warm -> run -> distributed -> ray_actor``). That recursion is the design.
"""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "engine"

#: (importer, imported): lazy imports allowed to close a cycle (see the module docstring).
EXEMPT = frozenset({("engine.render.ray_actor", "engine.render.warm")})

Edges = dict[str, dict[str, list[str]]]  # importer -> imported -> ["file:line (module|function)", ...]


def modules(root: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Every module under `root` (the folder of `package`): dotted name -> (file, is a package)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _imports(node: ast.AST, lazy: bool = False) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement under `node`, and whether it runs inside a function."""
    found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            found.append((child, lazy))
        found += _imports(child, lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))
    return found


def import_graph(root: Path, package: str) -> Edges:
    """Who imports whom among `package`'s modules (see the module docstring)."""
    known = modules(root, package)

    def owner(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    edges: Edges = {}
    for name, (path, is_package) in known.items():
        here = name if is_package else name.rpartition(".")[0]
        out = edges.setdefault(name, {})
        for node, lazy in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    parts = here.split(".")
                    base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
            for target in targets:
                imported = owner(target) if target.split(".")[0] == package else None
                if imported is not None and imported != name:
                    where = f"{path.relative_to(root.parent)}:{node.lineno} ({'function' if lazy else 'module'})"
                    seen = out.setdefault(imported, [])
                    if where not in seen:  # one entry per import statement
                        seen.append(where)
    return edges


def cycles(edges: Edges, exempt: frozenset[tuple[str, str]] = frozenset()) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative), sorted."""
    graph = {a: sorted(b for b in targets if (a, b) not in exempt) for a, targets in edges.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            successors = graph.get(node, [])
            if i < len(successors):
                work.append((node, i + 1))
                nxt = successors[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def describe(component: list[str], edges: Edges) -> str:
    """A cycle and the import lines that make it."""
    lines = [f"import cycle between {', '.join(component)}:"]
    for a in component:
        for b, where in sorted(edges[a].items()):
            if b in component:
                lines.append(f"  {a} -> {b}: {', '.join(where)}")
    return "\n".join(lines)


def test_no_import_cycle_between_engine_modules() -> None:
    edges = import_graph(ENGINE, "engine")
    # the walker sees imports of every kind (a broken one would find no cycle anywhere)
    assert "engine.render.options" in edges["engine.render.run"]  # module level, relative
    assert "engine.render.run" in edges["engine.render.warm"]  # inside a function
    assert "engine.output.gif" in edges["engine.output.encoder"]  # `from .gif import` inside a method
    found = cycles(edges, EXEMPT)
    assert not found, "\n".join(describe(c, edges) for c in found)


def test_every_exemption_is_still_needed() -> None:
    edges = import_graph(ENGINE, "engine")
    for a, b in sorted(EXEMPT):
        assert b in edges.get(a, {}), f"{a} no longer imports {b}: remove it from EXEMPT"
        others = EXEMPT - {(a, b)}
        assert any(a in c and b in c for c in cycles(edges, others)), \
            f"{a} -> {b} closes no cycle any more: remove it from EXEMPT"


def test_a_cycle_is_found_and_named(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from .sub import a\n")  # parent re-export: no cycle by itself
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "a.py").write_text("from . import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from .a import x\n")  # lazy: still counted
    (package / "c.py").write_text("import pkg.sub.a\n")
    edges = import_graph(package, "pkg")
    assert cycles(edges) == [["pkg.sub.a", "pkg.sub.b"]]
    message = describe(["pkg.sub.a", "pkg.sub.b"], edges)
    assert "pkg.sub.b -> pkg.sub.a: pkg/sub/b.py:2 (function)" in message
    assert "pkg.sub.a -> pkg.sub.b: pkg/sub/a.py:1 (module)" in message
    assert cycles(edges, frozenset({("pkg.sub.b", "pkg.sub.a")})) == []
