"""Exact minimiser with OR-tools CP-SAT: one model per task, one solve per step of the front.

For a wrong-weight budget B the solver minimises ``(total + 1)·c + wrong`` subject to
``wrong ≤ B``: the least complexity c = C(B / total) first, then the least error at that
complexity, so each solve yields one Pareto step. The front is walked from B = total down:
after a step (c, w) the next needs ``wrong ≤ w − 1`` and, since w was least at c, ``c ≥ c + 1``;
both only tighten, so they are added to the same model and every solve is warm-started from the
previous witness. Anytime: when time runs out the step found so far is reported with CP-SAT's
proved lower bound (status ``bounds``) and the front stops there, marked incomplete.
"""

from __future__ import annotations

from math import ceil
from typing import Sequence

import numpy as np
from ortools.sat.python import cp_model

from ... import views
from ...diagram import PhaseDiagram, Step, TaskInfo
from ...errors import TooLargeError
from ...front import CpsatRun, Progress, closed_when_stopped, eps_budgets, require_method
from ...task import Task
from .rulelist import RuleList, trie_labels

__all__ = ["cpsat_diagram", "RuleModel", "MODEL_NODE_LIMIT", "PORTFOLIO"]

#: Most trie nodes a CP-SAT rule model is built over.
MODEL_NODE_LIMIT = 200_000

#: CP-SAT workers in the order they are started when ``workers`` > 1 (the first is the only
#: full-problem solver with 2 workers). Full linearization proves the steps of rule models far
#: faster than CP-SAT's default or core-based search, and one worker with it beats any portfolio
#: on this 2-core machine (benchmarks/cpsat_workers.py), so ``workers=1`` is the default.
PORTFOLIO = ("max_lp", "lb_tree_search", "core", "default_lp", "quick_restart",
             "pseudo_costs", "reduced_costs", "objective_lb_search")


class RuleModel:
    """CP-SAT encoding of a prefix-rule list over the trie of ``task``'s inputs.

    Variables per kept node v: ``rule[v, y]`` (a rule ``v → y``, at most one per node) and the
    one-hot label ``label[v, y]`` its inputs take; the root's label is the free default. Without
    a rule a node takes its parent's label. Dominance cuts: a rule never repeats its parent's
    label, only labels present under v are rule labels, and a subtree with a single label is one
    leaf (one rule at its top beats any rules inside it).
    ``wrong = Σ_v Σ_y label[v, y]·(weight ending at v not labelled y)``, ``complexity = Σ rule``.
    """

    def __init__(self, task: Task):
        trie = self.trie = views.trie(task)
        self.task = task
        present = trie.mass > 0
        pure = present.sum(axis=1) <= 1
        keep = np.ones(trie.n_nodes, dtype=bool)
        keep[1:] = ~pure[trie.parent[1:]]
        self.nodes = np.flatnonzero(keep)
        if len(self.nodes) > MODEL_NODE_LIMIT:
            raise TooLargeError(
                f"{task.spec} needs a CP-SAT model over {len(self.nodes):,} trie nodes (limit "
                f"{MODEL_NODE_LIMIT:,}); use --method dp, which is exact at this size."
            )
        n_labels = len(task.labels)
        m = self.model = cp_model.CpModel()
        self.label = {int(v): [m.new_bool_var(f"l{v}_{y}") for y in range(n_labels)] for v in self.nodes}
        self.rule: dict[tuple[int, int], cp_model.IntVar] = {}
        wrong_terms = []
        for v in self.nodes.tolist():
            m.add_exactly_one(self.label[v])
            ending = trie.mass[v] if pure[v] else trie.own[v]
            wrong_terms += [int(ending.sum() - ending[y]) * self.label[v][y]
                            for y in range(n_labels) if ending.sum() - ending[y] > 0]
            if v == 0:
                continue
            parent = int(trie.parent[v])
            rules = []
            for y in np.flatnonzero(present[v]).tolist():
                r = self.rule[v, y] = m.new_bool_var(f"r{v}_{y}")
                m.add_implication(r, self.label[v][y])
                m.add_implication(r, ~self.label[parent][y])
                rules.append(r)
            has_rule = m.new_bool_var(f"h{v}")
            m.add(sum(rules) == has_rule)
            for y in range(n_labels):
                m.add(self.label[v][y] == self.label[parent][y]).only_enforce_if(~has_rule)
        self.complexity = m.new_int_var(0, len(self.rule), "complexity")
        m.add(self.complexity == sum(self.rule.values()))
        self.wrong = m.new_int_var(0, task.total_weight, "wrong")
        m.add(self.wrong == sum(wrong_terms))

    def decode(self, solver: cp_model.CpSolver) -> RuleList:
        task = self.task
        default = next(y for y, lit in enumerate(self.label[0]) if solver.boolean_value(lit))
        rules = [(task.render(self.trie.path(v)), task.labels[y])
                 for (v, y), r in self.rule.items() if solver.boolean_value(r)]
        return RuleList(task.labels[default], rules)

    def hint(self, program: RuleList) -> None:
        """Warm start from ``program`` (rules inside cut subtrees are dropped from the hint)."""
        self.model.clear_hints()
        rule_at, label_at = trie_labels(self.task, program)
        for v, lits in self.label.items():
            for y, lit in enumerate(lits):
                self.model.add_hint(lit, int(label_at[v] == y))
        for (v, y), r in self.rule.items():
            self.model.add_hint(r, int(rule_at[v] == y))


def cpsat_diagram(task: Task, programs, *, eps: Sequence[float] | None = None,
                  max_complexity: int | None = None, time_limit: float | None = None,
                  workers: int = 1, seed: int = 0, progress: Progress | None = None) -> PhaseDiagram:
    """The front of affix-rule lists on ``task`` by CP-SAT (see the module docstring).

    ``time_limit`` (seconds) bounds the whole run; ``eps`` solves only for the listed error
    targets; ``max_complexity`` stops the front at that many rules. Ctrl-C keeps the steps found,
    marked incomplete. A front stopped short of error 0 (or of the target 0) is closed there by
    the least correct list, proved least.
    """
    require_method(programs, "cpsat", cpsat_diagram)

    def configure(parameters) -> None:
        if workers == 1:
            parameters.linearization_level = 2
        else:
            parameters.subsolvers.extend(PORTFOLIO[:workers])

    run = CpsatRun(time_limit=time_limit, workers=workers, seed=seed, configure=configure)
    total = task.total_weight
    budgets = sorted(set(eps_budgets(eps, total)), reverse=True) or [total]
    walk_front = not eps
    enc = RuleModel(programs.affix_task(task))
    model = enc.model
    if max_complexity is not None:
        model.add(enc.complexity <= max_complexity)
    model.minimize((total + 1) * enc.complexity + enc.wrong)
    solver = run.solver
    steps: list[Step] = []
    wrongs: list[int] = []  # exact wrong weight of each step
    complete = True
    try:
        while budgets:
            budget = budgets[0]
            if wrongs and wrongs[-1] <= budget:
                budgets.pop(0)
                continue
            model.add(enc.wrong <= budget)
            if steps:
                model.add(enc.complexity >= steps[-1].complexity + 1)
                enc.hint(steps[-1].witness)
            status = run.solve(model)
            if status is None:
                complete = False
                break
            if status == cp_model.INFEASIBLE:
                break
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                complete = False
                break
            witness = enc.decode(solver)
            c, w = int(solver.value(enc.complexity)), int(solver.value(enc.wrong))
            if programs.wrong_weight(task, witness) != w or len(witness) != c:
                raise AssertionError(f"CP-SAT witness does not re-evaluate to ({c}, {w})")
            proved = status == cp_model.OPTIMAL
            lower = None if proved else max(
                steps[-1].complexity + 1 if steps else 0,
                ceil((solver.best_objective_bound - budget) / (total + 1)))
            steps.append(Step(c, w / total, w if task.uniform else None, total if task.uniform else None,
                              "optimal" if proved else "bounds", witness, lower))
            wrongs.append(w)
            if progress is not None:
                progress("cpsat", wrongs[0] - w, wrongs[0])
            if not proved:
                complete = False
                break
            if walk_front:
                budgets = [w - 1] if w > 0 else []
    except KeyboardInterrupt:
        complete = False
    if not complete and (walk_front or 0 in eps_budgets(eps, total)):
        front = closed_when_stopped(list(zip([s.complexity for s in steps], wrongs, steps)), task, programs,
                                    max_complexity=max_complexity)
        steps = [s for _, _, s in front]
    return PhaseDiagram(
        task=TaskInfo.of(task),
        programs=programs.spec,
        method=run.method(max_complexity=max_complexity, eps=eps),
        steps=steps,
        runtime_s=run.seconds,
        diagnostics=run.diagnostics(model_nodes=len(enc.nodes)),
        complete=complete,
    )
