"""Methods that compute phase diagrams. Each is ``f(task, programs, **options) -> PhaseDiagram``."""

from __future__ import annotations

from ..errors import ParameterError
from .cpsat import cpsat_diagram
from .dp import dp_diagram

__all__ = ["METHODS", "exact_diagram", "dp_diagram", "cpsat_diagram"]

#: Exact methods by name; ``exact`` takes the fastest one that applies.
METHODS = {"dp": dp_diagram, "cpsat": cpsat_diagram}


def exact_diagram(task, programs, *, method: str = "exact", **options):
    """The exact phase diagram of ``programs`` on ``task``.

    ``method="exact"`` picks the fastest exact method for the class: for affix rules the tree
    DP (polynomial in the trie), with CP-SAT as the independent cross-check (``method="cpsat"``).
    """
    if method == "exact":
        method = "dp"
    if method not in METHODS:
        raise ParameterError(f"Unknown method '{method}'. Allowed: exact, {', '.join(METHODS)}.")
    return METHODS[method](task, programs, **options)
