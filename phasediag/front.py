"""What every method that builds a front shares: progress reporting, error targets, the steps
that answer them, and the record of a CP-SAT run."""

from __future__ import annotations

import math
import threading
from dataclasses import replace
from time import perf_counter
from typing import Callable, Sequence

from .diagram import MethodInfo, PhaseDiagram, Step, TaskInfo, eps_budget
from .errors import ParameterError
from .interrupts import held_interrupts
from .params import check_number

#: ``progress(stage, done, total)``; total None when unknown.
Progress = Callable[[str, int, "int | None"], None]


def require_method(programs, method: str, function: Callable) -> None:
    """A ParameterError unless ``programs`` implements the exact method ``method`` by ``function``
    (so a class-specific method called directly on another class says so)."""
    if programs.exact_methods.get(method) is not function:
        takers = [m for m, f in programs.exact_methods.items()]
        raise ParameterError(f"This '{method}' method does not work on program class '{programs.name}'; "
                             f"its exact methods are {', '.join(takers)}.")


def eps_budgets(eps: Sequence[float] | None, total: int) -> list[int]:
    """Wrong-weight budgets floor(ε·total) for the error targets ``eps``, each checked in [0, 1]."""
    if not eps:
        return []
    for e in eps:
        if not 0.0 <= e <= 1.0:
            raise ParameterError(f"Every eps (error target) must be in [0, 1]. Got {e}.")
    return [eps_budget(e, total) for e in eps]


def answering(front: list[tuple], budgets: Sequence[int]) -> list[tuple]:
    """The steps of ``front`` (tuples starting ``(complexity, wrong, ...)``) that give C(ε) for
    each budget: for each, the first step with wrong ≤ budget."""
    keep = set()
    for budget in budgets:
        hit = next((i for i, step in enumerate(front) if step[1] <= budget), None)
        if hit is not None:
            keep.add(hit)
    return [front[i] for i in sorted(keep)]


class CpsatRun:
    """The solver side of a CP-SAT front walk: one solver set up once (``workers`` threads,
    ``seed``, and whatever ``configure(parameters)`` adds), the clock of the whole run under
    ``time_limit`` seconds, and the status of every solve."""

    def __init__(self, *, time_limit: float | None, workers: int, seed: int,
                 configure: Callable | None = None):
        from ortools.sat.python import cp_model

        if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
            raise ParameterError(f"time_limit must be a positive, finite number of seconds. Got {time_limit}.")
        check_number("workers", workers, low=1)
        check_number("seed", seed)
        self.time_limit, self.workers, self.seed = time_limit, workers, seed
        self.solver = cp_model.CpSolver()
        self.solver.parameters.num_workers = workers
        self.solver.parameters.random_seed = seed
        # Ctrl-C is ours (see solve): CP-SAT's own SIGINT handler ends the solve as if timed out,
        # which let a walk go on to its next solve, and it races with Python's handler.
        self.solver.parameters.catch_sigint_signal = False
        if configure is not None:
            configure(self.solver.parameters)
        self.start = perf_counter()
        self.statuses: list[str] = []

    def solve(self, model) -> int | None:
        """Solve ``model`` in what remains of the time limit; None when nothing remains. The
        solve runs in a thread while this one waits with Ctrl-C held back, so that Ctrl-C stops
        the search at once and is raised here (KeyboardInterrupt) once it has ended: one raised
        anywhere in the wait would leave CP-SAT searching, and the process aborts at exit."""
        if self.time_limit is not None:
            remaining = self.time_limit - self.seconds
            if remaining <= 0:
                return None
            self.solver.parameters.max_time_in_seconds = remaining
        outcome: list = []
        done = threading.Event()

        def solve() -> None:
            try:
                outcome.append(self.solver.solve(model))
            except BaseException as e:  # raised again in this thread
                outcome.append(e)
            finally:
                done.set()

        with held_interrupts() as interrupted:
            threading.Thread(target=solve, daemon=True).start()
            while not done.wait(0.05):
                if interrupted():  # again and again: a stop that came before the search began is lost
                    self.solver.stop_search()
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        self.statuses.append(self.solver.status_name(outcome[0]))
        return outcome[0]

    def method(self, *, max_complexity: int | None, eps: Sequence[float] | None) -> MethodInfo:
        """How the run was set up, as its diagram records it."""
        import ortools

        return MethodInfo("cpsat", {"workers": self.workers, "max_complexity": max_complexity,
                                    "eps": list(eps) if eps else None, "ortools": ortools.__version__},
                          seed=self.seed, time_limit=self.time_limit)

    @property
    def seconds(self) -> float:
        return perf_counter() - self.start

    def diagnostics(self, **more) -> dict:
        """The number of solves and how often each status occurred, with ``more``."""
        return {"solves": len(self.statuses), **more,
                "statuses": {s: self.statuses.count(s) for s in set(self.statuses)}}


def size_walk(task, programs, model_of: Callable, *, stage: str, eps: Sequence[float] | None = None,
              max_complexity: int | None = None, time_limit: float | None = None, workers: int = 2,
              seed: int = 0, hints: Sequence = (), progress: Progress | None = None) -> PhaseDiagram:
    """The CP-SAT front walk by size, shared by the classes whose models fix the complexity r
    (circuits: r gates; trees: r splits). ``model_of(r, minimise)`` is a model of programs of
    complexity r with members ``model``, ``wrong`` (the wrong-weight expression), ``decode(solver)``
    and ``hint(program)``; minimising the wrong weight, or, with ``minimise=False``, a
    feasibility model.

    For r = 0, 1, 2, ... the model minimises the wrong weight subject to improving on every
    smaller r; each improvement is a step of the front, and C(ε) = r for the errors between.
    Given error targets ε only, each model is a feasibility question instead (error ≤ ε with r?),
    asked for r = 0, 1, ... until yes. Warm starts: the previous step's program and any of
    ``hints`` of the same size. Anytime: under ``time_limit`` the step in progress keeps its best
    program with CP-SAT's proved bounds (status ``bounds``), and the front stops there, marked
    incomplete; so does Ctrl-C. A front stopped short of error 0 is closed there by the class's
    constructed correct program (:func:`closing_step`; a second Ctrl-C while it is built leaves
    the front as found). Every program is re-evaluated exactly.
    """
    from ortools.sat.python import cp_model

    run = CpsatRun(time_limit=time_limit, workers=workers, seed=seed)
    by_size = {programs.complexity(h): h for h in hints}
    total = task.total_weight
    budgets = eps_budgets(eps, total)
    pending = sorted(set(budgets), reverse=True)  # error targets still to reach, largest first
    front: list[tuple[int, int, Step]] = []  # (gates, wrong weight, step)
    lower_error: dict[int, int] = {}  # r → proved lower bound on the least error with r gates
    best, best_program, complete = None, None, True
    r = tried = 0
    warnings: list[str] = []
    try:
        while True:
            if budgets:  # C(ε) only: one feasibility question per (r, target)
                pending = [b for b in pending if best is None or b < best]
                if not pending:
                    break
                target = pending[0]
            else:  # the whole front: the least error with r gates, below every smaller r's
                if best == 0:
                    break
                target = None if best is None else best - 1
            if max_complexity is not None and r > max_complexity:
                break
            enc, tried = model_of(r, not budgets), r
            if target is not None:
                enc.model.add(enc.wrong <= target)
            known = by_size.get(r, best_program)
            if known is not None:
                enc.hint(known)
            status, solver = run.solve(enc.model), run.solver
            if status is None or status not in (cp_model.INFEASIBLE, cp_model.OPTIMAL, cp_model.FEASIBLE):
                complete = False
                warnings.append(_unfinished(programs, r, best, task.total_weight, run))
                break
            if status == cp_model.INFEASIBLE:
                lower_error[r] = target + 1
                r += 1
                continue
            program = enc.decode(solver)
            # a model may bound a program's wrong weight from above (trees: a row may be counted
            # wrong that is not); the program's own is the step's, and a minimum is exact
            wrong, claimed = programs.wrong_weight(task, program), int(solver.value(enc.wrong))
            proved = status == cp_model.OPTIMAL
            if wrong > claimed or (proved and not budgets and wrong != claimed) or programs.complexity(program) != r:
                raise AssertionError(f"CP-SAT program does not re-evaluate to ({r} {programs.unit}, {claimed} wrong)")
            if not budgets:
                lower_error[r] = wrong if proved else int(solver.best_objective_bound)
            lower = min(q for q in range(r + 1) if lower_error.get(q, 0) <= wrong)
            if front and front[-1][0] == r:
                front.pop()
            front.append((r, wrong, Step(r, wrong / total, wrong if task.uniform else None,
                                         total if task.uniform else None,
                                         "optimal" if lower == r else "bounds",
                                         program, None if lower == r else lower)))
            best, best_program = wrong, program
            if progress is not None:
                progress(stage, front[0][1] - wrong, front[0][1])
            if not budgets:
                if not proved:
                    complete = False
                    break
                r += 1
    except KeyboardInterrupt:
        complete = False
    if not complete:
        front = closed_when_stopped(front, task, programs, searched=r, max_complexity=max_complexity)
    if budgets:
        front = answering(front, budgets)
    return PhaseDiagram(
        task=TaskInfo.of(task),
        programs=programs.spec,
        method=run.method(max_complexity=max_complexity, eps=eps),
        steps=[s for _, _, s in front],
        runtime_s=run.seconds,
        diagnostics=run.diagnostics(**{f"largest_model_{programs.unit}": tried},
                                    **({"warnings": warnings} if warnings else {})),
        complete=complete,
    )


def closing_step(task, programs, *, searched: int = 0, program=None) -> tuple[int, int, Step] | None:
    """``(complexity, 0, step)``: the step that closes a front whose search stopped short of error
    0, with the class's constructed correct program (None where the class has none). Its proved
    lower bound is the larger of ``searched`` (a size below which the search has settled that no
    program reaches error 0) and the class's own bound: ``optimal`` where it meets the program's
    size, else ``bounds``, or ``sampled`` where nothing is proved. ``program``: that constructed
    program when it is already at hand."""
    program = program if program is not None else programs.correct_program(task)
    if program is None:
        return None
    c = programs.complexity(program)
    if programs.wrong_weight(task, program) != 0:
        raise AssertionError(f"the constructed {programs.name} program is not correct on {task.spec}")
    uniform = task.uniform
    step = Step(c, 0.0, 0 if uniform else None, task.total_weight if uniform else None, "sampled", program)
    return c, 0, bounded(step, max(searched, programs.lower_bound(task, 0)))


def bounded(step: Step, lower: int) -> Step:
    """``step`` given a proved lower bound on its complexity (with the one it has): ``optimal``
    where the bound meets it, ``bounds`` where it is positive, else as it was."""
    lower = min(step.complexity, max(lower, step.lower_bound or 0))
    if lower == step.complexity:
        return replace(step, status="optimal", lower_bound=None)
    return replace(step, status="bounds", lower_bound=lower) if lower > 0 else step


def closed_when_stopped(front: list[tuple], task, programs, *, searched: int = 0,
                        max_complexity: int | None = None) -> list[tuple]:
    """A front whose search stopped (time limit, Ctrl-C) short of error 0, closed there by
    :func:`closing_step`; a Ctrl-C while the program is built leaves it as found."""
    if front and front[-1][1] == 0:
        return front
    try:
        return closed(front, closing_step(task, programs, searched=searched), max_complexity)
    except KeyboardInterrupt:
        return front


def closed(front: list[tuple], closing: tuple | None, max_complexity: int | None = None) -> list[tuple]:
    """``front`` (tuples ``(complexity, wrong, ...)`` by complexity) with the ``closing`` step of
    error 0 where it improves on it (steps of its complexity or more then drop out)."""
    if closing is None or (max_complexity is not None and closing[0] > max_complexity):
        return front
    if any(w == 0 and c <= closing[0] for c, w, *_ in front):
        return front
    return [s for s in front if s[0] < closing[0]] + [closing]


def _unfinished(programs, size: int, best: int | None, total: int, run: CpsatRun) -> str:
    """What a size walk stopped in time without a program of ``size`` can still say: every smaller
    size was settled, so the next step of the front needs at least ``size``."""
    beyond = "any error" if best is None else f"an error below {best / total:.6g}"
    return (f"Stopped after {run.seconds:.1f} s while CP-SAT searched {size} {programs.unit}: no program of that size "
            f"was found in time. Every smaller size is settled, so C(ε) ≥ {size} for {beyond} (a proved lower "
            f"bound, with no witness). Give more --time-limit to go on.")
