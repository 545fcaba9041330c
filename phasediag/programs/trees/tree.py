"""Decision trees and the tests they split on.

A :class:`Condition` asks "is the letter at ``position`` equal to ``letter``?": positions count from
1 at the start of an input or from −1 at its end (−1 is the last letter), and an input too
short to have the position fails the test. On a Boolean task (letters ``0``/``1``) the test
``x3`` is "input bit 3 is 1". A tree is a :class:`Leaf` (a label) or a :class:`Split` (a test,
the subtree of inputs that fail it, the subtree of those that pass). Its complexity is its
number of splits, so a constant costs 0, like a rule list's default.

:func:`conditions_of` lists the distinct useful tests of a listed task as columns of a Boolean
matrix over its inputs (a test and its complement split alike, so only one of them is kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import numpy as np

from ... import views
from ...errors import FileFormatError
from ...task import Task

__all__ = ["Condition", "Leaf", "Split", "Tree", "ConditionTable", "conditions_of", "splits", "leaves", "reached", "evaluate"]


@dataclass(frozen=True)
class Condition:
    """Letter ``letter`` (a token of the task's alphabet) at ``position`` (1-based from the start,
    or −1-based from the end)."""

    position: int
    letter: str

    def written(self) -> str:
        """``x3`` for letter ``1`` at position 3 (on Boolean tasks: bit 3 is 1), else ``[2]=a`` or
        ``[-1]=r`` (the last letter is r)."""
        if self.position > 0 and self.letter == "1":
            return f"x{self.position}"
        return f"[{self.position}]={self.letter}"

    @classmethod
    def read(cls, text: str) -> Condition:
        """Inverse of :meth:`written`."""
        try:
            if text.startswith("x"):
                return cls(int(text[1:]), "1")
            if text.startswith("[") and "]=" in text:
                position, letter = text[1:].split("]=", 1)
                if letter and int(position) != 0:
                    return cls(int(position), letter)
        except ValueError:
            pass
        raise FileFormatError(f"A tree test is written x<bit> or [<position>]=<letter>; got {text!r}.")


@dataclass(frozen=True)
class Leaf:
    """A leaf: every input that reaches it takes ``label`` (a label name)."""

    label: str


@dataclass(frozen=True)
class Split:
    """A split: inputs that fail ``test`` go to ``fail``, the others to ``passed``."""

    test: Condition
    fail: Tree
    passed: Tree


Tree = Union[Leaf, Split]


def splits(tree: Tree) -> int:
    """The number of splits of ``tree``: its complexity."""
    return 0 if isinstance(tree, Leaf) else 1 + splits(tree.fail) + splits(tree.passed)


def leaves(tree: Tree, path: tuple = ()) -> list[tuple[tuple[tuple[Condition, bool], ...], str]]:
    """Every leaf with its path: ((test, passed?), ...) from the root, and its label."""
    if isinstance(tree, Leaf):
        return [(path, tree.label)]
    return leaves(tree.fail, path + ((tree.test, False),)) + leaves(tree.passed, path + ((tree.test, True),))


def _column(task: Task, codes: np.ndarray, test: Condition) -> np.ndarray:
    """Which inputs (rows of ``codes``) pass ``test``; a letter the task lacks passes nowhere."""
    index = {a: i for i, a in enumerate(task.alphabet)}
    letter = index.get(test.letter, -2)
    if test.position > 0:
        if test.position > codes.shape[1]:
            return np.zeros(len(codes), dtype=bool)
        return codes[:, test.position - 1] == letter
    lengths = (codes >= 0).sum(axis=1)
    at = lengths + test.position
    ok = at >= 0
    out = np.zeros(len(codes), dtype=bool)
    out[ok] = codes[np.flatnonzero(ok), at[ok]] == letter
    return out


def reached(task: Task, tree: Tree, codes: np.ndarray | None = None) -> np.ndarray:
    """The index, in :func:`leaves` order, of the leaf each input reaches (rows of ``codes``,
    default ``task.table.codes``)."""
    codes = task.table.codes if codes is None else codes
    out = np.zeros(len(codes), dtype=np.int64)

    def walk(node: Tree, rows: np.ndarray, first: int) -> int:
        """Number the leaves under ``node`` from ``first``; returns the next number."""
        if isinstance(node, Leaf):
            out[rows] = first
            return first + 1
        passed = _column(task, codes[rows], node.test)
        return walk(node.passed, rows[passed], walk(node.fail, rows[~passed], first))

    walk(tree, np.arange(len(codes)), 0)
    return out


def evaluate(task: Task, tree: Tree, codes: np.ndarray | None = None) -> np.ndarray:
    """The label index ``tree`` gives each input (rows of ``codes``, default ``task.table.codes``);
    a label the task does not have gives -1 (always wrong)."""
    index = {y: i for i, y in enumerate(task.labels)}
    labels = np.array([index.get(label, -1) for _, label in leaves(tree)], dtype=np.int64)
    return labels[reached(task, tree, codes)]


@dataclass(frozen=True, eq=False)
class ConditionTable:
    """The distinct useful conditions of a listed task: ``passes[i, f]`` says whether input i
    passes ``conditions[f]``. Columns that split no input, and a column equal to another or to its
    complement, are left out."""

    conditions: tuple[Condition, ...]
    passes: np.ndarray

    def __len__(self) -> int:
        return len(self.conditions)


def conditions_of(task: Task) -> ConditionTable:
    """The tests trees may split on for ``task``: every (position, letter) present in its inputs,
    positions from the start, and also from the end when inputs differ in length (kept with the
    task)."""
    def build() -> ConditionTable:
        codes = task.table.codes
        width = codes.shape[1]
        ragged = bool((codes < 0).any())
        positions = list(range(1, width + 1)) + (list(range(-1, -width - 1, -1)) if ragged else [])
        binary = tuple(task.alphabet) == ("0", "1")
        tests, columns, seen = [], [], set()
        letters = task.alphabet[::-1] if binary else task.alphabet  # x3 (= 1) rather than its complement
        for p in positions:
            for letter in letters:
                column = _column(task, codes, Condition(p, letter))
                if column.all() or not column.any():
                    continue
                canonical = (column if not column[0] else ~column).tobytes()
                if canonical in seen:
                    continue
                seen.add(canonical)
                tests.append(Condition(p, letter))
                columns.append(column)
        passes = np.array(columns, dtype=bool).T if columns else np.zeros((len(codes), 0), dtype=bool)
        return ConditionTable(tuple(tests), passes)

    return views.kept(task, "tree_tests", build)
