"""The phase diagram: the Pareto front of (complexity, error), one witness per step.

Steps are ordered by complexity with error strictly decreasing; C(ε) = min{c_i : ε_i ≤ ε}.
A step's status says how sure we are of it: ``optimal`` (proved), ``bounds`` (a solver stopped
early: ``lower_bound`` ≤ C(ε_i) ≤ ``complexity``) or ``sampled`` (an upper bound).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Mapping

__all__ = ["Step", "PhaseDiagram", "TaskInfo", "MethodInfo", "STATUSES", "eps_budget"]

STATUSES = ("optimal", "bounds", "sampled")


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Step:
    """One step of a front. ``wrong``/``total`` are the exact counts behind ``error`` when the
    distribution is uniform over a finite set (else None)."""

    complexity: int
    error: float
    wrong: int | None
    total: int | None
    status: str
    witness: Any
    lower_bound: int | None = None
    test_error: float | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    @property
    def exact_error(self) -> Fraction | float:
        """The error as an exact fraction when counts are known, else the float."""
        return Fraction(self.wrong, self.total) if self.wrong is not None else self.error


@dataclass(frozen=True)
class TaskInfo:
    """What a diagram file records of its task."""

    spec: str
    family: str
    parameters: Mapping[str, Any]
    inputs: int
    #: The file the task was read from: {"path", "sha256"} (None for other tasks).
    source: Mapping[str, str] | None = None

    @classmethod
    def of(cls, task) -> TaskInfo:
        source = getattr(task, "provenance", None)
        return cls(task.spec, task.family, _frozen(task.params), task.n_inputs,
                   None if source is None else _frozen(source))


@dataclass(frozen=True)
class MethodInfo:
    """How a diagram was computed."""

    name: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None
    time_limit: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", _frozen(self.settings))


@dataclass(frozen=True)
class PhaseDiagram:
    """A complexity-precision phase diagram and everything needed to reproduce it."""

    task: TaskInfo
    programs: str
    method: MethodInfo
    steps: tuple[Step, ...]
    runtime_s: float
    diagnostics: Mapping[str, Any] = field(default_factory=dict)
    complete: bool = True
    data: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))
        object.__setattr__(self, "diagnostics", _frozen(self.diagnostics))
        for a, b in zip(self.steps, self.steps[1:]):
            if not (a.complexity < b.complexity and a.exact_error > b.exact_error):
                raise ValueError("steps must have increasing complexity and strictly decreasing error")

    def __repr__(self) -> str:
        last = self.steps[-1] if self.steps else None
        reach = f", down to error {last.error:.4g} at {last.complexity}" if last else ""
        done = "" if self.complete else ", incomplete"
        return (f"<PhaseDiagram {self.task.spec} · {self.programs} · {self.method.name}: {len(self.steps)} steps"
                f"{reach}{done}>")

    def complexity_at(self, eps: float) -> int | None:
        """C(ε): the least complexity of a step with error ≤ ε (None if no step reaches ε)."""
        for step in self.steps:
            if step.exact_error <= Fraction(str(eps)):
                return step.complexity
        return None

    @property
    def all_optimal(self) -> bool:
        return all(s.status == "optimal" for s in self.steps)


def eps_budget(eps: float, total: int) -> int:
    """Largest wrong weight with error ≤ ε: floor(ε · total), exact for decimal ε."""
    return int(Fraction(str(eps)) * total)
