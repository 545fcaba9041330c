"""phasediag: complexity-precision phase diagrams of discrete tasks.

For a task and a class of programs, C(ε) is the least complexity of a program with error at most
ε; its steps, with the programs that attain them, form the phase diagram.

>>> from phasediag import load_task, load_programs, exact_diagram
>>> d = exact_diagram(load_task("prefix-sorting:n=3,length=2"), load_programs("prefix-rules"))
>>> [(s.complexity, s.wrong) for s in d.steps]
[(0, 4), (1, 3), (2, 2), (3, 1), (4, 0)]
"""

from .version import __version__  # noqa: E402
from .analysis import spectrum, transitions  # noqa: E402
from .diagram import PhaseDiagram, Step  # noqa: E402
from .errors import FileFormatError, ParameterError, PhasediagError, TooLargeError  # noqa: E402
from .io import read_diagram, write_diagram, write_steps_csv  # noqa: E402
from .compare import compare  # noqa: E402
from .data import collapse_point, draw_sample, fit_on_data  # noqa: E402
from .methods import (  # noqa: E402
    census, cpsat_diagram, dp_diagram, enumeration_diagram, exact_diagram, sample_diagram, synthesis_diagram,
)
from .programs import load_programs  # noqa: E402
from .tasks import FAMILIES, load_task  # noqa: E402

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
