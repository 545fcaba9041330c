"""Judge a sampled diagram against an exact one, step by step.

For each exact step (c_i, ε_i), the sampled diagram's C(ε_i) is *matched* when it equals c_i,
*above* when it is larger (the sampler missed the optimum; the excess is the difference), *below*
when it is smaller than a proved optimum (or a proved lower bound) — impossible for a correct
sampler, so reported as a bug — and *missing* when no sampled step reaches ε_i, and *improved* when it is under an exact step that
was only bounded (the sampler found a better upper bound).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .diagram import PhaseDiagram, Step
from .errors import ParameterError

__all__ = ["Comparison", "StepComparison", "compare"]


@dataclass(frozen=True)
class StepComparison:
    """One exact step: its complexity, the sampled C(ε) at its error (None: not reached) and
    the proposals after which the sampled step giving it was found (if recorded)."""

    complexity: int
    error: float
    status: str
    sampled: int | None
    verdict: str
    found_after: int | None

    @property
    def excess(self) -> int | None:
        return None if self.sampled is None else self.sampled - self.complexity


@dataclass(frozen=True)
class Comparison:
    steps: tuple[StepComparison, ...]

    @property
    def matched(self) -> float:
        """Fraction of exact steps whose C(ε) the sampler reached."""
        return sum(s.verdict == "matched" for s in self.steps) / len(self.steps) if self.steps else 1.0

    @property
    def below(self) -> tuple[StepComparison, ...]:
        """Steps where the sampled C(ε) is under a proved optimum or lower bound (bugs)."""
        return tuple(s for s in self.steps if s.verdict == "below")

    @property
    def max_excess(self) -> int | None:
        excess = [s.excess for s in self.steps if s.excess is not None]
        return max(excess) if excess else None

    @property
    def mean_excess(self) -> float | None:
        excess = [s.excess for s in self.steps if s.excess is not None]
        return sum(excess) / len(excess) if excess else None

    @property
    def proposals_until_exact(self) -> int | None:
        """Proposals (per run) after which every exact step was matched; None if some never was
        or the sampled diagram does not record when its steps were found."""
        if not self.steps or any(s.verdict != "matched" or s.found_after is None for s in self.steps):
            return None
        return max(s.found_after for s in self.steps)


def _error(step: Step) -> Fraction:
    return Fraction(step.wrong, step.total) if step.wrong is not None else Fraction(step.error)


def compare(exact: PhaseDiagram, sampled: PhaseDiagram) -> Comparison:
    """Per exact step, whether ``sampled`` reaches the exact C(ε) (see the module docstring)."""
    if any(s.status == "sampled" for s in exact.steps):
        raise ParameterError(f"The first diagram must be exact (every step optimal or proved bounds), but it has "
                             f"sampled steps ({exact.method.name}); give the exact diagram first: compare EXACT SAMPLED.")
    if exact.task.spec != sampled.task.spec or exact.programs != sampled.programs:
        raise ParameterError(f"Both diagrams must be of one task and program class; got {exact.task.spec} · "
                             f"{exact.programs} and {sampled.task.spec} · {sampled.programs}.")
    found = list(sampled.diagnostics.get("found_after") or [None] * len(sampled.steps))
    tolerance = Fraction(1, 10**12)
    out = []
    for step in exact.steps:
        eps = _error(step)
        hit = next((i for i, s in enumerate(sampled.steps) if _error(s) <= eps * (1 + tolerance)), None)
        c = None if hit is None else sampled.steps[hit].complexity
        floor = step.complexity if step.status == "optimal" else step.lower_bound
        if c is None:
            verdict = "missing"
        elif floor is not None and c < floor:
            verdict = "below"
        elif c == step.complexity:
            verdict = "matched"
        else:
            verdict = "above" if c > step.complexity else "improved"
        out.append(StepComparison(step.complexity, step.error, step.status, c, verdict,
                                  None if hit is None else found[hit]))
    return Comparison(tuple(out))
