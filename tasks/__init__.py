"""Task families, registered by name. ``load_task("prefix-sorting:n=5,length=4")``."""

from __future__ import annotations

from ..errors import ParameterError
from ..params import parse_spec
from ..task import Task

from .boolean import BooleanFunction
from .prefix_sorting import PrefixSorting
from .table import Table, table_task
from .verb_conjugation import VerbConjugation

__all__ = ["FAMILIES", "load_task", "table_task", "PrefixSorting", "BooleanFunction", "VerbConjugation", "Table"]

#: Every task family by name.
FAMILIES: dict[str, type[Task]] = {cls.family: cls for cls in (PrefixSorting, VerbConjugation, BooleanFunction, Table)}


def load_task(spec: str) -> Task:
    """The task named by ``spec`` (``NAME`` or ``NAME:key=value,...``), with every parameter checked.

    >>> load_task("prefix-sorting:n=3,length=2").n_inputs
    9
    """
    name, raw = parse_spec(spec)
    if name not in FAMILIES:
        raise ParameterError(f"Unknown task '{name}'. Known tasks: {', '.join(FAMILIES)}.")
    return FAMILIES[name](**raw)
