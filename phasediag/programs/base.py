"""The contract every program class keeps.

A program class is a set of programs p: X → Y with an integer complexity c(p), named by a spec
string like a task (``prefix-rules``, ``circuits:basis=aig``). Everything outside a class's own
package reaches it through :class:`ProgramClass` alone: required members (complexity, exact
error, predictions, serialisation, description, the sampler's kernel, the exact methods it
implements) and optional *capabilities* that a caller asks for by name (:attr:`capabilities`)
rather than by testing the concrete class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping, Sequence

import numpy as np

from ..errors import ParameterError
from ..params import Param, format_spec, validate_params
from ..tables import LIST_LIMIT

if TYPE_CHECKING:
    from ..diagram import PhaseDiagram
    from ..sampling.kernel import SamplerKernel
    from ..task import Task

__all__ = ["ProgramClass", "ExactMethod", "Coverage", "CAPABILITIES"]

#: ``f(task, programs, *, eps, max_complexity, progress, **options) -> PhaseDiagram``.
ExactMethod = Callable[..., "PhaseDiagram"]

#: Optional capabilities, each a method of the same name:
#: ``coverage(task, program)`` — per rule or leaf, the inputs it decides (general vs memorised);
#: ``draw(program, path, title)`` — a picture of one program;
#: ``exact_density(task)`` — the exact density of states ln g(c, ε) of the class on a listed task.
#: ``export(program, path)`` — the program written to a file the field reads, in one of
#: ``export_formats`` (file suffixes).
CAPABILITIES = ("coverage", "draw", "exact_density", "export")
_CAPABILITY_NAMES = {"coverage": "coverage of each rule", "draw": "drawing of a program",
                     "exact_density": "exact density of states", "export": "export of a program to a file"}


@dataclass(frozen=True)
class Coverage:
    """One rule (or leaf) of a program and the inputs it decides: ``inputs`` (count) and
    ``weight`` (their total weight). A rule deciding a single input memorises it; one deciding
    more is general."""

    rule: str
    label: str
    inputs: int
    weight: float

    @property
    def role(self) -> str:
        return "default" if self.rule == "default" else "memorised" if self.inputs <= 1 else "general"


class ProgramClass(ABC):
    """A program class (see the module docstring). Subclasses declare ``name``, ``unit``,
    ``parameters``, ``exact_methods`` and ``capabilities`` and implement the abstract members."""

    #: The class's name, the first part of its spec.
    name: ClassVar[str]
    #: What one unit of complexity is, in plural ("rules", "gates").
    unit: ClassVar[str]
    #: Its parameters (a spec ``name:key=value,...`` sets them).
    parameters: ClassVar[tuple[Param, ...]] = ()
    #: The exact methods it implements, by method name (see :mod:`phasediag.methods`).
    exact_methods: ClassVar[Mapping[str, ExactMethod]] = {}
    #: The optional capabilities it has (a subset of :data:`CAPABILITIES`).
    capabilities: ClassVar[frozenset[str]] = frozenset()
    #: The file suffixes :meth:`export` writes.
    export_formats: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **values: Any):
        self.params = validate_params(self.name, self.parameters, {k: str(v) for k, v in values.items()})

    @property
    def spec(self) -> str:
        """The canonical spec string, every parameter included."""
        return format_spec(self.name, self.params)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProgramClass) and other.spec == self.spec

    def __hash__(self) -> int:
        return hash(self.spec)

    # --- required -------------------------------------------------------------------------------
    @abstractmethod
    def complexity(self, program) -> int:
        """c(p), in :attr:`unit`."""

    @abstractmethod
    def wrong_weights(self, task: Task, programs: Sequence) -> list[int]:
        """Exact wrong weight of each program on ``task`` (population error × total weight)."""

    def wrong_weight(self, task: Task, program) -> int:
        """Exact wrong weight of one program on ``task``."""
        return self.wrong_weights(task, [program])[0]

    @abstractmethod
    def predict(self, task: Task, program) -> np.ndarray:
        """The label index ``program`` gives each input of ``task.table``."""

    @abstractmethod
    def serialise(self, program, previous=None) -> dict:
        """A program as JSON, possibly as its change from ``previous`` (the step before)."""

    @abstractmethod
    def deserialise(self, obj: object, previous=None):
        """Inverse of :meth:`serialise`; a malformed object raises FileFormatError."""

    def reader(self, previous=None) -> Callable[[object], Any]:
        """A function reading the witnesses of one diagram in order (each may be written as its
        change from the one before; ``previous`` is the one before the first)."""
        last = [previous]

        def read(obj: object):
            last[0] = self.deserialise(obj, last[0])
            return last[0]

        return read

    @abstractmethod
    def describe(self, program) -> list[str]:
        """Readable lines, one per rule or gate."""

    @abstractmethod
    def sampler(self, task: Task, capacity: int | None = None) -> SamplerKernel:
        """The tempered sampler's kernel for ``task``, programs of complexity ≤ ``capacity``."""

    @abstractmethod
    def fastest_exact(self, task: Task) -> str:
        """The name of the fastest exact method for ``task`` (a key of :attr:`exact_methods`)."""

    # --- optional capabilities --------------------------------------------------------------------
    def has(self, capability: str) -> bool:
        """Whether this class has the optional ``capability`` (see :data:`CAPABILITIES`)."""
        return capability in self.capabilities

    def covers(self, task: Task) -> bool:
        """Whether :meth:`coverage` works on ``task``: the class has it and the task lists its inputs."""
        return self.has("coverage") and task.n_inputs <= LIST_LIMIT

    def _lacks(self, capability: str) -> ParameterError:
        return ParameterError(f"The {_CAPABILITY_NAMES[capability]} is given by the program classes that have "
                              f"it (programs.has({capability!r})), not {self.name}.")

    def coverage(self, task: Task, program) -> list:
        """Per rule or leaf, the inputs it decides and their weight (:class:`Coverage`)."""
        raise self._lacks("coverage")

    def draw(self, program, path, title: str = ""):
        """Draw one program to ``path`` (an image file)."""
        raise self._lacks("draw")

    def exact_density(self, task: Task):
        """The exact density of states of the class on a listed ``task``."""
        raise self._lacks("exact_density")

    def export(self, program, path) -> None:
        """Write one program to ``path`` in the format its suffix names (:attr:`export_formats`)."""
        raise self._lacks("export")

    def correct_program(self, task: Task, deadline: float | None = None):
        """A program with no wrong weight on ``task`` built at once, without search (closing a
        front whose search stopped short of error 0), or None when the class has no construction.
        Past ``deadline`` (a :func:`time.perf_counter` time) the class stops improving it."""
        return None

    def resynthesised(self, task: Task, program, deadline: float | None = None, seed: int = 0,
                      cores: int | None = None):
        """A program no more complex than ``program`` and, like it, with no wrong weight on
        ``task``, found by restructuring that keeps what it computes, until ``deadline`` (a
        :func:`time.perf_counter` time), on ``cores`` cores (default: all Numba may use);
        ``program`` itself where the class has none."""
        return program

    def resynthesises(self, task: Task, program) -> bool:
        """Whether :meth:`resynthesised` restructures ``program`` on ``task`` (rather than
        returning it as it is)."""
        return False

    def lower_bound(self, task: Task, wrong: int) -> int:
        """A proved lower bound on the complexity of every program with wrong weight ≤ ``wrong``
        on ``task`` (0 where the class knows none)."""
        return 0

    def roles(self, task: Task, program) -> tuple[int, int]:
        """(general, memorised): how many rules decide several inputs, and how many one (or none)."""
        roles = [c.role for c in self.coverage(task, program)]
        return roles.count("general"), roles.count("memorised")
