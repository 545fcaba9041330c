"""Exact tree dynamic programme for affix-rule lists.

On a :class:`~phasediag.ruledag.RuleDag`, for every node v and inherited state s, the programme
computes ``gain[v][s][b]``: the largest reduction of wrong weight in v's subtree (from "everything
takes the inherited label") that at most b rules placed in the subtree can buy.

- Children combine by max-plus convolution: ``C[t] = max_{i+j=t} P[i] + G[j]``, one edge at a
  time (exact; O(|P|·|G|), or O(|P|+|G|) by merging increments when both are concave).
- A rule at v with label state r ≠ s turns the subtree's baseline from wrong[v][s] to
  wrong[v][r]: ``gain[v][s][b] = max(C_s[b], wrong[v][s] − wrong[v][r] + C_r[b − 1])``.
- At the root (no rule; the default label is free) ``wrong(b) = min_s wrong[root][s] − gain[root][s][b]``.

All values are exact integers (int64 where a node's weights stay below 2^62, Python ints above,
as for the 10^20 inputs of prefix-sorting n=100, length=10). Arrays stop where they saturate, and
at ``cap`` rules. Witnesses are rebuilt top-down from the stored decisions; consecutive steps are
rebuilt as a *difference*, descending only where the (state, budget) of a subtree changes, so a
front of thousands of steps costs time in proportion to its changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter
from typing import Sequence

import numpy as np

from ... import views
from ...diagram import MethodInfo, PhaseDiagram, Step, TaskInfo
from ...errors import TooLargeError
from ...front import Progress, answering, eps_budgets, require_method
from ...jit import njit
from ...params import count
from ...ruledag import RuleDag
from ...task import Task
from .rulelist import RuleList, RuleScore

__all__ = ["dp_diagram", "DagSolution", "solve_dag", "dag_front", "Reconstruction", "maxplus",
           "FRONT_LIMIT"]

#: Longest front the DP computes without a complexity cap.
FRONT_LIMIT = 1 << 22

_BIG = 1 << 62


@njit(cache=True)
def maxplus(a, b, cap):
    """Max-plus convolution ``c[t] = max_{i+j=t} a[i] + b[j]`` for t ≤ min(len(a)+len(b)-2, cap),
    and ``share[t]``, the j of a maximiser (what ``b`` gets). Ties go to ``a``.

    Both inputs must be non-decreasing; when both are concave, the maximisers come from merging
    their increments in decreasing order, in O(len(c)). Runs compiled on int64 arrays; its
    ``py_func`` runs the same code on object arrays of Python ints.
    """
    la, lb = len(a), len(b)
    lc = min(la + lb - 1, cap + 1)
    c = np.empty(lc, dtype=a.dtype)
    share = np.empty(lc, dtype=np.int64)
    concave = True
    for i in range(2, la):
        if a[i] - a[i - 1] > a[i - 1] - a[i - 2]:
            concave = False
    for j in range(2, lb):
        if b[j] - b[j - 1] > b[j - 1] - b[j - 2]:
            concave = False
    if concave:
        i = 0
        j = 0
        c[0] = a[0] + b[0]
        share[0] = 0
        for t in range(1, lc):
            if j == lb - 1 or (i < la - 1 and a[i + 1] - a[i] >= b[j + 1] - b[j]):
                i += 1
            else:
                j += 1
            c[t] = a[i] + b[j]
            share[t] = j
        return c, share
    for t in range(lc):
        lo = max(0, t - lb + 1)
        hi = min(t, la - 1)
        best = a[lo] + b[t - lo]
        arg = t - lo
        for i in range(lo + 1, hi + 1):
            v = a[i] + b[t - i]
            if v >= best:
                best = v
                arg = t - i
        c[t] = best
        share[t] = arg
    return c, share


def _convolve(a: np.ndarray, b: np.ndarray, cap: int, exact_big: bool) -> tuple[np.ndarray, np.ndarray]:
    if exact_big:
        return maxplus.py_func(a.astype(object), b.astype(object), cap)
    return maxplus(a, b, cap)


def _saturation(values: np.ndarray) -> int:
    """Length up to the last change of a non-decreasing array (the rest repeats its last value)."""
    changes = np.flatnonzero(np.diff(values))
    return int(changes[-1]) + 2 if changes.size else 1


def _padded(values: np.ndarray, n: int) -> np.ndarray:
    """``values`` cut or extended to length n by repeating its last entry."""
    if len(values) >= n:
        return values[:n]
    return np.concatenate([values, np.repeat(values[-1:], n - len(values))])


@dataclass(frozen=True, eq=False)
class DagSolution:
    """The DP tables of one :class:`RuleDag` up to ``cap`` rules.

    ``gain[v][s]`` as in the module docstring; ``rule[v][s][b]`` the state of the rule placed at v
    in that optimum (-1: none; ruleable nodes only); ``share[v][s][j][t]`` the budget edge j gets
    when edges 0..j of v share t rules (j ≥ 1).
    """

    dag: RuleDag
    cap: int
    gain: list[list[np.ndarray]]
    rule: list[list[np.ndarray | None]]
    share: list[list[list[np.ndarray | None]]]


def solve_dag(dag: RuleDag, cap: int, progress: Progress | None = None) -> DagSolution:
    """Run the DP bottom-up over ``dag`` for budgets 0..cap."""
    gain: list[list[np.ndarray]] = []
    rule: list[list[np.ndarray | None]] = []
    share: list[list[list[np.ndarray | None]]] = []
    tick = max(1, dag.n_nodes // 200)
    big_nodes: list[bool] = []  # arrays of Python ints: weights reach 2^62 here or below
    for v in range(dag.n_nodes):
        wrong = dag.wrong[v]
        big = max(wrong) >= _BIG or any(big_nodes[child] for child, _, _ in dag.edges[v])
        big_nodes.append(big)
        merged, shares = [], []
        for s in range(len(wrong)):
            acc, acc_shares = None, [None]
            for child, _, states in dag.edges[v]:
                g = gain[child][states[s]]
                if acc is None:
                    acc = g
                    continue
                acc, sh = _convolve(acc, g, cap, big)
                keep = _saturation(acc)
                acc = acc[:keep]
                acc_shares.append(sh[:keep])
            acc = np.zeros(1, dtype=np.int64) if acc is None else acc
            merged.append(acc.astype(object) if big else acc)
            shares.append(acc_shares)
        if dag.ruleable[v]:
            best = [_with_rule(merged, s, wrong, dag.rule_states[v], cap) for s in range(len(wrong))]
            gain.append([g for g, _ in best])
            rule.append([r for _, r in best])
        else:
            gain.append(merged)
            rule.append([None] * len(wrong))
        share.append(shares)
        if progress is not None and (v % tick == 0 or v == dag.n_nodes - 1):
            progress("dp", v + 1, dag.n_nodes)
    return DagSolution(dag, cap, gain, rule, share)


def _with_rule(merged: Sequence[np.ndarray], s: int, wrong: Sequence[int], rule_states: Sequence[int],
               cap: int) -> tuple[np.ndarray, np.ndarray]:
    """gain[v][s] and the rule decisions, from the children's merged gains of every state.
    On a tie the rule wins: the shorter affix is the more general program."""
    others = [r for r in rule_states if r != s]
    n = min(max([len(merged[s])] + [len(merged[r]) + 1 for r in others]), cap + 1)
    best = _padded(merged[s], n).copy()
    decision = np.full(n, -1, dtype=np.int64)
    for r in others:
        candidate = (wrong[s] - wrong[r]) + _padded(merged[r], n - 1)
        better = candidate >= best[1:]
        best[1:] = np.where(better, candidate, best[1:])
        decision[1:][better] = r
    keep = _saturation(best)
    return best[:keep], decision[:keep]


def dag_front(solution: DagSolution) -> list[tuple[int, int, int]]:
    """The Pareto steps ``(complexity, wrong weight, default state)``: every budget at which the
    least wrong weight strictly falls, with the root state (default label) that attains it."""
    dag = solution.dag
    root, states = dag.root, dag.rule_states[dag.root]
    n = max(len(solution.gain[root][s]) for s in states)
    best: list[tuple[int, int]] = []
    for s in states:
        base = dag.wrong[root][s]
        for b, g in enumerate(_padded(solution.gain[root][s], n).tolist()):
            if len(best) <= b:
                best.append((base - g, s))
            elif base - g < best[b][0]:
                best[b] = (base - g, s)
    steps, last = [], None
    for b, (w, s) in enumerate(best):
        if last is None or w < last:
            steps.append((b, w, s))
            last = w
    return steps


class Reconstruction:
    """Rebuilds optimal rule lists from a :class:`DagSolution`, as changes between budgets.

    ``changes(old, new)`` takes two (root state, budget) pairs and returns the rules
    ``(affix, label)`` to remove and to add to turn the optimum for ``old`` into the one for
    ``new`` (``old = None``: from the empty list).
    """

    def __init__(self, solution: DagSolution):
        self._sol = solution
        self._dag = solution.dag
        self._splits: dict[tuple[int, int, int], list[int]] = {}

    def _decide(self, v: int, s: int, b: int) -> tuple[int, int, int]:
        """(rule state or -1, state below v, budget below v) of the stored optimum."""
        decisions = self._sol.rule[v][s]
        if decisions is None:
            return -1, s, min(b, len(self._sol.gain[v][s]) - 1)
        b = min(b, len(decisions) - 1)
        r = int(decisions[b])
        return (r, r, b - 1) if r >= 0 else (-1, s, b)

    def _split(self, v: int, s: int, b: int) -> list[int]:
        """Budget of each edge of v in the stored optimum (memoised: consecutive steps share
        most of their splits)."""
        key = (v, s, b)
        if key not in self._splits:
            if len(self._splits) > 1 << 18:
                self._splits.clear()
            self._splits[key] = self._compute_split(v, s, b)
        return self._splits[key]

    def _compute_split(self, v: int, s: int, b: int) -> list[int]:
        edges = self._dag.edges[v]
        budgets = [0] * len(edges)
        shares = self._sol.share[v][s]
        for j in range(len(edges) - 1, 0, -1):
            t = min(b, len(shares[j]) - 1)
            budgets[j] = int(shares[j][t])
            b = t - budgets[j]
        if edges:
            child, _, states = edges[0]
            budgets[0] = min(b, len(self._sol.gain[child][states[s]]) - 1)
        return budgets

    def changes(self, old: tuple[int, int] | None, new: tuple[int, int]):
        removed: list[tuple[tuple[int, ...], int]] = []
        added: list[tuple[tuple[int, ...], int]] = []
        self._diff(self._dag.root, self._dag.locator.root, 0, old, new, removed, added)
        return removed, added

    def _diff(self, v, handle, slot, old, new, removed, added) -> None:
        if old == new:
            return
        locator = self._dag.locator
        if self._dag.ruleable[v]:
            handle, slot = locator.child(handle, slot), 0
        r_old, s_old, b_old = self._decide(v, *old) if old else (-1, -1, 0)
        r_new, s_new, b_new = self._decide(v, *new) if new else (-1, -1, 0)
        if r_old != r_new:
            affix = locator.affix(handle)
            if r_old >= 0:
                removed.append((affix, locator.label(handle, v, r_old)))
            if r_new >= 0:
                added.append((affix, locator.label(handle, v, r_new)))
        split_old = self._split(v, s_old, b_old) if b_old > 0 else None
        split_new = self._split(v, s_new, b_new) if b_new > 0 else None
        for j, (child, offset, states) in enumerate(self._dag.edges[v]):
            o = (states[s_old], split_old[j]) if split_old and split_old[j] > 0 else None
            n = (states[s_new], split_new[j]) if split_new and split_new[j] > 0 else None
            if o != n:
                self._diff(child, handle, slot + offset, o, n, removed, added)


def check_front_size(dag: RuleDag, spec: str, cap: int | None) -> int:
    """The budget cap to use: ``cap`` if given, else every prefix, refused beyond FRONT_LIMIT."""
    if cap is not None:
        return min(cap, dag.n_prefixes)
    if dag.n_prefixes > FRONT_LIMIT:
        raise TooLargeError(
            f"The full front of {spec} can have up to {count(dag.n_prefixes)} steps; give a "
            f"complexity cap (--max-complexity) or error targets (--eps)."
        )
    return dag.n_prefixes



def dp_diagram(task: Task, programs, *, eps: Sequence[float] | None = None,
               max_complexity: int | None = None, progress: Progress | None = None) -> PhaseDiagram:
    """The exact front of affix-rule lists on ``task`` by the tree DP; every step ``optimal``.

    ``max_complexity`` stops the front at that many rules (steps up to it stay proved optimal).
    ``eps`` keeps only the steps that give C(ε) for each listed ε; without a cap the DP then
    grows its budget until the smallest ε is reached. Each witness is re-scored by
    :class:`~phasediag.programs.rules.RuleScore` and must match the DP's count.
    """
    require_method(programs, "dp", dp_diagram)
    start = perf_counter()
    budgets = eps_budgets(eps, task.total_weight)
    dag = views.rule_dag(programs.affix_task(task))
    if budgets and max_complexity is None:
        cap = min(dag.n_prefixes, 4096)
        while True:
            solution = solve_dag(dag, cap, progress)
            front = dag_front(solution)
            if front[-1][1] <= min(budgets) or cap >= dag.n_prefixes:
                break
            cap = min(dag.n_prefixes, cap * 8)
    else:
        cap = check_front_size(dag, task.spec, max_complexity)
        solution = solve_dag(dag, cap, progress)
        front = dag_front(solution)
    solved = perf_counter()
    if budgets:
        front = answering(front, budgets)
    steps = _witnessed_steps(programs.affix_task(task), solution, front, progress)
    settings = {"max_complexity": max_complexity, "eps": list(eps) if eps else None}
    return PhaseDiagram(
        task=TaskInfo.of(task),
        programs=programs.spec,
        method=MethodInfo("dp", settings),
        steps=steps,
        runtime_s=perf_counter() - start,
        diagnostics={
            "dag_nodes": dag.n_nodes,
            "prefixes": dag.n_prefixes,
            "budget_cap": solution.cap,
            "solve_s": round(solved - start, 4),
            "unreached_eps": [e for e, b in zip(eps or (), budgets) if front and front[-1][1] > b],
        },
    )


def _witnessed_steps(task: Task, solution: DagSolution, front, progress: Progress | None) -> list[Step]:
    rebuild = Reconstruction(solution)
    labels, total = task.labels, task.total_weight

    def named(rules):
        return [(task.render(affix), labels[label]) for affix, label in rules]

    steps: list[Step] = []
    previous, witness, score = None, None, None
    for i, (c, wrong, state) in enumerate(front):
        removed, added = rebuild.changes(previous, (state, c))
        default = solution.dag.locator.label(solution.dag.locator.root, solution.dag.root, state)
        if score is None:
            score = RuleScore(task, default)
        score.set((), default)
        for affix, label in removed:
            score.remove(affix)
        for affix, label in added:
            score.set(affix, label)
        if score.wrong != wrong:
            raise AssertionError(f"witness at complexity {c} scores {score.wrong}, DP says {wrong}")
        witness = (RuleList(labels[default], named(added)) if witness is None
                   else RuleList.changed(witness, labels[default], named(removed), named(added)))
        if len(witness) != c:
            raise AssertionError(f"witness at complexity {c} has {len(witness)} rules")
        steps.append(Step(c, wrong / total, wrong if task.uniform else None,
                          total if task.uniform else None, "optimal", witness))
        previous = (state, c)
        if progress is not None:
            progress("witnesses", i + 1, len(front))
    return steps
