"""Methods that compute phase diagrams. Each is ``f(task, programs, **options) -> PhaseDiagram``."""

from __future__ import annotations

from ..errors import ParameterError
from ..programs.rules import AffixRules
from .cpsat import cpsat_diagram
from .dp import dp_diagram
from .enumeration import census, cost_table, enumeration_diagram
from .synthesis import synthesis_diagram
from .tempered import sample_diagram

__all__ = ["METHODS", "exact_diagram", "dp_diagram", "cpsat_diagram", "enumeration_diagram",
           "synthesis_diagram", "census", "cost_table", "resolve_method", "sample_diagram"]

#: Exact methods by (method name, program class name).
METHODS = {
    ("dp", "prefix-rules"): dp_diagram,
    ("cpsat", "prefix-rules"): cpsat_diagram,
    ("dp", "suffix-rules"): dp_diagram,
    ("cpsat", "suffix-rules"): cpsat_diagram,
    ("enumerate", "circuits"): enumeration_diagram,
    ("cpsat", "circuits"): synthesis_diagram,
}


def exact_diagram(task, programs, *, method: str = "exact", **options):
    """The exact phase diagram of ``programs`` on ``task``.

    ``method="exact"`` picks the fastest exact method for the class: for affix rules the tree
    DP (polynomial in the trie), with CP-SAT as the independent cross-check; for circuits the
    enumerator where it settles every function (one output, up to 3 inputs, or 4 in b2), else
    CP-SAT exact synthesis.
    """
    method = resolve_method(task, programs, method)
    if (method, programs.name) not in METHODS:
        allowed = [m for m, c in METHODS if c == programs.name]
        raise ParameterError(f"Method '{method}' does not work on {programs.name}. "
                             f"Allowed: exact, {', '.join(allowed)}.")
    return METHODS[method, programs.name](task, programs, **options)


def resolve_method(task, programs, method: str = "exact") -> str:
    """The exact method ``method`` names for this task and class (``exact``: the fastest)."""
    if method != "exact":
        return method
    if isinstance(programs, AffixRules):
        return "dp"
    table = task.boolean
    small = table.inputs <= 3 or (table.inputs == 4 and programs.basis.name == "b2")
    return "enumerate" if table.outputs == 1 and small else "cpsat"
