"""Tasks: a finite input set X with a distribution μ and a target f: X → Y.

A :class:`Task` is immutable and named by its canonical spec string. Inputs are strings over the
task's alphabet (each letter one fixed-width token); the distribution is given by integer weights
(μ(x) = weight(x) / total_weight) so that every error in phasediag is an exact integer count of
wrong weight. A task that can list its inputs gives a :class:`TaskTable`; a task too large to list
may still give the exact label mass under any prefix (:meth:`Task.prefix_mass`), which is all the
affix-rule methods need.
"""

from __future__ import annotations

import string
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cache, cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .errors import ParameterError, TooLargeError
from .params import Param, format_spec, validate_params

if TYPE_CHECKING:
    from .ruledag import RuleDag
    from .trie import Trie

__all__ = ["Task", "TaskTable", "BooleanTable", "PrefixLaw", "Reversed", "alphabet", "LIST_LIMIT", "ANCHOR"]

#: Most inputs a task will list (table, trie, CSV export): 2^22.
LIST_LIMIT = 1 << 22

#: The anchor of suffix rules: the affix ``^word`` matches the whole input ``word`` only.
ANCHOR = "^"

_LETTERS = string.ascii_lowercase + string.ascii_uppercase + string.digits


@cache
def alphabet(n: int) -> tuple[str, ...]:
    """The first ``n`` letters: a–z, A–Z, 0–9 (one character each) for n ≤ 62, else two-character
    tokens ``aa, ab, ...`` (n ≤ 3844), so that every letter of an alphabet has the same width."""
    if n <= len(_LETTERS):
        return tuple(_LETTERS[:n])
    if n > len(_LETTERS) ** 2:
        raise ParameterError(f"An alphabet has at most {len(_LETTERS) ** 2} letters. Got {n}.")
    return tuple(a + b for a in _LETTERS for b in _LETTERS)[:n]


@dataclass(frozen=True, eq=False)
class TaskTable:
    """Every input of a task with its label and weight.

    ``codes`` is an (N, L) int16 array of letter indices, ``-1`` padding inputs shorter than L;
    ``labels`` (N,) label indices; ``weights`` (N,) positive integer weights.
    """

    codes: np.ndarray
    labels: np.ndarray
    weights: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True, eq=False)
class BooleanTable:
    """A task as a Boolean function of ``inputs`` bits with ``outputs`` bits out (a label index
    written in binary). Row r, with x1 the most significant bit of r, holds the label
    ``target[r]`` and the weight ``weights[r]`` of the input encoded as r; rows that encode no
    input weigh 0 (don't-cares). ``input_rows[i]`` is the row of input i of the task's table."""

    inputs: int
    outputs: int
    target: np.ndarray
    weights: np.ndarray
    input_rows: np.ndarray

    @property
    def rows(self) -> int:
        return 1 << self.inputs


@dataclass(frozen=True)
class PrefixLaw:
    """Label masses of a task with two labels and a hashed exception structure, in closed form:
    a prefix's *natural* label is the parity of its exceptional prefixes, where u·a is
    exceptional when h(u) mod n = a (h: the seeded hash of :mod:`phasediag.seeding`, h("") =
    ``root_hash``), and ``level_mass[d]`` = (weight agreeing, disagreeing) with the natural label
    under any prefix of length d."""

    n: int
    length: int
    root_hash: int
    level_mass: tuple[tuple[float, float], ...]


class Task(ABC):
    """A task family instance. Subclasses declare ``family``, ``description``, ``parameters``
    and ``natural_programs`` and implement the abstract members."""

    family: ClassVar[str]
    description: ClassVar[str]
    parameters: ClassVar[tuple[Param, ...]]
    natural_programs: ClassVar[str]

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
                f"{self.spec} has {self.n_inputs:.3g} inputs; listing them is limited to "
                f"{LIST_LIMIT:,}. {self._too_large_hint()}"
            )
        return self._list_inputs()

    def _too_large_hint(self) -> str:
        return "Choose smaller parameters."

    @cached_property
    def trie(self) -> Trie:
        """The prefix trie of all inputs (see :class:`phasediag.trie.Trie`)."""
        from .trie import Trie

        return Trie.from_table(self.table, len(self.labels))

    @cached_property
    def reversed(self) -> Reversed:
        """The task read right to left, as suffix rules read it (see :class:`Reversed`)."""
        return Reversed(self)

    def prefix_mass(self, affix: tuple[int, ...]) -> tuple[int, ...]:
        """Weight of the inputs that start with ``affix`` (letter indices), per label."""
        node = self.trie.find(affix)
        if node < 0:
            return (0,) * len(self.labels)
        return tuple(int(w) for w in self.trie.mass[node])

    def draw(self, generator: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
        """``size`` inputs drawn from μ with replacement, as (codes, label indices), for tasks too
        large to list (smaller ones are drawn from :attr:`table`). Tasks that cannot refuse."""
        raise TooLargeError(f"{self.spec} has {self.n_inputs:.3g} inputs and cannot draw a sample without "
                            f"listing them. {self._too_large_hint()}")

    def prefix_law(self) -> PrefixLaw:
        """The closed form of the label masses under every prefix, for tasks too large to list
        (the sampler scores rule lists with it). Tasks without one refuse."""
        raise TooLargeError(f"{self.spec} has {self.n_inputs:.3g} inputs and no closed form for its "
                            f"label masses, so rule lists cannot be scored on it. {self._too_large_hint()}")

    def rule_dag(self) -> RuleDag:
        """The structure the exact affix-rule DP runs on; by default built from the trie."""
        from .ruledag import rule_dag_from_trie

        return rule_dag_from_trie(self.trie)

    @cached_property
    def boolean(self) -> BooleanTable:
        """The Boolean encoding circuits run on: each letter as ceil(log2 n) bits (first letter
        first), each label index as ceil(log2 K) bits. Needs inputs of one length."""
        table = self.table
        if (table.codes < 0).any():
            raise ParameterError(f"{self.spec} has no Boolean encoding: its inputs differ in length.")
        bits = max(1, (len(self.alphabet) - 1).bit_length())
        m = bits * table.codes.shape[1]
        if (1 << m) > LIST_LIMIT:
            raise TooLargeError(f"{self.spec} needs {m} input bits as a Boolean function; circuits "
                                f"take at most {LIST_LIMIT.bit_length() - 1}.")
        rows = np.zeros(len(table), dtype=np.int64)
        for column in table.codes.T:
            rows = (rows << bits) | column
        target = np.zeros(1 << m, dtype=np.int64)
        weights = np.zeros(1 << m, dtype=np.int64)
        target[rows], weights[rows] = table.labels, table.weights
        outputs = max(1, (len(self.labels) - 1).bit_length())
        return BooleanTable(m, outputs, target, weights, rows)

    # --- strings ----------------------------------------------------------------------------
    def render(self, codes: tuple[int, ...] | np.ndarray) -> str:
        """Letter indices → string."""
        letters = self.alphabet
        return "".join(letters[c] for c in codes if c >= 0)

    @cached_property
    def _letter_index(self) -> dict[str, int]:
        return {a: i for i, a in enumerate(self.alphabet)}

    def parse_affix(self, text: str) -> tuple[int, ...]:
        """String → letter indices; an error names the first token not in the alphabet."""
        index, letters = self._letter_index, self.alphabet
        width = len(letters[0])
        tokens = [text[i : i + width] for i in range(0, len(text), width)]
        for t in tokens:
            if t not in index:
                raise ParameterError(
                    f"'{text}' is not a string over the alphabet of {self.spec} "
                    f"(letters {letters[0]}..{letters[-1]}); '{t}' is not a letter."
                )
        return tuple(index[t] for t in tokens)


class Reversed(Task):
    """A listed task read right to left: each input reversed and closed by the :data:`ANCHOR`
    letter. The suffixes of the base task's inputs are then the prefixes of this one's, and the
    anchored whole input (``^word``, stored as ``drow^``) is a prefix that no other input shares,
    so every prefix-rule method computes suffix rules on it. Labels, weights and the order of
    inputs are the base task's; affixes render and parse as suffixes (``"ir"``, ``"^être"``)."""

    description = "a task read right to left"
    parameters = ()

    def __init__(self, base: Task):
        self.base = base
        self.family = base.family
        self.params = base.params
        self.natural_programs = base.natural_programs
        width = len(base.alphabet[0])
        self._anchor = ANCHOR * width
        if self._anchor in base.alphabet:
            raise ParameterError(f"{base.spec} uses '{self._anchor}' as a letter; it is the anchor of "
                                 f"suffix rules, so suffix rules cannot read this task.")

    @property
    def spec(self) -> str:
        return f"{self.base.spec}@reversed"

    @property
    def labels(self) -> tuple[str, ...]:
        return self.base.labels

    @property
    def alphabet(self) -> tuple[str, ...]:
        return self.base.alphabet + (self._anchor,)

    @property
    def n_inputs(self) -> int:
        return self.base.n_inputs

    @property
    def total_weight(self) -> int:
        return self.base.total_weight

    @property
    def uniform(self) -> bool:
        return self.base.uniform

    def _too_large_hint(self) -> str:
        return "Suffix rules read a task right to left, which needs its inputs listed: use prefix-rules or smaller parameters."

    def _list_inputs(self) -> TaskTable:
        table = self.base.table
        codes = table.codes
        n_rows, width = codes.shape
        lengths = (codes >= 0).sum(axis=1)
        out = np.full((n_rows, width + 1), -1, dtype=np.int16)
        rows = np.arange(n_rows)
        for j in range(width):
            inside = j < lengths
            out[inside, j] = codes[rows[inside], lengths[inside] - 1 - j]
        out[rows, lengths] = len(self.base.alphabet)
        return TaskTable(out, table.labels, table.weights)

    def render(self, codes: tuple[int, ...] | np.ndarray) -> str:
        """Reversed letter indices → the suffix they stand for, ``^`` first when anchored."""
        letters = [int(c) for c in codes if c >= 0]
        anchored = bool(letters) and letters[-1] == len(self.base.alphabet)
        text = self.base.render((letters[:-1] if anchored else letters)[::-1])
        return self._anchor + text if anchored else text

    def parse_affix(self, text: str) -> tuple[int, ...]:
        """A suffix (``"ir"``, or ``"^être"`` for the whole word) → reversed letter indices."""
        anchored = text.startswith(self._anchor)
        body = self.base.parse_affix(text[len(self._anchor):] if anchored else text)
        return tuple(reversed(body)) + ((len(self.base.alphabet),) if anchored else ())
