"""Decision trees, counted in splits.

A split tests "the letter at position p is a" (on Boolean tasks: "bit j is 1"); positions count
from the start, and from the end too on inputs of different lengths (suffix-natural tasks). A
leaf gives a label, so a constant costs 0 like a rule list's default. The package holds the tree
and its tests (:mod:`.tree`), the exact DP over sub-samples (:mod:`.dp`), CP-SAT (:mod:`.cpsat`),
the greedy correct tree (:mod:`.construction`), the sampler's moves (:mod:`.moves`) and drawing
(:mod:`.drawing`). Trees need a listed task.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Sequence

import numpy as np

from ... import views
from ...errors import FileFormatError
from ...files import write_table_csv
from ...task import Task
from ..base import Coverage, ProgramClass
from .construction import greedy_tree
from .cpsat import PATTERN_LIMIT, cpsat_diagram
from .dp import STATE_LIMIT, dp_diagram, dp_size, patterns
from .drawing import draw_tree
from .moves import TreeKernel
from .tree import Condition, Leaf, Split, Tree, evaluate, leaves, reached, splits

__all__ = ["Trees", "Tree", "Leaf", "Split", "Condition", "draw_tree"]

#: What picking the faster exact method expects (2 cores; measured on synthetic lexicons of 20
#: verbs, seeds 300–304): the DP's seconds per sub-sample, and CP-SAT's seconds for a front of up
#: to 4 splits, tripled per further split.
DP_SECONDS = 7.5e-6
CPSAT_SECONDS = 0.1


class Trees(ProgramClass):
    """The ``trees`` program class: decision trees on a listed task; complexity = splits."""

    name = "trees"
    unit = "splits"
    exact_methods = MappingProxyType({"dp": dp_diagram, "cpsat": cpsat_diagram})
    capabilities = frozenset({"coverage", "draw", "export"})
    export_formats = (".csv",)

    def fastest_exact(self, task: Task) -> str:
        """The DP over sub-samples or CP-SAT, whichever is expected to be faster: CP-SAT takes
        about CPSAT_SECONDS × 3^max(g − 4, 0) for a front ending at g splits or fewer (the
        greedy correct tree's; the patterns less one where no tree is correct), the DP about
        DP_SECONDS per sub-sample (few inputs with many tests make many, as synthetic lexicons
        do), counted up to where it would be slower (:func:`.dp.dp_size`). Beyond
        PATTERN_LIMIT patterns, the DP wherever it fits."""
        rows = len(patterns(task)[1])
        most = None  # beyond CP-SAT's limit, any count the DP takes
        if rows <= PATTERN_LIMIT:
            greedy = self.correct_program(task)
            end = rows - 1 if greedy is None else self.complexity(greedy)
            # in integers: a front of hundreds of splits makes 3^(g − 4) too large for a float
            most = min(STATE_LIMIT, round(CPSAT_SECONDS / DP_SECONDS) * 3 ** max(end - 4, 0))
        return "cpsat" if dp_size(task, most) is None else "dp"

    def complexity(self, program: Tree) -> int:
        return splits(program)

    def wrong_weights(self, task: Task, programs: Sequence[Tree]) -> list[int]:
        table = task.table
        return [int(table.weights[self.predict(task, p) != table.labels].sum(dtype=object)) for p in programs]

    def predict(self, task: Task, program: Tree) -> np.ndarray:
        return evaluate(task, program)

    def sampler(self, task: Task, capacity: int | None = None) -> TreeKernel:
        """The tempered sampler's moves on trees of at most ``capacity`` splits."""
        return TreeKernel(task, capacity)

    def correct_program(self, task: Task, deadline: float | None = None) -> Tree | None:
        """The greedy (ID3) tree of the task (:func:`.construction.greedy_tree`): no wrong weight,
        so it closes a sampled front at error 0; None where no tree is correct."""
        return views.kept(task, "greedy_tree", lambda: greedy_tree(task))

    def coverage(self, task: Task, program: Tree) -> list[Coverage]:
        """Per leaf, in order: the inputs that reach it and their weight (a leaf reached by one
        input memorises it)."""
        table = task.table
        at = reached(task, program)
        out = []
        for i, (path, label) in enumerate(leaves(program)):
            mine = at == i
            out.append(Coverage(_path_text(path) or "always", label, int(mine.sum()),
                                float(table.weights[mine].sum())))
        return out

    def draw(self, program: Tree, path, title: str = ""):
        return draw_tree(program, path, title=title or None)

    def export(self, program: Tree, path) -> None:
        """The tree as CSV, one row per leaf in order: ``leaf,conditions,label``, the conditions
        of its path joined by ``and`` (``not`` where the path fails one)."""
        rows = [{"leaf": i + 1, "conditions": _path_text(conditions) or "always", "label": label}
                for i, (conditions, label) in enumerate(leaves(program))]
        write_table_csv(rows, path, ["leaf", "conditions", "label"])

    def serialise(self, program: Tree, previous: Tree | None = None) -> dict:
        """``{"label": y}`` or ``{"test": "x3", "fail": {...}, "pass": {...}}`` (whole trees)."""
        if isinstance(program, Leaf):
            return {"label": program.label}
        return {"test": program.test.written(), "fail": self.serialise(program.fail),
                "pass": self.serialise(program.passed)}

    def deserialise(self, obj: object, previous: Tree | None = None) -> Tree:
        if isinstance(obj, dict) and set(obj) == {"label"} and isinstance(obj["label"], str):
            return Leaf(obj["label"])
        if isinstance(obj, dict) and set(obj) == {"test", "fail", "pass"} and isinstance(obj["test"], str):
            return Split(Condition.read(obj["test"]), self.deserialise(obj["fail"]), self.deserialise(obj["pass"]))
        raise FileFormatError(f'A trees witness is {{"label": y}} or {{"test": t, "fail": ..., "pass": ...}}; '
                              f"got {str(obj)[:80]!r}.")

    def describe(self, program: Tree, indent: str = "") -> list[str]:
        """``if <test>:`` / ``else:`` lines, indented, leaves as ``→ label``."""
        if isinstance(program, Leaf):
            return [f"{indent}→ {program.label}"]
        return ([f"{indent}if {program.test.written()}:"] + self.describe(program.passed, indent + "  ")
                + [f"{indent}else:"] + self.describe(program.fail, indent + "  "))


def _path_text(path) -> str:
    """A leaf's path as text: ``x1 and not [2]=a``."""
    return " and ".join(("" if passed else "not ") + condition.written() for condition, passed in path)
