"""phasediag: complexity-precision phase diagrams of discrete tasks.

For a task and a class of programs, C(ε) is the least complexity of a program with error at most
ε; its steps, with the programs that attain them, form the phase diagram.

>>> from phasediag import load_task, load_programs, exact_diagram
>>> d = exact_diagram(load_task("prefix-sorting:n=3,length=2"), load_programs("prefix-rules"))
>>> [(s.complexity, s.wrong) for s in d.steps]
[(0, 4), (1, 3), (2, 2), (3, 1), (4, 0)]
"""

from importlib import import_module

from .version import __version__
from .compare import compare  # light; imported now because the submodule of that name would hide it

#: Where each public name lives; loaded on first use (PEP 562), so that ``import phasediag`` and
#: the console script start at once and a Ctrl-C while the CLI loads its libraries can be caught.
_PUBLIC = {
    "spectrum": "analysis", "transitions": "analysis", "PhaseDiagram": "diagram", "Step": "diagram",
    "FileFormatError": "errors", "ParameterError": "errors", "PhasediagError": "errors", "TooLargeError": "errors",
    "read_diagram": "io", "write_diagram": "io", "write_steps_csv": "io",
    "collapse_point": "data", "draw_sample": "data", "fit_on_data": "data",
    **{name: "methods" for name in ("census", "cpsat_diagram", "dp_diagram", "enumeration_diagram", "exact_diagram",
                                    "sample_diagram", "synthesis_diagram")},
    "load_programs": "programs", "FAMILIES": "tasks", "load_task": "tasks",
}


def __getattr__(name: str):
    if name in _PUBLIC:
        value = getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'phasediag' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))


__all__ = [
    "__version__", "FAMILIES", "load_task", "load_programs", "exact_diagram", "dp_diagram",
    "cpsat_diagram", "enumeration_diagram", "synthesis_diagram", "sample_diagram", "compare", "census",
    "fit_on_data", "draw_sample", "collapse_point",
    "PhaseDiagram", "Step",
    "spectrum", "transitions", "read_diagram", "write_diagram", "write_steps_csv", "plot_diagrams", "exact_density",
    "PhasediagError", "ParameterError", "TooLargeError", "FileFormatError",
]


def plot_diagrams(*args, **kwargs):
    """See :func:`phasediag.plot.plot_diagrams` (imports matplotlib on first use)."""
    from .plot import plot_diagrams as plot

    return plot(*args, **kwargs)


def exact_density(task, programs):
    """The exact density of states ln g(c, ε) of ``programs`` on a listed ``task``, for classes
    that can count it (``programs.has("exact_density")``: rule lists)."""
    return programs.exact_density(task)
