"""Exact decision-tree fronts by OR-tools CP-SAT: one model per number of splits r.

The tree has N = 2r + 1 nodes numbered breadth-first, with the topology variables of Narodytska
et al. (IJCAI 2018): node i is a leaf or not (``leaf[i]``), node j is the fail (even j) or pass
(odd j) child of node i (``child[i, j]``, children of one node consecutive), every node but the
root has one parent. A split node tests one test (one-hot ``test[i, f]``), a leaf has one label.
Each distinct answer pattern u of the inputs is routed from the root (``reach[u, i]``) down the
side its answer selects, and its weight on labels other than its leaf's is wrong. The walk over
r is :func:`phasediag.front.size_walk`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from ortools.sat.python import cp_model

from ...diagram import PhaseDiagram
from ...errors import TooLargeError
from ...front import Progress, require_method, size_walk
from ...task import Task
from .dp import patterns
from .tree import Leaf, Split, Tree, conditions_of

__all__ = ["cpsat_diagram", "TreeModel", "PATTERN_LIMIT"]

#: Most distinct answer patterns a CP-SAT tree model is built over.
PATTERN_LIMIT = 4096


class TreeModel:
    """The CP-SAT model of trees with exactly ``splits`` splits on a task's answer patterns,
    minimising the wrong weight ``wrong`` (or, with ``minimise=False``, a feasibility model)."""

    def __init__(self, task: Task, splits: int, minimise: bool = True):
        passes, weights = patterns(task)
        self.task, self.conditions = task, conditions_of(task).conditions
        self.n = n = 2 * splits + 1
        n_rows, n_tests = passes.shape
        n_labels = weights.shape[1]
        m = self.model = cp_model.CpModel()
        nodes = range(1, n + 1)
        self.leaf = {i: m.new_bool_var(f"leaf{i}") for i in nodes}
        self.fail_child = {}  # (i, j): j even is i's fail child (then j + 1 its pass child)
        for i in nodes:
            for j in range(i + 1, min(2 * i, n - 1) + 1):
                if j % 2 == 0:
                    self.fail_child[i, j] = m.new_bool_var(f"l{i}_{j}")
        parents: dict[int, list[tuple[int, cp_model.IntVar]]] = {j: [] for j in nodes}
        for (i, j), lit in self.fail_child.items():
            m.add_implication(lit, ~self.leaf[i])
            parents[j].append((i, lit))
            parents[j + 1].append((i, lit))
        if n > 1:
            m.add(self.leaf[1] == 0)
        for i in nodes:
            mine = [lit for (p, _), lit in self.fail_child.items() if p == i]
            m.add(sum(mine) == 1 - self.leaf[i]) if mine else m.add(self.leaf[i] == 1)
        for j in nodes:
            if j > 1:
                m.add_exactly_one([lit for _, lit in parents[j]])
        self.test = {(i, f): m.new_bool_var(f"t{i}_{f}") for i in nodes for f in range(n_tests)}
        self.label = {(i, y): m.new_bool_var(f"y{i}_{y}") for i in nodes for y in range(n_labels)}
        for i in nodes:
            m.add(sum(self.test[i, f] for f in range(n_tests)) == 1 - self.leaf[i])
            m.add(sum(self.label[i, y] for y in range(n_labels)) == self.leaf[i])
        wrong_terms = []
        for u in range(n_rows):
            reach = {i: m.new_bool_var("") for i in nodes}
            m.add(reach[1] == 1)
            passed = {}
            for i in nodes:
                passed[i] = m.new_bool_var("")
                m.add(passed[i] == sum(self.test[i, f] for f in np.flatnonzero(passes[u]).tolist()))
            for j in range(2, n + 1):
                for i, lit in parents[j]:  # j's parent i: u reaches j iff it reaches i and takes j's side
                    side = passed[i] if j % 2 else ~passed[i]
                    m.add_bool_or([~reach[j], reach[i]]).only_enforce_if(lit)
                    m.add_bool_or([~reach[j], side]).only_enforce_if(lit)
                    m.add_bool_or([~reach[i], ~side, reach[j]]).only_enforce_if(lit)
            for y in range(n_labels):
                weight = int(weights[u].sum() - weights[u, y])
                if weight == 0:
                    continue
                bad = m.new_bool_var("")  # u ends in a leaf labelled y
                for i in nodes:
                    m.add_bool_or([~reach[i], ~self.leaf[i], ~self.label[i, y], bad])
                wrong_terms.append(weight * bad)
        self.wrong = sum(wrong_terms) if wrong_terms else 0
        if minimise:
            m.minimize(self.wrong)

    def decode(self, solver: cp_model.CpSolver) -> Tree:
        children = {i: j for (i, j), lit in self.fail_child.items() if solver.boolean_value(lit)}

        def build(i: int) -> Tree:
            if solver.boolean_value(self.leaf[i]):
                y = next(y for (k, y), lit in self.label.items() if k == i and solver.boolean_value(lit))
                return Leaf(self.task.labels[y])
            f = next(f for (k, f), lit in self.test.items() if k == i and solver.boolean_value(lit))
            return Split(self.conditions[f], build(children[i]), build(children[i] + 1))

        return build(1)

    def hint(self, tree: Tree) -> None:
        """Nothing: trees of another size share no variables with this model."""


def cpsat_diagram(task: Task, programs, *, eps: Sequence[float] | None = None, max_complexity: int | None = None,
                  time_limit: float | None = None, workers: int = 2, seed: int = 0,
                  progress: Progress | None = None) -> PhaseDiagram:
    """The front of decision trees on a listed ``task`` by CP-SAT, one model per number of
    splits (see the module docstring and :func:`phasediag.front.size_walk`)."""
    require_method(programs, "cpsat", cpsat_diagram)
    rows = len(patterns(task)[1])
    if rows > PATTERN_LIMIT:
        raise TooLargeError(f"{task.spec} has {rows:,} distinct inputs for trees; CP-SAT tree models take at most "
                            f"{PATTERN_LIMIT:,}. Use --method tempered for an upper bound.")
    cap = rows - 1 if max_complexity is None else min(max_complexity, rows - 1)
    return size_walk(task, programs, lambda r, minimise: TreeModel(task, r, minimise), stage="tree CP-SAT",
                     eps=eps, max_complexity=cap, time_limit=time_limit, workers=workers, seed=seed,
                     progress=progress)
