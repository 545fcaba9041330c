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
from ..tables import TaskTable, input_bits
from ..task import Task

__all__ = ["BooleanFunction", "parse_table", "format_table"]

_MULTIPLEXER_INPUTS = {s + (1 << s): s for s in range(1, 5)}
#: Most inputs of a function given by its truth table (listed: 2^22 rows).
MAX_LISTED_INPUTS = 22
#: Most inputs of a counting family (parity, majority, threshold), sampled beyond 22 by drawing.
MAX_DRAWN_INPUTS = 64
_COUNTING = ("parity", "majority", "threshold")


def table_inputs(text: str, inputs: int | None = None) -> int:
    """The number of inputs a truth table's length says: 2^m rows are m inputs (a hex digit is 4
    rows, a binary digit 1). A length other than 2^inputs (when ``inputs`` is given), or not a
    power of two, is a ParameterError."""
    base = {"0x": 16, "0b": 2}.get(text[:2].lower())
    digits = text[2:]
    if base is None or not digits or any(c.lower() not in "0123456789abcdef"[:base] for c in digits):
        raise ParameterError(f"The 'table' parameter of boolean must be truth tables written 0x<hex> or 0b<bits>, "
                             f"several separated by ';'. Got '{text}'.")
    rows = len(digits) * (4 if base == 16 else 1)
    if inputs is not None and rows != 1 << inputs:
        raise ParameterError(f"Truth table {text} has {rows} rows; it does not fit inputs={inputs} (2^{inputs} = "
                             f"{1 << inputs} rows, written out, leading zeros included).")
    if rows < 2 or rows & (rows - 1) or rows > 1 << 22:
        raise ParameterError(f"Truth table {text} has {rows} rows; a table of m inputs has 2^m rows (2 to 2^22): "
                             f"write every row (leading zeros included).")
    return rows.bit_length() - 1


def parse_table(text: str, inputs: int | None = None) -> np.ndarray:
    """``0x…`` (hex) or ``0b…`` (binary) → (2^m,) bool, row 0 first (see the module doc); m follows
    from the length, and must equal ``inputs`` when that is given."""
    m = table_inputs(text, inputs)
    value, rows = int(text[2:], 16 if text[:2].lower() == "0x" else 2), 1 << m
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
        Param("inputs", int, 4, f"number of input bits m (up to {MAX_LISTED_INPUTS} for a table or random; "
              f"parity, majority and threshold up to {MAX_DRAWN_INPUTS}, drawn, not listed, past {MAX_LISTED_INPUTS})",
              low=1, high=MAX_DRAWN_INPUTS),
        Param("table", str, "0x8ff0", "truth table, 0x<hex> or 0b<bits>, f(0…0) first; several outputs "
              "separated by ';' (inputs follow from the length)", when=("family", ("table",))),
        Param("k", int, 2, "threshold: ones needed", low=0, when=("family", ("threshold",))),
        Param("seed", int, 0, "seed of the coin flips", low=0, when=("family", ("random",))),
    )

    def __init__(self, **values):
        super().__init__(**values)
        m, family = self.params["inputs"], self.params["family"]
        if m > MAX_LISTED_INPUTS and family not in _COUNTING:
            raise ParameterError(f"boolean:family={family} lists its truth table, so it takes at most "
                                 f"{MAX_LISTED_INPUTS} inputs; parity, majority and threshold take up to "
                                 f"{MAX_DRAWN_INPUTS}. Got inputs={m}.")
        if family == "multiplexer" and m not in _MULTIPLEXER_INPUTS:
            raise ParameterError(f"A multiplexer has s + 2^s inputs ({', '.join(map(str, _MULTIPLEXER_INPUTS))}). "
                                 f"Got inputs={m}.")
        if family == "table":
            texts = [t.strip() for t in self.params["table"].split(";")]
            if not 1 <= len(texts) <= 16:
                raise ParameterError(f"The 'table' parameter of boolean takes 1 to 16 outputs separated by ';'. "
                                     f"Got {len(texts)}.")
            given = int(values["inputs"]) if "inputs" in values else None
            if "table" not in values and given is not None and given != (default := table_inputs(texts[0])):
                raise ParameterError(f"boolean:inputs={given} names no function: give table=0x… with 2^{given} = "
                                     f"{1 << given} rows, or family=random, parity, majority, threshold or "
                                     f"multiplexer (the default table {texts[0]} has {default} inputs).")
            m = table_inputs(texts[0], given)
            tables = [parse_table(t, m) for t in texts]
            canonical = ";".join(format_table(t) for t in tables)
            self.params = MappingProxyType({**self.params, "inputs": len(tables[0]).bit_length() - 1,
                                            "table": canonical})

    @property
    def truth_table(self) -> np.ndarray:
        """(2^m,) bool: f on each row, x1 the most significant bit of the row index."""
        m, family = self.params["inputs"], self.params["family"]
        rows = np.arange(1 << m)
        if family == "table":
            return parse_table(self.params["table"].split(";")[0], m)
        if family in _COUNTING:
            return self._counted(np.array([bin(r).count("1") for r in rows]))
        if family == "multiplexer":
            s = _MULTIPLEXER_INPUTS[m]
            address = rows >> (m - s)
            return ((rows >> ((1 << s) - 1 - address)) & 1).astype(bool)
        return rng(self.params["seed"]).integers(0, 2, 1 << m).astype(bool)

    @property
    def outputs(self) -> int:
        """The number of output bits (several truth tables separated by ';')."""
        return self.params["table"].count(";") + 1 if self.params["family"] == "table" else 1

    @property
    def output_bits(self) -> int:
        return self.outputs

    @property
    def labels(self) -> tuple[str, ...]:
        """Every output bit string (y1 first), so a label's index is the outputs read in binary."""
        return tuple(format(v, f"0{self.outputs}b") for v in range(1 << self.outputs))

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
        codes = input_bits(m).astype(np.int16).T.copy()
        labels = np.zeros(1 << m, dtype=np.int64)
        for text in self.params["table"].split(";") if self.params["family"] == "table" else [None]:
            labels = (labels << 1) | (self.truth_table if text is None else parse_table(text, m)).astype(np.int64)
        return TaskTable(codes, labels, np.ones(1 << m, dtype=np.int64))

    def _counted(self, ones: np.ndarray) -> np.ndarray:
        """A counting family's value on rows with ``ones`` ones."""
        family, m = self.params["family"], self.params["inputs"]
        if family == "parity":
            return ones % 2 == 1
        return 2 * ones > m if family == "majority" else ones >= self.params["k"]

    def draw(self, generator: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
        """``size`` uniform rows (with replacement) and their values: how a counting family of
        more than 22 inputs is sampled (``--data``, test samples)."""
        if self.params["family"] not in _COUNTING:
            return super().draw(generator, size)
        codes = generator.integers(0, 2, size=(size, self.params["inputs"]), dtype=np.int16)
        return codes, self._counted(codes.sum(axis=1)).astype(np.int64)

    def too_large_hint(self) -> str:
        return (f"Boolean tasks list every row up to {MAX_LISTED_INPUTS} inputs; beyond, parity, majority and "
                f"threshold are seen through a sample (--data).")
