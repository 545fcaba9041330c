"""Program classes, registered by name, each named by a spec string like a task
(``prefix-rules``, ``circuits:basis=aig``). Each class keeps the contract of
:class:`~.base.ProgramClass` and lives in its own package with its moves and exact methods;
adding one is its package, one line of :data:`PROGRAM_CLASSES` and its tests.
"""

from __future__ import annotations

from ..errors import ParameterError
from ..params import parse_spec
from .base import CAPABILITIES, Coverage, ProgramClass
from .circuits import BASES, Circuit, Circuits
from .rules import PrefixRules, RuleList, SuffixRules
from .trees import Trees

__all__ = ["PROGRAM_CLASSES", "load_programs", "ProgramClass", "Coverage", "CAPABILITIES", "PrefixRules",
           "SuffixRules", "RuleList", "Circuits", "Circuit", "BASES", "Trees"]

#: Every program class by name.
PROGRAM_CLASSES: dict[str, type[ProgramClass]] = {cls.name: cls for cls in (PrefixRules, SuffixRules, Circuits, Trees)}


def load_programs(spec: str) -> ProgramClass:
    """The program class named by ``spec`` (``NAME`` or ``NAME:key=value,...``).

    >>> load_programs("circuits:basis=aig").spec
    'circuits:basis=aig'
    """
    name, raw = parse_spec(spec)
    if name not in PROGRAM_CLASSES:
        raise ParameterError(
            f"Unknown program class '{name}'. Known classes: {', '.join(PROGRAM_CLASSES)}."
        )
    return PROGRAM_CLASSES[name](**raw)
