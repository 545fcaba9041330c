"""Plain arrays that hold a task: its listed inputs, and its Boolean encoding.

The ground floor of phasediag: every structure above (trie, rule DAG, circuits' truth tables)
is built from these, and they import nothing of phasediag but its errors.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache

import numpy as np

from .errors import ParameterError
from .jit import njit

__all__ = ["TaskTable", "BooleanTable", "LIST_LIMIT", "ANCHOR", "alphabet", "input_bit", "input_bits"]

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
    """A task as a Boolean function of ``inputs`` bits with ``outputs`` bits out, on the rows a
    circuit is evaluated on. Label k is the output code ``label_codes[k]`` (its bits, output 0
    most significant); row r holds the code ``target[r]`` and the weight ``weights[r]``, and
    ``input_rows[i]`` is the row of input i of the task's table.

    *Dense* (``columns`` None): the rows are all 2^m assignments, row r with x1 the most
    significant bit of r (:func:`input_bit`); rows that encode no input weigh 0 (don't-cares).
    *Sparse*: the rows are the task's inputs only, and ``columns[j]`` holds x_(j+1) on each, so
    a sample of a function of many inputs costs its rows, not 2^m."""

    inputs: int
    outputs: int
    target: np.ndarray
    weights: np.ndarray
    input_rows: np.ndarray
    label_codes: np.ndarray
    columns: np.ndarray | None = None

    def labels_of(self, codes: np.ndarray) -> np.ndarray:
        """The label index of each output code; −1 for a code that is no label's."""
        order = np.argsort(self.label_codes, kind="stable")
        at = np.searchsorted(self.label_codes, codes, sorter=order).clip(max=len(order) - 1)
        return np.where(self.label_codes[order[at]] == codes, order[at], -1)

    @property
    def dense(self) -> bool:
        """True when the rows are every assignment of the inputs (the truth table)."""
        return self.columns is None

    @property
    def rows(self) -> int:
        """Rows evaluated: 2^m when dense, else the task's inputs."""
        return 1 << self.inputs if self.columns is None else self.columns.shape[1]

    def input_columns(self) -> np.ndarray:
        """(m, rows) uint8: x_(j+1) on every row (:func:`input_bits` when dense)."""
        return input_bits(self.inputs) if self.columns is None else self.columns


@njit(cache=True)
def input_bit(row, j, m):
    """The value of input x_(j+1) on row ``row`` of an m-input truth table: x1 is the most
    significant bit of the row index, so row r has x_(j+1) = bit m − 1 − j of r.

    >>> [int(input_bit(0b100, j, 3)) for j in range(3)]
    [1, 0, 0]
    """
    return (row >> (m - 1 - j)) & 1


def input_bits(m: int) -> np.ndarray:
    """(m, 2^m) uint8: row j holds x_(j+1) on every row of the truth table (:func:`input_bit`).

    >>> input_bits(2).tolist()
    [[0, 0, 1, 1], [0, 1, 0, 1]]
    """
    rows = np.arange(1 << m)
    return np.array([input_bit(rows, j, m) for j in range(m)], dtype=np.uint8).reshape(m, 1 << m)
