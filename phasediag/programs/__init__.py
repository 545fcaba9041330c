"""Program classes, registered by name, each named by a spec string like a task
(``prefix-rules``, ``circuits:basis=aig``).

A program class is a small object with ``name``, ``spec``, ``parameters``,
``complexity(program)``, ``wrong_weight(task, program)`` (exact error × total weight),
``predict(task, program)`` (labels of every listed input), ``serialise(program, previous)`` /
``deserialise(obj, previous)`` (witnesses in a diagram file, each may be written relative to the
previous step's) and ``describe(program)`` (readable lines).
"""

from __future__ import annotations

from ..errors import ParameterError
from ..params import parse_spec
from .circuits import BASES, Circuit, Circuits
from .rules import PrefixRules, RuleList, SuffixRules

__all__ = ["PROGRAM_CLASSES", "load_programs", "PrefixRules", "SuffixRules", "RuleList", "Circuits", "Circuit", "BASES"]

#: Every program class by name.
PROGRAM_CLASSES = {cls.name: cls for cls in (PrefixRules, SuffixRules, Circuits)}


def load_programs(spec: str):
    """The program class named by ``spec`` (``NAME`` or ``NAME:key=value,...``).

    >>> load_programs("circuits:basis=aig").basis.name
    'aig'
    """
    name, raw = parse_spec(spec)
    if name not in PROGRAM_CLASSES:
        raise ParameterError(
            f"Unknown program class '{name}'. Known classes: {', '.join(PROGRAM_CLASSES)}."
        )
    return PROGRAM_CLASSES[name](**raw)
