"""Views of a task: what the program classes read off it, built on demand and kept with it.

A :class:`~phasediag.task.Task` is its inputs, weights and labels; these functions derive the
structures the methods run on — the prefix trie, the task read right to left (suffix rules), the
Boolean encoding (circuits), the rule DAG of the affix-rule DP and the label mass under a prefix —
each computed once per task object.

>>> from phasediag.tasks import load_task
>>> task = load_task("prefix-sorting:n=3,length=2")
>>> trie(task).n_nodes, prefix_mass(task, (0,))
(13, (2, 1))
"""

from __future__ import annotations

from typing import Callable, TypeVar

import numpy as np

from .errors import ParameterError, TooLargeError
from .ruledag import RuleDag, rule_dag_from_trie
from .tables import ANCHOR, LIST_LIMIT, BooleanTable, TaskTable
from .task import Task
from .trie import Trie

__all__ = ["trie", "reversed_task", "boolean_encoding", "DENSE_INPUTS", "rule_dag", "prefix_mass", "kept", "Reversed"]

T = TypeVar("T")


def kept(task: Task, name: str, build: Callable[[], T]) -> T:
    """``build()``, computed once per task object and kept with it."""
    views = task.__dict__.setdefault("_views", {})
    if name not in views:
        views[name] = build()
    return views[name]


def hand_on(task: Task, name: str, value) -> None:
    """Keep ``value`` with ``task`` until :func:`take` takes it: a large intermediate that one
    computation passes to the next, held no longer than that."""
    task.__dict__.setdefault("_views", {})[name] = value


def take(task: Task, name: str):
    """What :func:`hand_on` kept with ``task`` under ``name``, no longer kept (None if nothing)."""
    return task.__dict__.get("_views", {}).pop(name, None)


def trie(task: Task) -> Trie:
    """The prefix trie of all inputs of ``task`` (see :class:`~phasediag.trie.Trie`)."""
    return kept(task, "trie", lambda: Trie.from_table(task.table, len(task.labels)))


def reversed_task(task: Task) -> Reversed:
    """``task`` read right to left, as suffix rules read it (see :class:`Reversed`)."""
    return kept(task, "reversed", lambda: Reversed(task))


def prefix_mass(task: Task, affix: tuple[int, ...]) -> tuple[int, ...]:
    """Weight of the inputs of ``task`` that start with ``affix`` (letter indices), per label:
    from the task's closed form where it has one, else from its trie."""
    closed = task.closed_form()
    if closed is not None:
        return closed.mass(affix)
    t = trie(task)
    node = t.find(affix)
    if node < 0:
        return (0,) * len(task.labels)
    return tuple(int(w) for w in t.mass[node])


def rule_dag(task: Task) -> RuleDag:
    """The structure the exact affix-rule DP runs on: the closed form's where the task has one,
    else the trie with its repeated subtrees shared."""
    def build() -> RuleDag:
        closed = task.closed_form()
        return closed.rule_dag() if closed is not None else rule_dag_from_trie(trie(task))

    return kept(task, "rule_dag", build)


def boolean_encoding(task: Task) -> BooleanTable:
    """The Boolean encoding circuits run on: each letter as ceil(log2 n) bits (first letter
    first), each label index as ceil(log2 K) bits, or, for a Boolean function, each label as the
    outputs it names. Needs inputs of one length. Dense (every row of the truth table) up to
    :data:`DENSE_INPUTS` bits, and beyond where the task lists at least 1/64 of the 2^m rows and
    they can be listed; else sparse (the task's inputs only)."""
    return kept(task, "boolean", lambda: _encode(task))


#: Up to this many input bits the Boolean encoding is always the whole truth table.
DENSE_INPUTS = 16
#: Most input bits a sparse encoding takes (a circuit's inputs are nodes of its genotype).
MAX_SPARSE_INPUTS = 4096


def _encode(task: Task) -> BooleanTable:
    table = task.table
    if (table.codes < 0).any():
        raise ParameterError(f"{task.spec} has no Boolean encoding: its inputs differ in length.")
    bits = max(1, (len(task.alphabet) - 1).bit_length())
    m = bits * table.codes.shape[1]
    if task.output_bits is not None:  # a Boolean function: each label is its outputs' bit string
        outputs, codes = task.output_bits, np.array([int(y, 2) for y in task.labels], dtype=np.int64)
    else:
        outputs, codes = max(1, (len(task.labels) - 1).bit_length()), np.arange(len(task.labels), dtype=np.int64)
    if m <= DENSE_INPUTS or (1 << m) <= min(LIST_LIMIT, 64 * len(table)):
        rows = np.zeros(len(table), dtype=np.int64)
        for column in table.codes.T:
            rows = (rows << bits) | column
        target = np.zeros(1 << m, dtype=np.int64)
        weights = np.zeros(1 << m, dtype=np.int64)
        target[rows], weights[rows] = codes[table.labels], table.weights
        return BooleanTable(m, outputs, target, weights, rows, codes)
    if m > MAX_SPARSE_INPUTS:
        raise TooLargeError(f"{task.spec} needs {m:,} input bits as a Boolean function; circuits take at most "
                            f"{MAX_SPARSE_INPUTS:,}.")
    shifts = np.arange(bits - 1, -1, -1, dtype=np.int16)
    columns = ((table.codes.T[:, None, :] >> shifts[None, :, None]) & 1).reshape(m, len(table)).astype(np.uint8)
    return BooleanTable(m, outputs, codes[table.labels], np.asarray(table.weights, dtype=np.int64),
                        np.arange(len(table)), codes, columns)


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

    def too_large_hint(self) -> str:
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
