"""Methods that compute phase diagrams. Each is ``f(task, programs, **options) -> PhaseDiagram``."""

from __future__ import annotations

from ..errors import ParameterError
from ..programs.rules import AffixRules
from .cpsat import cpsat_diagram
from .dp import dp_diagram
from .enumeration import census, cost_table, enumeration_diagram
from .synthesis import synthesis_diagram
from .tempered import sample_diagram

__all__ = ["METHODS", "METHOD_OPTIONS", "diagram_fit", "exact_diagram", "dp_diagram", "cpsat_diagram", "enumeration_diagram",
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


#: Options a method takes besides ``eps`` and ``max_complexity`` (the DP and the enumerator,
#: exact and not anytime, take none).
METHOD_OPTIONS = {
    "cpsat": ("time_limit", "workers", "seed"),
    "tempered": ("time_limit", "seed", "sampler", "steps", "chains", "windows", "betas", "lambdas"),
}


def diagram_fit(programs, method: str, **options):
    """``fit(task, progress) -> PhaseDiagram``: ``method`` (``tempered`` or an exact method
    name) with its options, on any task — the task itself or a training sample of it."""
    if method == "tempered":
        return lambda task, progress=None: sample_diagram(task, programs, progress=progress, **options)
    return lambda task, progress=None: exact_diagram(task, programs, method=method, progress=progress, **options)


def exact_diagram(task, programs, *, method: str = "exact", **options):
    """The exact phase diagram of ``programs`` on ``task``.

    ``method="exact"`` picks the fastest exact method for the class: for affix rules the tree
    DP (polynomial in the trie), with CP-SAT as the independent cross-check; for circuits the
    enumerator where it settles every function (one output, up to 3 inputs, or 4 in b2), else
    CP-SAT exact synthesis.
    """
    method = resolve_method(task, programs, method)
    if method == "tempered":
        raise ParameterError("'tempered' samples a diagram (upper bounds); use sample_diagram, or an exact method.")
    return METHODS[method, programs.name](task, programs, **options)


def resolve_method(task, programs, method: str = "exact") -> str:
    """The method ``method`` names for this task and class: ``exact`` becomes the fastest exact
    method, ``tempered`` stays; a method that does not work on the class is a ParameterError."""
    if method == "exact":
        method = _fastest_exact(task, programs)
    if method != "tempered" and (method, programs.name) not in METHODS:
        allowed = [m for m, c in METHODS if c == programs.name]
        raise ParameterError(f"Method '{method}' does not work on {programs.name}. "
                             f"Allowed: exact, {', '.join(allowed)}, tempered.")
    return method


def _fastest_exact(task, programs) -> str:
    if isinstance(programs, AffixRules):
        return "dp"
    table = task.boolean
    small = table.inputs <= 3 or (table.inputs == 4 and programs.basis.name == "b2")
    return "enumerate" if table.outputs == 1 and small else "cpsat"
