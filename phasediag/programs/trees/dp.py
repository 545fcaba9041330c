"""Exact decision-tree fronts by dynamic programming over sub-samples.

Inputs with the same answers to every test fall together, so the DP runs on the distinct
answer patterns u (with their weight W(u, y) per label). For a set S of patterns and a budget
of b splits,

    best(S, 0) = min_y Σ_{u∈S} [W(u) − W(u, y)]            (one leaf)
    best(S, b) = min(best(S, b − 1), min_f min_{i+j=b−1} best(S∖f, i) + best(S∩f, j))

over the tests f that split S (a test and another with the same partition of S are tried once).
best(X, b) for b = 0, 1, ... is the least wrong weight of a tree of at most b splits, so its
strict decreases are the exact front; every step is optimal. Sets are memoised as bit masks.
"""

from __future__ import annotations

from time import perf_counter
from typing import Sequence

import numpy as np

from ... import views
from ...diagram import MethodInfo, PhaseDiagram, Step, TaskInfo
from ...errors import TooLargeError
from ...front import Progress, answering, eps_budgets, require_method
from ...task import Task
from .tree import Leaf, Split, Tree, conditions_of

__all__ = ["dp_diagram", "patterns", "STATE_LIMIT"]

#: Most sub-samples the DP memoises before it refuses (use CP-SAT or the sampler beyond).
STATE_LIMIT = 50_000


def patterns(task: Task) -> tuple[np.ndarray, np.ndarray]:
    """The distinct answer patterns of the task's inputs to its tests: (passes (U, F) bool,
    weights (U, K) int64 per label), in first-seen order (kept with the task)."""
    def build() -> tuple[np.ndarray, np.ndarray]:
        table, conditions = task.table, conditions_of(task)
        keys, first, inverse = np.unique(conditions.passes, axis=0, return_index=True, return_inverse=True)
        order = np.argsort(first)
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        weights = np.zeros((len(keys), len(task.labels)), dtype=np.int64)
        np.add.at(weights, (rank[inverse.ravel()], table.labels), table.weights)
        return keys[order], weights

    return views.kept(task, "tree_patterns", build)


class _Solver:
    """best(S, ·) for sets S of patterns (bit masks), memoised, up to ``cap`` splits."""

    def __init__(self, passes: np.ndarray, weights: np.ndarray, cap: int, progress: Progress | None):
        self.masks = [sum(1 << int(u) for u in np.flatnonzero(col)) for col in passes.T]
        self.weights = weights
        self.cap = cap
        self.memo: dict[int, tuple[np.ndarray, list]] = {}
        self.progress = progress

    def _leaf(self, s: int) -> tuple[int, int]:
        """(least wrong weight of one leaf on S, its label)."""
        rows = [u for u in range(s.bit_length()) if s >> u & 1]
        mass = self.weights[rows].sum(axis=0, dtype=object)
        y = int(np.argmax(mass))
        return int(sum(mass) - mass[y]), y

    def best(self, s: int) -> np.ndarray:
        if s in self.memo:
            return self.memo[s][0]
        if len(self.memo) >= STATE_LIMIT:
            raise TooLargeError(f"The tree DP passed {STATE_LIMIT:,} sub-samples; use --method cpsat, or "
                                f"--method tempered for an upper bound.")
        wrong, label = self._leaf(s)
        top = min(self.cap, s.bit_count() - 1) if wrong else 0
        values = np.full(top + 1, wrong, dtype=object)
        decisions: list = [("leaf", label)] * (top + 1)
        tried = set()
        for f, mask in enumerate(self.masks):
            if top == 0:
                break
            passed = s & mask
            if passed == 0 or passed == s or passed in tried:
                continue
            tried.add(passed)
            a, b = self.best(s & ~mask), self.best(passed)
            for total in range(1, top + 1):  # a and b repeat their last value beyond their length
                for i in range(min(total - 1, len(a) - 1) + 1):
                    j = min(total - 1 - i, len(b) - 1)
                    v = a[i] + b[j]
                    if v < values[total]:
                        values[total] = v
                        decisions[total] = ("split", f, i, j)
        for total in range(1, top + 1):
            if values[total - 1] <= values[total]:
                values[total], decisions[total] = values[total - 1], decisions[total - 1]
        self.memo[s] = (values, decisions)
        if self.progress is not None and len(self.memo) % 1000 == 0:
            self.progress("tree DP (sub-samples)", len(self.memo), None)
        return values

    def tree(self, s: int, b: int, task: Task, tests) -> Tree:
        values, decisions = self.memo[s]
        decision = decisions[min(b, len(decisions) - 1)]
        if decision[0] == "leaf":
            return Leaf(task.labels[decision[1]])
        _, f, i, j = decision
        mask = self.masks[f]
        return Split(tests[f], self.tree(s & ~mask, i, task, tests), self.tree(s & mask, j, task, tests))


def dp_diagram(task: Task, programs, *, eps: Sequence[float] | None = None, max_complexity: int | None = None,
               progress: Progress | None = None) -> PhaseDiagram:
    """The exact front of decision trees on a listed ``task`` (see the module docstring); every
    step optimal, each witness re-evaluated. ``max_complexity`` caps the splits; ``eps`` keeps
    the steps giving C(ε) for each target."""
    require_method(programs, "dp", dp_diagram)
    start = perf_counter()
    budgets = eps_budgets(eps, task.total_weight)
    passes, weights = patterns(task)
    everything = (1 << len(weights)) - 1
    cap = len(weights) - 1 if max_complexity is None else min(max_complexity, len(weights) - 1)
    solver = _Solver(passes, weights, cap, progress)
    values = solver.best(everything)
    front, last = [], None
    for b, w in enumerate(values.tolist()):
        if last is None or w < last:
            front.append((b, int(w)))
            last = w
    if budgets:
        front = answering(front, budgets)
    tests = conditions_of(task).conditions
    total = task.total_weight
    witnesses = [solver.tree(everything, c, task, tests) for c, _ in front]
    scored = programs.wrong_weights(task, witnesses)
    steps = []
    for (c, wrong), witness, check in zip(front, witnesses, scored):
        if check != wrong or programs.complexity(witness) != c:
            raise AssertionError(f"tree DP witness at {c} splits re-evaluates to ({programs.complexity(witness)}, "
                                 f"{check}), DP says ({c}, {wrong})")
        steps.append(Step(c, wrong / total, wrong if task.uniform else None, total if task.uniform else None,
                          "optimal", witness))
    return PhaseDiagram(
        task=TaskInfo.of(task), programs=programs.spec,
        method=MethodInfo("dp", {"max_complexity": max_complexity, "eps": list(eps) if eps else None}),
        steps=steps, runtime_s=perf_counter() - start,
        diagnostics={"patterns": len(weights), "tests": passes.shape[1], "sub_samples": len(solver.memo)},
    )
