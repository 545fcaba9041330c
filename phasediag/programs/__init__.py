"""Program classes, registered by name.

A program class is a small object with ``name``, ``complexity(program)``,
``wrong_weight(task, program)`` (exact error × total weight), ``predict(task, program)``
(labels of every listed input), ``serialise(program, previous)`` / ``deserialise(obj, previous)``
(witnesses in a diagram file, each relative to the previous step's) and ``describe(program)``.
"""

from __future__ import annotations

from ..errors import ParameterError
from .rules import PrefixRules, RuleList

__all__ = ["PROGRAM_CLASSES", "load_programs", "PrefixRules", "RuleList"]

#: Every program class by name.
PROGRAM_CLASSES = {cls.name: cls for cls in (PrefixRules,)}


def load_programs(name: str):
    """The program class called ``name``."""
    if name not in PROGRAM_CLASSES:
        raise ParameterError(
            f"Unknown program class '{name}'. Known classes: {', '.join(PROGRAM_CLASSES)}."
        )
    return PROGRAM_CLASSES[name]()
