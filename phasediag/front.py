"""What every method that builds a front shares: progress reporting, error targets, the steps
that answer them, and the record of a CP-SAT run."""

from __future__ import annotations

from time import perf_counter
from typing import Callable, Sequence

from .diagram import MethodInfo, eps_budget
from .errors import ParameterError

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


def time_left(solver, start: float, time_limit: float | None) -> bool:
    """Give a CP-SAT ``solver`` what remains of ``time_limit`` seconds counted from ``start``
    (a perf_counter reading); False when nothing remains."""
    if time_limit is None:
        return True
    remaining = time_limit - (perf_counter() - start)
    solver.parameters.max_time_in_seconds = max(remaining, 0.0)
    return remaining > 0


def cpsat_method(*, workers: int, seed: int, time_limit: float | None, max_complexity: int | None,
                 eps: Sequence[float] | None) -> MethodInfo:
    """How a CP-SAT run was set up, as its diagram records it."""
    import ortools

    return MethodInfo("cpsat", {"workers": workers, "max_complexity": max_complexity,
                                "eps": list(eps) if eps else None, "ortools": ortools.__version__},
                      seed=seed, time_limit=time_limit)


def status_counts(statuses: Sequence[str]) -> dict[str, int]:
    """How often each solver status occurred."""
    return {s: statuses.count(s) for s in set(statuses)}
