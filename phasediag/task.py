"""Tasks: a finite input set X with a distribution μ and a target f: X → Y.

A :class:`Task` is immutable and named by its canonical spec string. Inputs are strings over the
task's alphabet (each letter one fixed-width token); the distribution is given by integer weights
(μ(x) = weight(x) / total_weight) so that every error in phasediag is an exact integer count of
wrong weight. A task that can list its inputs gives a :class:`~phasediag.tables.TaskTable`; a
task too large to list may still give the exact label mass under any prefix in closed form
(:meth:`Task.closed_form`), which is all the affix-rule methods need. What program classes read
off a task (its trie, the task read backwards, its Boolean encoding, its rule DAG) are views
outside it, in :mod:`phasediag.views`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np

from .errors import ParameterError, TooLargeError
from .params import Param, count, format_spec, validate_params
from .tables import LIST_LIMIT, TaskTable

if TYPE_CHECKING:
    from .laws import PrefixLaw
    from .ruledag import RuleDag

__all__ = ["Task", "ClosedForm"]


class ClosedForm(Protocol):
    """The exact label masses of a task under every prefix, without listing its inputs."""

    def mass(self, affix: tuple[int, ...]) -> tuple[int, ...]:
        """Weight of the inputs that start with ``affix`` (letter indices), per label."""

    def rule_dag(self) -> RuleDag:
        """The structure the exact affix-rule DP runs on."""

    def law(self) -> PrefixLaw:
        """The same masses as compiled functions the rule sampler binds (:mod:`phasediag.laws`)."""

class Task(ABC):
    """A task family instance. Subclasses declare ``family``, ``description``, ``parameters``
    and ``natural_programs`` and implement the abstract members."""

    family: ClassVar[str]
    description: ClassVar[str]
    parameters: ClassVar[tuple[Param, ...]]
    natural_programs: ClassVar[str]
    #: A spec to show in ``phasediag tasks`` (default: the family with its defaults).
    example: ClassVar[str | None] = None

    def __init__(self, **values: Any):
        raw = {k: str(v) for k, v in values.items()}
        self.params = MappingProxyType(validate_params(self.family, self.parameters, raw))

    @property
    def spec(self) -> str:
        """Canonical spec string, with every applicable parameter."""
        return format_spec(self.family, self.params)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Task) and other.spec == self.spec

    def __hash__(self) -> int:
        return hash(self.spec)

    # --- what every task says about itself ----------------------------------------------------
    @property
    @abstractmethod
    def labels(self) -> tuple[str, ...]:
        """Names of the labels Y, indexed 0..K-1."""

    @property
    def output_bits(self) -> int | None:
        """For a Boolean function, its number of outputs: each label is then the outputs' bit
        string (y1 first). None for other tasks."""
        return None

    @property
    @abstractmethod
    def alphabet(self) -> tuple[str, ...]:
        """Letter tokens, all of one width; an input is a concatenation of them."""

    @property
    @abstractmethod
    def n_inputs(self) -> int:
        """|X| (a Python int; may be astronomically large)."""

    @property
    @abstractmethod
    def total_weight(self) -> int:
        """Σ_x weight(x): the unit in which wrong counts are exact."""

    @property
    def uniform(self) -> bool:
        """True when μ is uniform, so that wrong/total are counts of inputs."""
        return True

    @abstractmethod
    def _list_inputs(self) -> TaskTable:
        """Enumerate X (called only when |X| ≤ LIST_LIMIT)."""

    # --- derived ----------------------------------------------------------------------------
    @cached_property
    def table(self) -> TaskTable:
        """All inputs with labels and weights; refused beyond :data:`LIST_LIMIT` inputs."""
        if self.n_inputs > LIST_LIMIT:
            raise TooLargeError(
                f"{self.spec} has {count(self.n_inputs)} inputs; listing them is limited to "
                f"{LIST_LIMIT:,}. {self.too_large_hint()}"
            )
        return self._list_inputs()

    def too_large_hint(self) -> str:
        return "Choose smaller parameters."

    def closed_form(self) -> ClosedForm | None:
        """The label masses under every prefix in closed form, where the family gives them
        (prefix-sorting's one-per-parent structure); None for tasks that only list their inputs."""
        return None

    def draw(self, generator: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
        """``size`` inputs drawn from μ with replacement, as (codes, label indices), for tasks too
        large to list (smaller ones are drawn from :attr:`table`). Tasks that cannot refuse."""
        raise TooLargeError(f"{self.spec} has {count(self.n_inputs)} inputs and cannot draw a sample without "
                            f"listing them. {self.too_large_hint()}")

    # --- strings ----------------------------------------------------------------------------
    def render(self, codes: tuple[int, ...] | np.ndarray) -> str:
        """Letter indices → string; letters of more than one character (alphabets of more than 62
        letters) are separated by ``.`` so that they read apart (``a0.ai``)."""
        letters = self.alphabet
        return ("" if len(letters[0]) == 1 else ".").join(letters[c] for c in codes if c >= 0)

    @cached_property
    def _letter_index(self) -> dict[str, int]:
        return {a: i for i, a in enumerate(self.alphabet)}

    def parse_affix(self, text: str) -> tuple[int, ...]:
        """String → letter indices; an error names the first token not in the alphabet."""
        index, letters = self._letter_index, self.alphabet
        width = len(letters[0])
        if width > 1 and "." in text:
            tokens = text.split(".")
        else:
            tokens = [text[i : i + width] for i in range(0, len(text), width)]
        for t in tokens:
            if t not in index:
                raise ParameterError(
                    f"'{text}' is not a string over the alphabet of {self.spec} "
                    f"(letters {letters[0]}..{letters[-1]}); '{t}' is not a letter."
                )
        return tuple(index[t] for t in tokens)
