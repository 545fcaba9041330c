"""Boolean functions: a truth table, or a named family, on ``inputs`` bits.

Inputs are the 2^m bit strings x1…xm (letters ``0``/``1``), uniform; the label is f(x). A truth
table is written as in TAOCP 7.1.2: read left to right, its bits are f(0…00), f(0…01), …,
f(1…11), so with four inputs x1 = 0x00ff, x4 = 0x5555 and x1 ∧ x2 = 0x000f.

Families: ``parity`` (odd number of ones), ``majority`` (more ones than zeros), ``threshold``
(at least ``k`` ones), ``multiplexer`` (the first s bits address one of the remaining 2^s; inputs =
s + 2^s), ``random`` (each row a fair coin from ``seed``).
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from ..errors import ParameterError
from ..params import Param
from ..seeding import rng
from ..tables import TaskTable
from ..task import Task

__all__ = ["BooleanFunction", "parse_table", "format_table"]

_MULTIPLEXER_INPUTS = {s + (1 << s): s for s in range(1, 5)}


def parse_table(text: str, inputs: int) -> np.ndarray:
    """``0x…`` (hex) or ``0b…`` (binary) → (2^inputs,) bool, row 0 first (see the module doc)."""
    rows = 1 << inputs
    base = {"0x": 16, "0b": 2}.get(text[:2].lower())
    try:
        if base is None:
            raise ValueError
        value = int(text[2:], base)
    except ValueError:
        raise ParameterError(f"The 'table' parameter of boolean must be a truth table written 0x<hex> "
                             f"or 0b<bits>. Got '{text}'.") from None
    if value >> rows:
        raise ParameterError(f"Truth table {text} has more than 2^{inputs} = {rows} bits; it does not "
                             f"fit inputs={inputs}.")
    return np.array([(value >> (rows - 1 - r)) & 1 for r in range(rows)], dtype=bool)


def format_table(bits: np.ndarray) -> str:
    """Inverse of :func:`parse_table`: hex, one digit per 4 rows (binary below 4 rows)."""
    value = int("".join("1" if b else "0" for b in bits), 2)
    if len(bits) < 4:
        return "0b" + format(value, f"0{len(bits)}b")
    return "0x" + format(value, f"0{len(bits) // 4}x")


class BooleanFunction(Task):
    family = "boolean"
    description = (
        "A Boolean function of `inputs` bits, uniform over the 2^inputs bit strings: a truth table "
        "(0x… read left to right is f(0…0), f(0…01), …) or a named family."
    )
    natural_programs = "circuits"
    parameters = (
        Param("family", str, "table", "which function",
              choices=("table", "parity", "majority", "threshold", "multiplexer", "random")),
        Param("inputs", int, 4, "number of input bits m", low=1, high=22),
        Param("table", str, "0x8ff0", "truth table, 0x<hex> or 0b<bits>, f(0…0) first",
              when=("family", ("table",))),
        Param("k", int, 2, "threshold: ones needed", low=0, when=("family", ("threshold",))),
        Param("seed", int, 0, "seed of the coin flips", low=0, when=("family", ("random",))),
    )

    def __init__(self, **values):
        super().__init__(**values)
        m, family = self.params["inputs"], self.params["family"]
        if family == "multiplexer" and m not in _MULTIPLEXER_INPUTS:
            raise ParameterError(f"A multiplexer has s + 2^s inputs ({', '.join(map(str, _MULTIPLEXER_INPUTS))}). "
                                 f"Got inputs={m}.")
        if family == "table":
            canonical = format_table(parse_table(self.params["table"], m))
            self.params = MappingProxyType({**self.params, "table": canonical})

    @property
    def truth_table(self) -> np.ndarray:
        """(2^m,) bool: f on each row, x1 the most significant bit of the row index."""
        m, family = self.params["inputs"], self.params["family"]
        rows = np.arange(1 << m)
        ones = np.array([bin(r).count("1") for r in rows])
        if family == "table":
            return parse_table(self.params["table"], m)
        if family == "parity":
            return ones % 2 == 1
        if family == "majority":
            return 2 * ones > m
        if family == "threshold":
            return ones >= self.params["k"]
        if family == "multiplexer":
            s = _MULTIPLEXER_INPUTS[m]
            address = rows >> (m - s)
            return ((rows >> ((1 << s) - 1 - address)) & 1).astype(bool)
        return rng(self.params["seed"]).integers(0, 2, 1 << m).astype(bool)

    @property
    def labels(self) -> tuple[str, ...]:
        return ("0", "1")

    @property
    def alphabet(self) -> tuple[str, ...]:
        return ("0", "1")

    @property
    def n_inputs(self) -> int:
        return 1 << self.params["inputs"]

    @property
    def total_weight(self) -> int:
        return self.n_inputs

    def _list_inputs(self) -> TaskTable:
        m = self.params["inputs"]
        rows = np.arange(1 << m)
        codes = np.array([(rows >> (m - 1 - j)) & 1 for j in range(m)], dtype=np.int16).T.copy()
        return TaskTable(codes, self.truth_table.astype(np.int64), np.ones(1 << m, dtype=np.int64))

    def _too_large_hint(self) -> str:
        return "Boolean tasks list every row; take at most 22 inputs."
