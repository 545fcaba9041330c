"""Fan-in-2 Boolean circuits, counted in gates.

A circuit over m inputs x1..xm has nodes 0..m-1 (the inputs) and m+i (gate i). Gate i applies a
two-input function ``op`` to earlier nodes a ≤ b; ``op`` is its 4-bit truth table, bit 2·u+v
holding op(u, v), so AND = 0b1000 = 8, XOR = 6, OR = 14. A unary NOT is op 3 with a = b. Each
output bit is a node (or -1, the constant 0), possibly complemented.

Bases (DESIGN.md §1), all with inputs, constants and the choice of output node free:

- ``b2``: all ten non-trivial two-input gates; complementing an output is free, so a function
  and its complement cost the same (Knuth's census, TAOCP 7.1.2).
- ``aig``: AND with free negation of its inputs and output, i.e. every gate of b2 but XOR/XNOR.
- ``and-or-not``: AND, OR and NOT gates, each one gate; no free negation anywhere.

Rows of a truth table are numbered so that x1 is the most significant bit of the row index
(:func:`phasediag.tables.input_bit`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...jit import njit
from ...tables import input_bits

__all__ = ["Basis", "BASES", "Circuit", "OP_NAMES", "OPS_BY_NAME", "EXPRESSIONS", "input_tables",
           "ordered_gate", "negate_operands", "gate_word", "packed_words", "table_gate", "table_of"]

#: Readable names of gate functions (op → name); a unary NOT is op 3 with both operands equal.
OP_NAMES = {1: "NOR", 2: "NOTAND", 3: "NOT", 4: "ANDNOT", 6: "XOR", 7: "NAND", 8: "AND",
            9: "XNOR", 11: "NOTOR", 13: "ORNOT", 14: "OR"}
OPS_BY_NAME = {name: op for op, name in OP_NAMES.items()}
#: Each op as an expression in its operands.
EXPRESSIONS = {1: "~({a} | {b})", 2: "~{a} & {b}", 3: "~{a}", 4: "{a} & ~{b}", 6: "{a} ^ {b}",
                7: "~({a} & {b})", 8: "{a} & {b}", 9: "~({a} ^ {b})", 11: "~{a} | {b}",
                13: "{a} | ~{b}", 14: "{a} | {b}"}


@dataclass(frozen=True)
class Basis:
    """A gate basis: the two-input ``ops`` a gate may apply, whether NOT is a gate, and whether
    complementing an output (hence, by pushing negations, any wire) is free."""

    name: str
    ops: tuple[int, ...]
    unary_not: bool
    free_complement: bool
    description: str

    @property
    def normal_ops(self) -> tuple[int, ...]:
        """The ops with op(0, 0) = 0 (with free complements every gate can be made one of them),
        plus NOT where it is a gate."""
        if self.free_complement:
            return tuple(op for op in self.ops if not op & 1)
        return self.ops + ((3,) if self.unary_not else ())


BASES = {b.name: b for b in (
    Basis("b2", (1, 2, 4, 6, 7, 8, 9, 11, 13, 14), False, True,
          "all 16 two-input gates (trivial ones never help); outputs complemented for free"),
    Basis("aig", (1, 2, 4, 7, 8, 11, 13, 14), False, True,
          "AND gates with free negation of inputs and outputs (every b2 gate but XOR/XNOR)"),
    Basis("and-or-not", (8, 14), True, False, "AND, OR and NOT gates, one each; no free negation"),
)}


#: Rows evaluated at once by :meth:`Circuit.output_tables` on given rows.
OUTPUT_CHUNK = 1 << 14


def input_tables(m: int) -> np.ndarray:
    """(m, 2^m) bool: the value of x_j on each row (x1 is the most significant bit)."""
    return input_bits(m).astype(bool)


def ordered_gate(op: int, a: int, b: int) -> tuple[int, int, int]:
    """The same gate with its operands in order (a ≤ b): op(u, v) becomes op'(v, u)."""
    return (op, a, b) if a <= b else (_SWAPPED[op], b, a)


_SWAPPED = [sum(((op >> (2 * u + v)) & 1) << (2 * v + u) for u in (0, 1) for v in (0, 1)) for op in range(16)]


def negate_operands(op: int, first: bool, second: bool) -> int:
    """The op that reads its first and/or second operand complemented:
    op'(u, v) = op(u ^ first, v ^ second)."""
    return _NEGATED[op][int(first)][int(second)]


_NEGATED = [[[sum(((op >> (2 * (u ^ first) + (v ^ second))) & 1) << (2 * u + v) for u in (0, 1) for v in (0, 1))
              for second in (0, 1)] for first in (0, 1)] for op in range(16)]


@njit(cache=True, inline="always")
def gate_word(op, x, y):
    """Gate ``op`` (bit 2u+v of op = op(u, v)) bitwise on words x, y of truth-table bits, in their
    integer type: the kernel the enumerator and the circuit sampler share."""
    out = x ^ x
    if op & 1:
        out |= ~x & ~y
    if op & 2:
        out |= ~x & y
    if op & 4:
        out |= x & ~y
    if op & 8:
        out |= x & y
    return out


def table_gate(op: int, x: int, y: int, full: int) -> int:
    """Gate ``op`` on truth tables x, y held as non-negative Python integers over the rows of
    ``full``: :func:`gate_word` without complements of unbounded integers (each a slow
    two's-complement copy), as the union, over the operand values (u, v) where op is 1, of the
    rows where (x, y) = (u, v)."""
    if op == 8:
        return x & y
    if op == 6:
        return x ^ y
    if op == 14:
        return x | y
    both = x & y
    if op == 2:
        return y ^ both
    if op == 4:
        return x ^ both
    parts = (full ^ (x | y), y ^ both, x ^ both, both)  # rows where (x, y) = 00, 01, 10, 11
    out = 0
    for k in range(4):
        if op >> k & 1:
            out |= parts[k]
    return out


def table_of(values: np.ndarray) -> int:
    """A (rows,) bool or 0/1 array of row values as a table integer (bit r = row r)."""
    return int.from_bytes(np.packbits(values.astype(np.uint8), bitorder="little").tobytes(), "little")


@njit(cache=True)
def _evaluate(gates: np.ndarray, values: np.ndarray) -> None:
    """Fills the gates' rows of ``values`` ((nodes, rows) bool, the inputs' rows given) from
    ``gates`` ((g, 3): op, a, b)."""
    inputs = len(values) - len(gates)
    for i in range(len(gates)):
        op, a, b = gates[i, 0], gates[i, 1], gates[i, 2]
        for r in range(values.shape[1]):
            values[inputs + i, r] = (op >> (2 * values[a, r] + values[b, r])) & 1


@njit(cache=True)
def _evaluate_words(gates: np.ndarray, words: np.ndarray, within: np.ndarray) -> None:
    """Fills the gates' rows of ``words`` ((nodes, w) uint64, the inputs' rows given) from
    ``gates`` ((g, 3): op, a, b), each word masked by ``within`` (the padding bits 0)."""
    inputs = len(words) - len(gates)
    for i in range(len(gates)):
        op, a, b = gates[i, 0], gates[i, 1], gates[i, 2]
        for w in range(words.shape[1]):
            words[inputs + i, w] = gate_word(op, words[a, w], words[b, w]) & within[w]


def packed_words(bits: np.ndarray) -> np.ndarray:
    """``bits`` (..., rows) bool as (..., words) uint64, row r bit r % 64 of word r // 64 (the
    padding bits 0)."""
    packed = np.packbits(bits, axis=-1, bitorder="little")
    pad = -packed.shape[-1] % 8
    if pad:
        packed = np.concatenate([packed, np.zeros(packed.shape[:-1] + (pad,), dtype=np.uint8)], axis=-1)
    return np.ascontiguousarray(packed).view(np.uint64)


@dataclass(frozen=True)
class Circuit:
    """A fan-in-2 circuit: ``gates[i] = (op, a, b)`` is node ``inputs + i``; ``outputs[j]`` is
    the node of output bit j (-1: constant 0), complemented when ``negated[j]``."""

    inputs: int
    gates: tuple[tuple[int, int, int], ...]
    outputs: tuple[int, ...]
    negated: tuple[bool, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "gates", tuple(tuple(int(v) for v in g) for g in self.gates))
        object.__setattr__(self, "outputs", tuple(int(o) for o in self.outputs))
        object.__setattr__(self, "negated", tuple(bool(n) for n in self.negated))
        for i, (op, a, b) in enumerate(self.gates):
            if not (0 <= op < 16 and 0 <= a <= b < self.inputs + i):
                raise ValueError(f"gate {i} = {(op, a, b)} is not a gate over earlier nodes")
        if len(self.outputs) != len(self.negated) or not self.outputs:
            raise ValueError("a circuit needs one negation flag per output, and an output")
        if not all(-1 <= o < self.inputs + len(self.gates) for o in self.outputs):
            raise ValueError(f"outputs {self.outputs} name missing nodes")

    def __len__(self) -> int:
        return len(self.gates)

    def node_tables(self, columns: np.ndarray | None = None) -> np.ndarray:
        """(nodes, rows) bool: every node's value on every row, the rows being the truth table's
        2^m, or those whose inputs ``columns`` gives ((m, rows): x_(j+1) on each row)."""
        inputs = input_tables(self.inputs) if columns is None else columns.astype(bool)
        values = np.empty((self.inputs + len(self.gates), inputs.shape[1]), dtype=bool)
        values[: self.inputs] = inputs
        _evaluate(np.array(self.gates, dtype=np.int64).reshape(-1, 3), values)
        return values

    def node_words(self, columns: np.ndarray | None = None) -> np.ndarray:
        """(nodes, words) uint64: every node's values on every row (rows as in :meth:`node_tables`),
        as :func:`packed_words`: the circuit evaluated bit-parallel."""
        return self._words_on(input_tables(self.inputs) if columns is None else columns.astype(bool))

    def _words_on(self, inputs: np.ndarray) -> np.ndarray:
        """:meth:`node_words` on the rows whose inputs ``inputs`` (m, rows) gives."""
        within = packed_words(np.ones(inputs.shape[1], dtype=bool))
        words = np.empty((self.inputs + len(self.gates), len(within)), dtype=np.uint64)
        words[: self.inputs] = packed_words(inputs)
        _evaluate_words(np.array(self.gates, dtype=np.int64).reshape(-1, 3), words, within)
        return words

    def output_tables(self, columns: np.ndarray | None = None) -> np.ndarray:
        """(outputs, rows) bool: the circuit's outputs on every row (rows as in :meth:`node_tables`),
        bit-parallel, OUTPUT_CHUNK rows at a time (memory: gates × OUTPUT_CHUNK bits)."""
        inputs = input_tables(self.inputs) if columns is None else columns.astype(bool)
        out = np.zeros((len(self.outputs), inputs.shape[1]), dtype=bool)
        for start in range(0, inputs.shape[1], OUTPUT_CHUNK):
            chunk = inputs[:, start : start + OUTPUT_CHUNK]
            words = self._words_on(chunk)
            for j, node in enumerate(self.outputs):
                if node >= 0:
                    out[j, start : start + chunk.shape[1]] = np.unpackbits(words[node].view(np.uint8), count=chunk.shape[1],
                                                                           bitorder="little")
        return out ^ np.array(self.negated, dtype=bool)[:, None]

    def output_codes(self, columns: np.ndarray | None = None) -> np.ndarray:
        """(rows,) int64: the outputs read as one binary number per row (output 0 most
        significant; rows as in :meth:`node_tables`)."""
        tables = self.output_tables(columns)
        codes = np.zeros(tables.shape[1], dtype=np.int64)
        for bits in tables:
            codes = (codes << 1) | bits
        return codes

    # --- text -------------------------------------------------------------------------------
    def node_name(self, node: int) -> str:
        if node < 0:
            return "0"
        return f"x{node + 1}" if node < self.inputs else f"g{node - self.inputs + 1}"

    def lines(self) -> list[str]:
        """``g1 = x1 ^ x2`` per gate, then ``y = ~g3`` per output (y1, y2, ... if several)."""
        out = []
        for i, (op, a, b) in enumerate(self.gates):
            out.append(f"g{i + 1} = " + EXPRESSIONS[op].format(a=self.node_name(a), b=self.node_name(b)))
        many = len(self.outputs) > 1
        for j, (node, neg) in enumerate(zip(self.outputs, self.negated)):
            name = f"y{j + 1}" if many else "y"
            out.append(f"{name} = {'~' if neg else ''}{self.node_name(node)}" if node >= 0
                       else f"{name} = {int(neg)}")
        return out
