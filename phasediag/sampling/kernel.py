"""The contract between the samplers and a program class: a sampler kernel.

A program class supplies one :class:`SamplerKernel` per task (``programs.sampler(task,
capacity)``): compiled moves over a state tuple of plain arrays, the loops compiled on them, and
what the driver needs to budget, start, judge and read back a run. The engine
(:mod:`phasediag.methods.tempered`) uses these members and nothing else of the class.
"""

from __future__ import annotations

from typing import Any, Protocol

from .chains import Loops, Moves

__all__ = ["SamplerKernel", "listed_lambdas", "LAMBDA_MARGIN"]

#: The largest default λ of a listed task is this many times total/(least weight).
LAMBDA_MARGIN = 4.0


class SamplerKernel(Protocol):
    """What the sampler engine needs of a program class on one task."""

    #: The compiled moves (:class:`~.chains.Moves`) and the samplers bound to them.
    moves: Moves
    loops: Loops
    #: The most complexity a program may have (rules; gates of the genotype).
    capacity: int
    #: Σ weights: wrong weights are in these units; λ enters as λ/total.
    total: float
    #: Whether wrong weights are exact integers (listed tasks), so error levels are single counts.
    exact: bool
    #: Wrong weight of the best constant program (the top of the error range walked).
    baseline: float
    #: What scoring one proposal costs, relative to a rule or split move or a circuit on one
    #: 64-row word (1): ``auto`` weighs Wang–Landau's cells by it.
    proposal_cost: float
    #: Default ladder ends: the coldest β, and the λ range (see :func:`listed_lambdas`).
    beta_cold: float
    lambda_range: tuple[float, float]
    #: A sentence the diagram warns with, else None: a default capacity (no cap given) below what
    #: the front may need, or no correct program constructed.
    warning: str | None
    #: The class's correct program of the task where it builds one (it closes a front that stopped
    #: short of error 0), else None; ``start``: that program where it fits the state, so that
    #: every replica starts from it (:meth:`seed`), else None.
    constructed: Any
    start: Any
    #: ``improve_front(state, front, deadline)``: the sampled front (``(complexity, wrong, found,
    #: slot)`` by complexity) improved by the class's exact local moves, programs in place of
    #: slots, and how many sizes they improved; None where the class has none.
    improve_front: Any

    def allocate(self, replicas: int, slots: int) -> tuple:
        """The state tuple for ``replicas`` replicas and ``slots`` witness slots."""

    def seed(self, state: tuple, replica: int) -> tuple[int, float]:
        """Write ``start`` into replica ``replica``; its (complexity, wrong weight). Called only
        where ``start`` is not None."""

    def replica_bytes(self) -> int:
        """Memory one replica's state takes."""

    def slot_bytes(self) -> int:
        """Memory one witness slot takes."""

    def witness(self, state: tuple, slot: int) -> Any:
        """The program in witness slot ``slot`` (a program of the class)."""

    def log_counts(self):
        """ln of the number of programs of each complexity 0..capacity (an array), or None when the
        class does not count them; with it, each complexity's ln g row is fixed on its own."""

    def log_size(self) -> float:
        """ln of the number of programs the walk covers (fixes the constant of ln g)."""


def listed_lambdas(total: float, baseline: float, least: float,
                   margin: float = LAMBDA_MARGIN) -> tuple[float, float]:
    """The λ range that holds the whole front of a listed task, energy c + λ·wrong/total: below
    total/baseline no program beats the best constant one (no unit of complexity fixes more than
    ``baseline``), and at ``margin``·total/``least`` fixing the lightest input is worth ``margin``
    units of complexity (by default a few: a front step that needs more is reached by the
    best-per-level records)."""
    return (max(1.0, total / baseline) if baseline > 0 else 1.0), margin * total / least
