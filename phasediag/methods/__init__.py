"""The method registry: every method that computes a phase diagram, by name.

A :class:`Method` says what a name means — exact or sampled, anytime or not, which options it
takes besides ``eps`` and ``max_complexity`` — and which program classes it works on. Exact
methods are implemented by the program classes themselves (``ProgramClass.exact_methods``);
``tempered`` works on every class through its sampler kernel. The CLI's choices, the option
checks, the sweep's validation and the choice of the fastest exact method all come from here.

>>> [m.name for m in METHODS.values()]
['dp', 'cpsat', 'enumerate', 'tempered']
>>> classes_for("dp")
('prefix-rules', 'suffix-rules', 'trees')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..errors import ParameterError
from ..programs import PROGRAM_CLASSES, ProgramClass
from ..programs.circuits import census, cost_table, enumeration_diagram, synthesis_diagram
from ..programs.rules.cpsat import cpsat_diagram
from ..programs.rules.dp import dp_diagram
from .tempered import sample_diagram

__all__ = ["Method", "METHODS", "CHOICES", "EXACT_CHOICES", "classes_for", "check_options", "diagram_fit",
           "exact_diagram", "options_of", "picked_options", "resolve_method", "sample_diagram", "dp_diagram",
           "cpsat_diagram", "enumeration_diagram", "synthesis_diagram", "census", "cost_table"]


@dataclass(frozen=True)
class Method:
    """A method's name, whether its steps are proved (``exact``), whether a time limit stops it
    with what it found (``anytime``), the options it takes besides ``eps`` and
    ``max_complexity``, and one line on what it does."""

    name: str
    exact: bool
    anytime: bool
    options: tuple[str, ...]
    description: str


#: Every method, by name.
METHODS: dict[str, Method] = {m.name: m for m in (
    Method("dp", True, False, (), "tree dynamic programme (affix rules)"),
    Method("cpsat", True, True, ("time_limit", "workers", "seed"), "OR-tools CP-SAT, one solve per step"),
    Method("enumerate", True, False, (), "exhaustive enumeration of small circuits"),
    Method("tempered", False, True, ("time_limit", "seed", "sampler", "steps", "chains", "windows", "betas",
                                     "lambdas"), "Wang–Landau and parallel tempering (upper bounds)"),
)}

#: What a user may name: ``exact`` (the fastest exact method of the class) or a method.
CHOICES = ("exact", *METHODS)
#: The exact choices alone.
EXACT_CHOICES = ("exact", *(m.name for m in METHODS.values() if m.exact))


def classes_for(method: str) -> tuple[str, ...]:
    """The program classes a method works on (``tempered``: every class)."""
    if method == "tempered":
        return tuple(PROGRAM_CLASSES)
    return tuple(name for name, cls in PROGRAM_CLASSES.items() if method in cls.exact_methods)


def resolve_method(task, programs: ProgramClass, method: str = "exact") -> str:
    """The method ``method`` names for this task and class: ``exact`` becomes the class's fastest
    exact method for the task, others stay; one that does not work on the class is a
    ParameterError."""
    if method not in CHOICES:
        raise ParameterError(f"Unknown method '{method}'. Allowed: {', '.join(CHOICES)}.")
    if method == "exact":
        return programs.fastest_exact(task)
    if method != "tempered" and method not in programs.exact_methods:
        allowed = ["exact", *programs.exact_methods, "tempered"]
        raise ParameterError(f"Method '{method}' does not work on {programs.name}. Allowed: {', '.join(allowed)}.")
    return method


#: Options that budget a solver rather than say what to compute.
SOLVER_BUDGETS = ("time_limit", "workers", "seed")


def picked_options(requested: str, method: str, options: dict) -> dict:
    """``options`` for ``method``, which ``requested`` named: where that was ``exact`` (the
    fastest exact method for the task, which changes with its size), the solver budgets the
    picked method does not take are dropped, as it finishes without them (the DP, enumeration);
    a named method keeps them, so :func:`check_options` refuses what it does not take."""
    if requested != "exact":
        return options
    return {k: v for k, v in options.items() if k not in SOLVER_BUDGETS or k in METHODS[method].options}


def options_of(programs: ProgramClass, method: str) -> tuple[str, ...]:
    """The options ``method`` takes besides ``eps`` and ``max_complexity``; for ``exact``, those
    of any exact method of the class it may pick."""
    if method == "exact":
        return tuple(dict.fromkeys(o for name in programs.exact_methods for o in METHODS[name].options))
    return METHODS[method].options


def check_options(programs: ProgramClass, method: str, options: dict) -> dict:
    """``options`` with the unset (None) ones dropped; a set option ``method`` does not take
    (:func:`options_of`) is a ParameterError naming it as the CLI spells it."""
    given = {k: v for k, v in options.items() if v is not None}
    takes = options_of(programs, method)
    stray = [k for k in given if k not in ("eps", "max_complexity", *takes)]
    if stray:
        names = ", ".join("--" + k.replace("_", "-") for k in stray)
        why = " (it is exact and not anytime)" if not takes else ""
        raise ParameterError(f"{names} do{'es' if len(stray) == 1 else ''} not apply to --method {method}{why}.")
    return given


def diagram_fit(programs: ProgramClass, method: str, **options) -> Callable:
    """``fit(task, progress) -> PhaseDiagram``: ``method`` with its options, on any task — the
    task itself or a training sample of it. ``exact`` picks the fastest exact method for the task
    the fit is given (a training sample can be small enough for the DP where its population is
    not), with the solver budgets where the pick takes them. Options no method it may run takes
    are refused here, before any work."""
    if method != "exact":
        resolve_method(None, programs, method)  # refuses a method the class does not implement
    options = check_options(programs, method, options)
    if method == "tempered":
        return lambda task, progress=None: sample_diagram(task, programs, progress=progress, **options)
    return lambda task, progress=None: exact_diagram(task, programs, method=method, progress=progress, **options)


def exact_diagram(task, programs: ProgramClass, *, method: str = "exact", progress=None, **options):
    """The exact phase diagram of ``programs`` on ``task``.

    ``method="exact"`` picks the fastest exact method for the class (see
    ``ProgramClass.fastest_exact``): for affix rules the tree DP, with CP-SAT as the independent
    cross-check; for decision trees the DP over sub-samples or CP-SAT, whichever it expects to
    be faster; for circuits the enumerator where it settles every function, else CP-SAT exact
    synthesis. Under ``exact``, a solver budget (``time_limit``, ``workers``, ``seed``) applies
    where the picked method takes it (see :func:`picked_options`).
    """
    picked = resolve_method(task, programs, method)
    if picked == "tempered":
        raise ParameterError("'tempered' samples a diagram (upper bounds); use sample_diagram, or an exact method.")
    return programs.exact_methods[picked](task, programs, progress=progress,
                                          **check_options(programs, picked, picked_options(method, picked, options)))
