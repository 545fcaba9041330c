"""What every method shares: progress reporting, error targets, capability checks."""

from __future__ import annotations

from typing import Callable, Sequence

from ..diagram import eps_budget
from ..errors import ParameterError
from ..programs.rules import PrefixRules

#: ``progress(stage, done, total)``; total None when unknown.
Progress = Callable[[str, int, "int | None"], None]


def require_rules(programs, method: str) -> None:
    if not isinstance(programs, PrefixRules):
        raise ParameterError(
            f"Method '{method}' works on prefix-rules; got program class '{programs.name}'."
        )


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
