"""The package's layers: every module imports only downward, and no module imports itself back
through others. Imports are read from the source (module level and inside functions alike)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent / "phasediag"

#: Layers from the ground up; a module may import its own layer or any lower one. A name
#: stands for a module or for every module of a package.
LAYERS = (
    ("version", "errors", "params", "jit", "seeding", "streams", "tables", "files", "interrupts", "forks", "figures",
     "trie", "ruledag"),
    ("task", "laws", "views", "tasks"),
    ("diagram", "analysis", "front"),
    ("sampling",),
    ("programs",),
    ("methods",),
    ("data", "compare", "io"),
    ("plot", "sweep"),
    ("cli", "entry"),
    ("",),  # the package root, phasediag/__init__.py
)


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name ("" for the root), the task families included
    (phasediag/tasks is the repository's tasks/ folder)."""
    out = {}
    paths = [Path(folder) / f for folder, _, files in os.walk(ROOT, followlinks=True) for f in files]
    for path in sorted(p for p in paths if p.suffix == ".py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules that module ``name`` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "phasediag":
                target = node.module.partition(".")[2]
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                found.add(sub if sub in modules else target)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "phasediag":
                    found.add(alias.name.partition(".")[2])
    return {m for m in found if m in modules and m != name}


def _layer(name: str) -> int:
    top = name.split(".")[0]
    for i, layer in enumerate(LAYERS):
        if top in layer:
            return i
    raise AssertionError(f"module phasediag.{name} is in no layer of tests/test_layers.py")


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    modules = _modules()
    g = nx.DiGraph()
    for name, path in modules.items():
        g.add_node(name)
        g.add_edges_from((name, target) for target in _imports(name, path, modules))
    return g


def test_the_graph_is_read(graph):
    """The reader sees the imports it should (a guard against a reader that finds nothing)."""
    assert ("programs.rules.dp", "views") in graph.edges
    assert ("views", "trie") in graph.edges
    assert ("cli.compute", "methods") in graph.edges
    assert ("tasks.prefix_sorting", "ruledag") in graph.edges


def test_no_module_imports_upward(graph):
    upward = [f"phasediag.{a} → phasediag.{b}" for a, b in graph.edges if _layer(b) > _layer(a)]
    assert not upward, "imports against the layers: " + "; ".join(upward)


def test_no_import_cycles(graph):
    cycles = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert not cycles, "import cycles: " + "; ".join(" ↔ ".join(sorted(c)) for c in cycles)
