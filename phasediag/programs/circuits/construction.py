"""Correct circuits at once: constructive synthesis of a whole truth table, then rewriting.

Functions are truth tables as Python integers of 2^m bits (bit r = value on row r, x1 the most
significant bit of r), so one table of up to 2^22 rows is one integer and a cofactor is a few
shifts. A *care* set (same form) marks the rows that count; the others are don't-cares.

- :class:`Builder` adds gates over a basis with *functional hashing*: a gate whose function (or,
  where complements are free, its complement) is already a node is not added again. XOR in
  ``aig`` is three ANDs; a complemented operand in ``and-or-not`` is a NOT gate.
- :func:`construct` synthesises every output by Shannon expansion, f = x·f₁ + x̄·f₀ (one gate when
  a cofactor is constant or, in b2, the complement of the other; else three), or Davio expansion,
  f = f₀ ⊕ x·(f₀ ⊕ f₁) (two gates in b2, four in aig), down to sub-functions of at most four
  variables, which are built from the exact four-input library (:func:`.enumeration.cost_table`).
  The variable and the expansion are chosen by a memoised estimate of the tree size over every
  order (up to :data:`ORDER_SEARCH_INPUTS` inputs), else greedily (Shannon only).
- Or it writes every output as an irredundant sum of products and extracts the divisors (cubes
  of two literals, sums of two cubes) that save most gates across all outputs, one at a time
  (:func:`extract`, as SIS's and ABC's ``fx``): the construction that shares logic between
  outputs of two-level (PLA) functions.
- Where every output is *totally symmetric* (its value depends only on the number c of inputs
  that are 1), :func:`construct` also builds it over the inputs' count: ``"count"`` adds the
  inputs up in binary by a carry-save tree of full and half adders (a full adder is 5 gates in b2,
  7 ANDs in aig) and takes each output from the library as a function of c's ≤ 4 bits; ``"sort"``
  sorts the inputs by Batcher's odd–even merge network (a comparator is an AND and an OR), whose
  k-th output is [c ≥ k], and ORs the intervals of c where the output is 1.
- Where the outputs are the bits of c + Σ w_i·x_i mod 2^K (:func:`linear_form`: adders,
  subtractors, multiplications by constants), ``"sum"`` puts each input in the columns of its
  weight's signed digits (complemented for a −1: −2^p·x = 2^p·x̄ − 2^p) and adds the columns up by
  the same carry-save tree; also as s·k for small odd k, s the sum with weights w_i/k mod 2^K
  ((a + b)·7: a + b first), the smallest kept.
- :func:`rewrite` improves a circuit by DAG-aware cut rewriting and resubstitution: each gate,
  in order, is rebuilt through the library's circuit of a cut of at most four nodes below it, or
  as one gate over two nodes already built, when the gates only its cone uses (its maximum
  fanout-free cone) outnumber the gates the rebuild adds (nodes already built are reused).
"""

from __future__ import annotations

import itertools
import math
from functools import cache, lru_cache
from time import perf_counter

import numpy as np

from ...jit import njit
from .circuit import BASES, Basis, Circuit, negate_operands, ordered_gate, table_gate, table_of
from .enumeration import cost_table

__all__ = ["Builder", "construct", "count_values", "linear_form", "extract", "rewrite", "synthesise", "synthesise_rows", "bits_of", "ORDER_SEARCH_INPUTS", "LEAF_INPUTS"]

#: Up to this many inputs the expansion order is chosen by a search over all orders.
ORDER_SEARCH_INPUTS = 9
#: Sub-functions of at most this many variables come from the exact library.
LEAF_INPUTS = 4
#: The constructions :func:`synthesise` tries on every order of the inputs (see :func:`construct`).
HOWS = ("shannon", "decompose", "extract")
#: The constructions of totally symmetric functions, tried once (they do not depend on the order;
#: so is ``"sum"``, of weighted sums of the inputs).
SYMMETRIC_HOWS = ("count", "sort")
#: The count construction up to this many inputs (the count then has at most four bits).
COUNT_INPUTS = 15
#: The odd factors k by which the sum construction also builds a weighted sum as (its weights / k)
#: then times k, the smallest kept, up to :data:`SUM_FACTOR_INPUTS` inputs (one construction each).
SUM_FACTORS, SUM_FACTOR_INPUTS = range(1, 32, 2), 12
#: Sub-functions of at least this many variables are also tried as simple disjoint decompositions.
DECOMPOSE_SUPPORT = 5
#: The extraction runs on sums of products with at most this many pairs of cubes in one sum, in
#: all (about a second; its time grows about as the fourth power of the cubes); larger ones are
#: built as they are (and :func:`synthesise` does not try them).
EXTRACT_PAIRS = 4096
#: Cuts kept per node in rewriting.
CUTS_PER_NODE = 12
#: Resubstitution in rewriting up to this many rows; candidate literals and pairs tried per node.
RESUB_ROWS, RESUB_CANDIDATES, RESUB_PAIRS = 1024, 256, 4
#: Largest gates × rows that :func:`synthesise_rows` rewrites and that the resynthesis walk takes
#: (:meth:`.Circuits.resynthesised`; the node values take a byte each).
REWRITE_CELLS = 1 << 29
#: Most bytes of node tables a :class:`Builder` holds (a table of 2^m rows takes 2^m / 8 bytes per
#: node, twice where complements are free; the process holds about 1.6 times as much): a random
#: function of 16 inputs needs about 0.3 GiB per output, of 18 inputs 4.3 GiB, of 20 inputs 60 GiB.
TABLE_BYTES = 4 << 30

Literal = tuple  # (node, negated); node -1 is the constant 0


class TooLarge(Exception):
    """A construction whose node tables would exceed :data:`TABLE_BYTES`."""


@cache
def variable_table(m: int, j: int) -> int:
    """x_(j+1) as a truth table of m inputs: rows whose bit m-1-j is set."""
    period = 1 << (m - 1 - j)
    block = ((1 << period) - 1) << period  # `period` zeros then `period` ones
    out, step = block, 2 * period
    while step < (1 << m):
        out |= out << step
        step *= 2
    return out


def cofactors(f: int, m: int, j: int) -> tuple[int, int]:
    """(f with x_(j+1) = 0, f with x_(j+1) = 1), each as a table that does not depend on x_(j+1)."""
    x, shift = variable_table(m, j), 1 << (m - 1 - j)
    low, high = f & _complement(m, j), f & x
    return low | (low << shift), high | (high >> shift)


def _difference(f: int, m: int, j: int) -> int:
    """The rows with x_(j+1) = 0 where the m-input table f differs from the row with x_(j+1)
    flipped (f's Boolean difference along x_(j+1), on that half)."""
    return (f ^ (f >> (1 << (m - 1 - j)))) & _complement(m, j)


def _depends(f: int, m: int, j: int) -> bool:
    """Whether the m-input table f depends on x_(j+1)."""
    return bool(_difference(f, m, j))


@cache
def _complement(m: int, j: int) -> int:
    """The rows of m inputs where x_(j+1) is 0."""
    return variable_table(m, j) ^ ((1 << (1 << m)) - 1)


class Builder:
    """A circuit over ``basis`` under construction, with functional hashing.

    ``tables[node]`` is each node's function, on the truth table's rows or, given ``columns``
    ((m, rows): x_(j+1) on each row), on those rows. A literal is (node, negated), node -1 the constant
    0; :meth:`table` gives its function.
    """

    def __init__(self, inputs: int, basis: Basis, columns: np.ndarray | None = None):
        self.m, self.basis = inputs, basis
        if columns is None:  # the truth table's 2^m rows
            self.full = (1 << (1 << inputs)) - 1
            self.tables = [variable_table(inputs, j) for j in range(inputs)]
        else:  # the rows whose inputs the (m, rows) columns give
            self.full = (1 << columns.shape[1]) - 1
            self.tables = [table_of(c) for c in columns]
        self.gates: list[tuple[int, int, int]] = []
        #: the nodes whose tables fit in TABLE_BYTES
        self.most = TABLE_BYTES // (((self.full.bit_length() + 7) // 8) * (2 if basis.free_complement else 1))
        self.known: dict[int, Literal] = {0: (-1, False)}
        if basis.free_complement:
            self.known[self.full] = (-1, True)
        for j, t in enumerate(self.tables):
            self._register(t, j)

    def _register(self, table: int, node: int) -> None:
        self.known.setdefault(table, (node, False))
        if self.basis.free_complement:
            self.known.setdefault(table ^ self.full, (node, True))

    def table(self, lit: Literal) -> int:
        node, neg = lit
        t = 0 if node < 0 else self.tables[node]
        return t ^ self.full if neg else t

    def _add(self, op: int, a: int, b: int, table: int | None = None) -> int:
        """The node of a new gate op(a, b) (``table``: its function, where the caller has it);
        :class:`TooLarge` past :data:`TABLE_BYTES`."""
        if len(self.tables) >= self.most:
            raise TooLarge(f"a circuit of more than {len(self.gates):,} gates, each a table of {self.full.bit_length():,} "
                           f"rows, would hold more than {TABLE_BYTES / 2 ** 30:g} GiB")
        op, a, b = ordered_gate(op, a, b)
        if table is None:
            table = table_gate(op, self.tables[a], self.tables[b], self.full)  # a NOT gate reads b = a
        self.gates.append((op, a, b))
        node = self.m + len(self.gates) - 1
        self.tables.append(table)
        self._register(table, node)
        return node

    def _plain(self, lit: Literal) -> int:
        """The node of ``lit`` without a complement (``and-or-not``: a NOT gate where needed)."""
        node, neg = lit
        if not neg:
            return node
        t = self.table(lit)
        if t in self.known and not self.known[t][1]:
            return self.known[t][0]
        return self._add(3, node, node)

    def added(self, build, keep: set[int] = frozenset()) -> int:
        """Gates ``build()`` (which returns a literal) would add, plus the nodes of ``keep`` the
        literal reads through new gates or itself; the builder is left as it was."""
        count = len(self.gates)
        node = build()[0]
        cost, seen, stack = len(self.gates) - count, set(), [node]
        while stack:
            n = stack.pop()
            if n in seen or n < self.m:
                continue
            seen.add(n)
            if n in keep or n >= self.m + count:  # a kept node keeps what it reads
                cost += n in keep
                stack.extend(self.gates[n - self.m][1:])
        for n in range(self.m + count, self.m + len(self.gates)):
            t = self.tables[n]
            for key in (t, t ^ self.full):
                if self.known.get(key, (None,))[0] == n:
                    del self.known[key]
        del self.gates[count:], self.tables[self.m + count:]
        return cost

    def negate(self, x: Literal) -> Literal:
        if self.basis.free_complement or x[0] < 0:
            return x[0], not x[1]
        return self.known.get(self.table(x) ^ self.full) or (self._add(3, x[0], x[0]), False)

    def gate(self, op: int, x: Literal, y: Literal) -> Literal:
        """op(x, y) as a literal: an existing node where one computes it, else a new gate (or, for
        XOR in a basis without it, three)."""
        t = table_gate(op, self.table(x), self.table(y), self.full)
        if t in self.known:
            return self.known[t]
        if x[0] < 0 or y[0] < 0 or x[0] == y[0]:  # then t is a literal or its complement
            lit = y if x[0] < 0 else x
            return lit if self.table(lit) == t else self.negate(lit)
        if op in (6, 9) and 6 not in self.basis.ops:
            z = self.gate(14, self.gate(4, x, y), self.gate(2, x, y))  # x·ȳ + x̄·y
            return self.negate(z) if op == 9 else z
        if self.basis.free_complement:
            op = negate_operands(op, x[1], y[1])
            neg = bool(op & 1)
            return self._add(op ^ 15 if neg else op, x[0], y[0], t ^ self.full if neg else t), neg
        if op in (8, 14):
            return self._add(op, self._plain(x), self._plain(y), t), False
        # AND/OR with complemented operands or output, by De Morgan into AND, OR and NOT
        for base in (8, 14):
            for u in (0, 1):
                for v in (0, 1):
                    for w in (0, 1):
                        if (negate_operands(base, u, v) ^ (15 if w else 0)) == op:
                            inner = self.gate(base, self.negate(x) if u else x, self.negate(y) if v else y)
                            return self.negate(inner) if w else inner
        raise ValueError(f"op {op} has no AND/OR form")  # XOR without free complement: not reached

    def mux(self, s: Literal, high: Literal, low: Literal) -> Literal:
        """s ? high : low; s ⊕ low where high is low's complement on every row."""
        if self.table(high) ^ self.table(low) == self.full:
            return self.gate(6, s, low)
        return self.gate(14, self.gate(8, s, high), self.gate(2, s, low))

    def outputs_of(self, circuit: Circuit, literal: dict[int, Literal]) -> Circuit:
        """The circuit of ``circuit``'s outputs with node n built as ``literal[n]`` (each output
        complemented where ``circuit``'s is)."""
        outputs = []
        for node, neg in zip(circuit.outputs, circuit.negated):
            lit = literal[node] if node >= 0 else (-1, False)
            outputs.append(self.negate(lit) if neg else lit)
        return self.circuit(outputs)

    def circuit(self, outputs: list[Literal]) -> Circuit:
        """The circuit of these outputs: only the gates they use, in order."""
        m = self.m
        if not self.basis.free_complement and (-1, True) in outputs:  # the constant 1: x1 + x̄1
            one = self.gate(14, (0, False), self.negate((0, False)))
            outputs = [one if lit == (-1, True) else lit for lit in outputs]
        used = [False] * len(self.gates)
        stack = [n for n, _ in outputs if n >= m]
        while stack:
            n = stack.pop()
            if not used[n - m]:
                used[n - m] = True
                stack.extend(x for x in self.gates[n - m][1:] if x >= m)
        new = list(range(m))
        gates = []
        for i, (op, a, b) in enumerate(self.gates):
            new.append(m + len(gates))
            if used[i]:
                gates.append((op, new[a], new[b]))
        out, negated = [], []
        for node, neg in outputs:
            out.append(new[node] if node >= 0 else -1)
            negated.append(neg)
        return Circuit(m, tuple(gates), tuple(out), tuple(negated))

    # --- from the four-input library -----------------------------------------------------
    def library(self, f4: int | Circuit, variables: list[Literal]) -> Literal:
        """The library's circuit of the four-input function ``f4`` (or a given one-output circuit)
        with input j fed by ``variables[j]`` (the constant 0 where ``variables`` is shorter)."""
        circuit = f4 if isinstance(f4, Circuit) else leaf_circuit(f4, self.basis.name)
        nodes: list[Literal] = list(variables) + [(-1, False)] * (circuit.inputs - len(variables))
        for op, a, b in circuit.gates:
            nodes.append(self.negate(nodes[a]) if op == 3 else self.gate(op, nodes[a], nodes[b]))
        node, neg = circuit.outputs[0], circuit.negated[0]
        lit = nodes[node] if node >= 0 else (-1, False)
        return self.negate(lit) if neg else lit


@cache
def leaf_circuit(f4: int, basis: str) -> Circuit:
    """The library's circuit of the four-input function ``f4`` for ``basis``: a fewest-gate b2
    circuit (b2 enumeration settles every four-input function; a builder turns it into the
    basis), or the basis's own enumerated circuit where that is built with fewer gates."""
    b2 = cost_table(4, "b2").witness(f4)
    if basis == "b2":
        return b2
    own = cost_table(4, basis).witness(f4)
    return own if _built_size(own, basis) < _built_size(b2, basis) else b2


def _built_size(circuit: Circuit, basis: str) -> int:
    """Gates of a four-input library circuit once built in ``basis`` on separate inputs."""
    builder = Builder(4, BASES[basis])
    return len(builder.circuit([builder.library(circuit, [(j, False) for j in range(4)])]))


def leaf_cost(f4: int, basis: str) -> int:
    """The enumerated size of the four-input function ``f4`` in ``basis`` (exact in b2; in aig and
    and-or-not an upper bound that :func:`leaf_circuit` meets or beats, met on 97% of sampled
    functions):
    the expansions' estimate of a leaf, read from the table rather than built. A constant costs
    nothing: the builder keeps it as a literal (in and-or-not, the constant 1 costs x + x̄ only
    where an output is 1 everywhere)."""
    return 0 if f4 in (0, 0xFFFF) else int(cost_table(4, basis).upper[f4])


def b2_costs() -> np.ndarray:
    """The exact b2 size of every four-input function (what don't-care completions minimise)."""
    return cost_table(4, "b2").upper


@cache
def cheapest_completion(f4: int, c4: int) -> int:
    """The four-input function of least b2 size that equals f4 on the rows of c4 (the smallest
    table of those)."""
    return int(_cheapest_completion(b2_costs(), f4 & c4, ~c4 & 0xFFFF))


@njit(cache=True)
def _cheapest_completion(costs: np.ndarray, base: int, free: int) -> int:
    """The first table of least cost among base | s, s ⊆ free, in increasing order of s (so of
    the table)."""
    best, s = base, 0
    while True:
        s = (s - free) & free  # the next subset of free
        if s == 0:
            return best
        if costs[base | s] < costs[best]:
            best = base | s


def _project(f: int, m: int, support: list[int]) -> int:
    """f (depending only on ``support``, ≤ 4 variables) as a four-input table, variable k of
    the table being x_(support[k]+1)."""
    rows = _projected_rows(m, tuple(support))
    table = np.frombuffer(f.to_bytes(max(1, (1 << m) >> 3), "little"), dtype=np.uint8)
    return int(((table[rows >> 3] >> (rows & 7)) & 1) @ _WEIGHTS)


_WEIGHTS = 1 << np.arange(16)


@lru_cache(maxsize=1 << 14)
def _projected_rows(m: int, support: tuple[int, ...]) -> np.ndarray:
    """(16,): the row of m inputs that row r of :func:`_project`'s four-input table reads (the
    other variables 0)."""
    return np.array([sum(((r >> (3 - k)) & 1) << (m - 1 - v) for k, v in enumerate(support)) for r in range(16)])


class _Synthesis:
    """Shannon and Davio expansion with a memoised size estimate, for one builder (shared by
    outputs); with ``decompose``, decompositions too, until ``deadline`` (a
    :func:`time.perf_counter` time)."""

    def __init__(self, builder: Builder, decompose: bool, deadline: float | None = None):
        self.b, self.m, self.decompose, self.deadline = builder, builder.m, decompose, deadline
        self.basis = builder.basis.name
        self.estimates: dict[tuple[int, int], int] = {}
        self.built: dict[tuple[int, int], Literal] = {}
        self.xor_gates = 1 if 6 in builder.basis.ops else 3

    def support(self, f: int, care: int, candidates: list[int] | None = None) -> tuple[int, int, list[int]]:
        """(f, care) with every variable f does not depend on (on the care rows) merged away,
        and the variables that remain (of ``candidates``, default all: (f, care) must not depend
        on the others)."""
        keep = []
        full = care == self.b.full
        for j in range(self.m) if candidates is None else candidates:
            if full:
                if _depends(f, self.m, j):
                    keep.append(j)
                continue
            f0, f1 = cofactors(f, self.m, j)
            c0, c1 = cofactors(care, self.m, j)
            if (f0 ^ f1) & c0 & c1:
                keep.append(j)
            elif c0 != c1 or f0 != f1:
                care = c0 | c1
                f = ((f0 & c0) | (f1 & c1)) & care
        return f & care, care, keep

    def leaf(self, f: int, care: int, support: list[int]) -> tuple[int, int]:
        """(cost, four-input table): the cheapest completion of f on its ≤ 4 support variables."""
        f4, c4 = _project(f, self.m, support), _project(care, self.m, support)
        if c4 != 0xFFFF:
            f4 = cheapest_completion(f4, c4)
        return leaf_cost(f4, self.basis), f4

    def estimate(self, f: int, care: int) -> int:
        """Gates of the expansion of (f, care) as a tree (sharing not counted), best split."""
        given = (f, care)
        if given in self.estimates:
            return self.estimates[given]
        f, care, support = self.support(f, care)
        key = (f, care)
        if key in self.estimates:
            self.estimates[given] = self.estimates[key]
            return self.estimates[key]
        if f in self.b.known or f == care or f == 0:
            cost = 0
        elif len(support) <= LEAF_INPUTS:
            cost = self.leaf(f, care, support)[0]
        else:
            cost = min(self.split_cost(split) for split in self.splits(f, care, support))
        self.estimates[key] = self.estimates[given] = cost
        return cost

    def splits(self, f: int, care: int, support: list[int]) -> list[tuple]:
        """Ways to write f from two sub-functions, as (join, select, f₀, c₀, f₁, c₁):

        - ``"mux"``, select (j, None): f = x_(j+1) ? f₁ : f₀ (Shannon);
        - ``"mux"``, select (None, table of h), for a fully specified f of at least
          :data:`DECOMPOSE_SUPPORT` variables: f = h(B) ? f₁ : f₀ with h a function of a bound set B
          of variables and f₀, f₁ of the others (f's columns over B take two values: a simple
          disjoint decomposition);
        - ``"davio"``, select (j, value), where the care rows do not depend on x_(j+1) (up to
          :data:`ORDER_SEARCH_INPUTS` inputs): f = f₀ ⊕ [x_(j+1) ≠ value]·f₁ with f₀ the cofactor at
          x_(j+1) = value and f₁ the Boolean difference of the two cofactors (Davio expansion, the
          split of arithmetic functions)."""
        order = support if self.m <= ORDER_SEARCH_INPUTS else [self.greedy(f, care, support)]
        out = []
        for j in order:
            (f0, f1), (c0, c1) = cofactors(f, self.m, j), cofactors(care, self.m, j)
            out.append(("mux", (j, None), f0 & c0, c0, f1 & c1, c1))
            if c0 == c1 and self.m <= ORDER_SEARCH_INPUTS:
                difference = (f0 ^ f1) & c0
                out += [("davio", (j, 0), f0 & c0, c0, difference, c0), ("davio", (j, 1), f1 & c0, c0, difference, c0)]
        if self.decompose and care == self.b.full and len(support) >= DECOMPOSE_SUPPORT \
                and self.m <= ORDER_SEARCH_INPUTS and (self.deadline is None or perf_counter() < self.deadline):
            out += [("mux", (None, h), g0, care, g1, care) for h, g0, g1 in simple_decompositions(f, self.m, support)]
        return out

    def split_cost(self, split: tuple) -> int:
        join, (j, h), f0, c0, f1, c1 = split
        if join == "davio":
            return self.estimate(f0, c0) + self.estimate(f1, c1) + 1 + self.xor_gates
        select = 0 if h is None else self.estimate(h, self.b.full)
        return select + self.estimate(f0, c0) + self.estimate(f1, c1) + self.join_cost(f0, c0, f1, c1)

    def join_cost(self, f0: int, c0: int, f1: int, c1: int) -> int:
        both = c0 & c1
        if f0 & c0 == 0 or f1 & c1 == 0 or (f0 & c0) == c0 or (f1 & c1) == c1:
            return 1
        if (f0 ^ f1 ^ self.b.full) & both == 0:
            return self.xor_gates
        return 3

    def greedy(self, f: int, care: int, support: list[int]) -> int:
        """The variable whose cofactors have the fewest support variables in all. For a fully
        specified f, x_(i+1) is in the support of f's cofactor at x_(j+1) = v when f's difference
        along x_(i+1) is nonzero on some row with x_(j+1) = v (one AND per pair of variables)."""
        m = self.m
        if care == self.b.full:
            differences = [_difference(f, m, i) for i in support]
            def size(j):
                low, count = _complement(m, j), 0
                for d in differences:
                    part = d & low  # the difference where x_(j+1) = 0; the rest where it is 1
                    count += bool(part) + (part != d)
                return count
            return min(support, key=size)
        def size(j):
            (f0, f1), (c0, c1) = cofactors(f, m, j), cofactors(care, m, j)
            return len(self.support(f0 & c0, c0, support)[2]) + len(self.support(f1 & c1, c1, support)[2])
        return min(support, key=size)

    def build(self, f: int, care: int, candidates: list[int] | None = None) -> Literal:
        """A literal computing f on the care rows ((f, care) depending on no variable outside
        ``candidates``, default all)."""
        f, care, support = self.support(f, care, candidates)
        key = (f, care)
        if key in self.built:
            return self.built[key]
        b = self.b
        if care == b.full and f in b.known:
            lit = b.known[f]
        elif f == 0:
            lit = (-1, False)
        elif f == care:
            lit = b.negate((-1, False))
        elif len(support) <= LEAF_INPUTS:
            lit = b.library(self.leaf(f, care, support)[1], [(v, False) for v in support])
        else:
            splits = self.splits(f, care, support)  # one (the greedy split) beyond ORDER_SEARCH_INPUTS
            join, (j, h), f0, c0, f1, c1 = splits[0] if len(splits) == 1 else min(splits, key=self.split_cost)
            if join == "davio":  # h: the value of x_(j+1) at which f is f₀
                x = b.negate((j, False)) if h else (j, False)
                base, difference = self.build(f0, c0, support), self.build(f1, c1, support)
                lit = b.gate(6, base, b.gate(8, x, difference))
            else:
                x = (j, False) if h is None else self.build(h, b.full, support)
                low, high = self.build(f0, c0, support), self.build(f1, c1, support)
                lit = b.mux(x, high, low)
        self.built[key] = lit
        return lit


def simple_decompositions(f: int, m: int, support: list[int]) -> list[tuple[int, int, int]]:
    """Every simple disjoint decomposition f = h(B) ? g₁ : g₀ with B a bound set of 2 to
    |support| − 1 of the support variables and g₀, g₁ functions of the others: f's table, as a
    matrix of the other variables' values by B's values, has exactly two distinct columns, g₀
    (the first column) and g₁, and h marks the columns equal to g₁. Returned as full tables
    (h, g₀, g₁)."""
    values = bits_of(f, m)
    out = []
    for size in range(2, len(support)):
        bounds = tuple(itertools.combinations(support, size))
        matrices = values[_matrices(m, bounds)]  # (bound sets, rest values, bound values)
        first = (matrices == matrices[:, :, :1]).all(axis=1)
        other = matrices[np.arange(len(bounds)), :, np.argmin(first, axis=1)]
        h = (matrices == other[:, :, None]).all(axis=1)
        for s in np.flatnonzero(~first.all(axis=1) & (first | h).all(axis=1)).tolist():
            rest = tuple(j for j in range(m) if j not in bounds[s])
            at_bound, at_rest = _positions(m, bounds[s]), _positions(m, rest)
            out.append((table_of(h[s][at_bound]), table_of(matrices[s, at_rest, 0]), table_of(other[s][at_rest])))
    return out


@lru_cache(maxsize=256)
def _matrices(m: int, bounds: tuple[tuple[int, ...], ...]) -> np.ndarray:
    """(bound sets, 2^(m−|B|), 2^|B|): the row of each (other variables' values, B's values)."""
    out = np.empty((len(bounds), 1 << (m - len(bounds[0])), 1 << len(bounds[0])), np.int32)
    rows = np.arange(1 << m)
    for s, bound in enumerate(bounds):
        rest = tuple(j for j in range(m) if j not in bound)
        out[s, _positions(m, rest), _positions(m, bound)] = rows
    return out


@cache
def _positions(m: int, variables: tuple[int, ...]) -> np.ndarray:
    """(2^m,): each row's index over ``variables`` (the first most significant), as the matrices
    of :func:`simple_decompositions` number them."""
    rows = np.arange(1 << m)
    index = np.zeros(1 << m, np.int64)
    for j in variables:
        index = 2 * index + ((rows >> (m - 1 - j)) & 1)
    return index


def bits_of(table: int, m: int) -> np.ndarray:
    """(2^m,) uint8: the table's value on every row (inverse of :func:`table_of`)."""
    raw = np.frombuffer(table.to_bytes(max(1, (1 << m) // 8), "little"), np.uint8)
    return np.unpackbits(raw, bitorder="little")[: 1 << m]


def isop(lower: int, upper: int, m: int, most: int | None = None) -> list[frozenset] | None:
    """An irredundant sum of products f with lower ⊆ f ⊆ upper (Minato–Morreale): cubes as sets
    of literals (j, value), x_(j+1) = value; None where it has more than ``most`` cubes (given:
    then the recursion stops at the first part that has)."""
    try:
        cubes = _isop(lower, upper, m, 0, (1 << (1 << m)) - 1, {}, most)[0]
    except _TooManyCubes:
        return None
    return None if most is not None and len(cubes) > most else cubes


class _TooManyCubes(Exception):
    pass


def _isop(lower: int, upper: int, m: int, j: int, full: int, memo: dict, most: int | None) -> tuple[list, int]:
    if lower == 0:
        return [], 0
    if upper == full:
        return [frozenset()], full
    key = (lower, upper)
    if key in memo:
        return memo[key]
    while True:  # the next variable either bound depends on
        l0, l1 = cofactors(lower, m, j)
        u0, u1 = cofactors(upper, m, j)
        if l0 != l1 or u0 != u1:
            break
        j += 1
    x = variable_table(m, j)
    # complements as XORs with full: ~ of an unbounded integer is a slow two's-complement copy
    c0, f0 = _isop(l0 & (u1 ^ full), u0, m, j + 1, full, memo, most)
    c1, f1 = _isop(l1 & (u0 ^ full), u1, m, j + 1, full, memo, most)
    c2, f2 = _isop(l0 & (f0 ^ full) | l1 & (f1 ^ full), u0 & u1, m, j + 1, full, memo, most)
    if most is not None and len(c0) + len(c1) + len(c2) > most:
        raise _TooManyCubes
    cubes = [c | {(j, 0)} for c in c0] + [c | {(j, 1)} for c in c1] + c2
    out = cubes, f0 & (x ^ full) | f1 & x | f2
    memo[key] = out
    return out


def _sums_of_products(targets: list[int], m: int, care: int,
                      pairs: int | None = None) -> tuple[list[list[int]], list[bool]] | None:
    """Each target as an irredundant sum of products of f or of its complement, whichever has
    fewer literals, with cubes as :func:`extract` writes them; and which are complemented. With
    ``pairs``: only sums within that many pairs of cubes in one sum, in all (None where there are
    none such), found without computing larger ones."""
    full = (1 << (1 << m)) - 1
    sops, complemented = [], []
    for t in targets:
        most = None if pairs is None else math.isqrt(2 * pairs) + 1  # n(n − 1)/2 ≤ pairs
        t &= full
        sums = [isop(t & care, t | (care ^ full), m, most), isop((t ^ full) & care, full ^ (t & care), m, most)]
        if pairs is not None:
            sums = [s if s is not None and len(s) * (len(s) - 1) // 2 <= pairs else None for s in sums]
            if sums == [None, None]:
                return None
        on, off = sums
        complemented.append(on is None or (off is not None and sum(map(len, off)) < sum(map(len, on))))
        chosen = off if complemented[-1] else on
        sops.append([sum(1 << (2 * j + 1 - value) for j, value in cube) for cube in chosen])
        if pairs is not None:
            pairs -= len(chosen) * (len(chosen) - 1) // 2
    return sops, complemented


def extract(sops: list[list[int]], variables: int) -> list[list[int]]:
    """Fast extraction (Rajski and Vasudevamurthy; SIS's and ABC's ``fx``) over sums of products that
    share variables: a cube is an integer with bit 2v (or 2v + 1) set where it holds variable v
    (or its complement), and ``variables`` are in use. While one saves gates, the divisor that saves
    most becomes a new variable, defined by a new sum of products appended to ``sops`` (variable
    ``variables + k`` by the k-th appended), and is substituted in every sum that has it:

    - a two-literal cube in k cubes (k − 1 gates saved: k ANDs, one built);
    - a two-cube sum a + b, the cubes with their common part taken out, where cubes of one sum
      pair up as (base·a, base·b): each pair becomes base·d, saving |base| + |a| + |b| − 1 gates
      (ANDs and one OR), and d costs |a| + |b| − 1.

    A sum of k cubes costs Σ(|c| − 1) + k − 1 two-input gates. Returns the sums, new ones last.
    The savings are tallied per sum and only a changed sum's tally is redone."""
    sops, given = [list(s) for s in sops], len(sops)
    tallies = [_tally(sop) for sop in sops]
    totals: tuple[dict, dict] = ({}, {})  # saving per two-literal cube, per two-cube divisor
    for tally in tallies:
        _add_tally(totals, tally, 1)
    while True:
        best, saving = None, 0
        for pair, k in totals[0].items():
            if k - 1 > saving:
                best, saving = pair, k - 1
        for divisor, gain in totals[1].items():
            net = gain - (divisor[0].bit_count() + divisor[1].bit_count() - 1)  # the divisor's own gates
            if net > saving:
                best, saving = divisor, net
        if best is None:
            return sops
        new = 1 << 2 * (variables + len(sops) - given)
        changed = []
        for s, sop in enumerate(sops):
            if isinstance(best, int):  # a two-literal cube
                if any(c & best == best for c in sop):
                    sops[s] = [c & ~best | new if c & best == best else c for c in sop]
                    changed.append(s)
            elif best in tallies[s][1]:
                places = tallies[s][1][best][1]
                dropped = {k for i, j, _ in places for k in (i, j)}
                sops[s] = [c for k, c in enumerate(sop) if k not in dropped] + [base | new for _, _, base in places]
                changed.append(s)
        sops.append([best] if isinstance(best, int) else list(best))
        tallies.append(({}, {}))
        for s in changed + [len(sops) - 1]:
            _add_tally(totals, tallies[s], -1)
            tallies[s] = _tally(sops[s])
            _add_tally(totals, tallies[s], 1)


def _tally(sop: list[int]) -> tuple[dict, dict]:
    """({two-literal cube: cubes of ``sop`` holding it}, {two-cube divisor (a, b): (gates saved in
    ``sop``, its occurrences (i, j, base) that use no cube twice)}) (see :func:`extract`)."""
    pairs: dict[int, int] = {}
    for cube in sop:
        bits = [1 << i for i in range(cube.bit_length()) if cube >> i & 1]
        for x, y in itertools.combinations(bits, 2):
            pairs[x | y] = pairs.get(x | y, 0) + 1
    divisors: dict[tuple[int, int], tuple[int, list]] = {}
    used: dict[tuple[int, int], set] = {}
    for i, j in itertools.combinations(range(len(sop)), 2):
        base = sop[i] & sop[j]
        a, b = sop[i] ^ base, sop[j] ^ base
        if a and b:
            divisor = (a, b) if a < b else (b, a)
            taken = used.setdefault(divisor, set())
            if i in taken or j in taken:
                continue
            taken |= {i, j}
            gain, places = divisors.get(divisor, (0, []))
            divisors[divisor] = (gain + base.bit_count() + a.bit_count() + b.bit_count() - 1, places + [(i, j, base)])
    return pairs, divisors


def _add_tally(totals: tuple[dict, dict], tally: tuple[dict, dict], sign: int) -> None:
    for pair, k in tally[0].items():
        totals[0][pair] = totals[0].get(pair, 0) + sign * k
        if not totals[0][pair]:
            del totals[0][pair]
    for divisor, (gain, _) in tally[1].items():
        totals[1][divisor] = totals[1].get(divisor, 0) + sign * gain
        if not totals[1][divisor]:
            del totals[1][divisor]


class _Variables:
    """The literals of :func:`extract`'s variables, each divisor built when first read."""

    def __init__(self, builder: Builder, divisors: list[list[int]]):
        self.builder, self.divisors, self.built = builder, divisors, {}

    def __getitem__(self, v: int) -> Literal:
        if v < self.builder.m:
            return v, False
        if v not in self.built:
            self.built[v] = _sum_of_products(self.builder, self.divisors[v - self.builder.m], self)
        return self.built[v]


def _sum_of_products(builder: Builder, sop: list[int], literals: _Variables) -> Literal:
    """The OR of the ANDs of the cubes of ``sop`` (as :func:`extract` writes them), variable v
    being ``literals[v]``."""
    out = (-1, False)
    for cube in sop:
        term = builder.negate((-1, False))
        for i in range(cube.bit_length()):
            if cube >> i & 1:
                x = literals[i // 2]
                term = builder.gate(8, term, builder.negate(x) if i % 2 else x)
        out = builder.gate(14, out, term)
    return out


def construct(targets: list[int], inputs: int, basis: Basis, care: int | None = None,
              how: str = "shannon", deadline: float | None = None) -> Circuit:
    """A circuit over ``basis`` computing every target table (one per output bit, as integers of
    2^inputs bits) on the ``care`` rows (default: all), with functional hashing across outputs:
    ``how="shannon"`` by Shannon expansion down to the exact four-input library, ``"decompose"`` the
    same with simple disjoint decompositions as further splits (both also with Davio splits),
    ``"extract"`` by fast extraction (:func:`extract`) of the divisors shared by the outputs'
    irredundant sums of products (each of f or of its complement, whichever has fewer literals;
    not beyond :data:`EXTRACT_PAIRS`);
    for totally symmetric targets (:func:`count_values`), ``"count"`` over
    the inputs' count in binary and ``"sort"`` over a sorting network (see the module doc); for
    outputs that are the bits of a weighted sum of the inputs (:func:`linear_form`), ``"sum"`` by
    a carry-save tree over the weights' signed digits. Past ``deadline`` (a
    :func:`time.perf_counter` time) ``"decompose"`` looks for no more decompositions."""
    builder = Builder(inputs, basis)
    care = builder.full if care is None else care
    if how in SYMMETRIC_HOWS:
        values = [count_values(t, care, inputs) for t in targets]
        if None in values:
            raise ValueError("the count and sort constructions need totally symmetric targets")
        literals = [(j, False) for j in range(inputs)]
        if how == "count":
            if inputs > COUNT_INPUTS:
                raise ValueError(f"the count construction takes at most {COUNT_INPUTS} inputs")
            bits = _sum(builder, [literals])
            outputs = [_over_count(builder, v, bits) for v in values]
        else:
            at_least = _sort(builder, literals)
            outputs = [_intervals(builder, v, at_least) for v in values]
    elif how == "sum":
        form = linear_form(targets, inputs) if care == builder.full else None
        if form is None:
            raise ValueError("the sum construction needs outputs that are the bits of a weighted sum of the inputs")
        w, c, backwards = form
        circuits = []
        for factor in SUM_FACTORS if inputs <= SUM_FACTOR_INPUTS else (1,):
            builder = Builder(inputs, basis)
            bits = _weighted_sum(builder, w, c, len(targets), factor)
            circuits.append(builder.circuit(bits[::-1] if backwards else bits))
        return min(circuits, key=len)
    elif how in ("shannon", "decompose"):
        synthesis = _Synthesis(builder, how == "decompose", deadline)
        outputs = []
        for t in targets:  # estimates start afresh: what earlier outputs built is now free
            synthesis.estimates.clear()
            outputs.append(synthesis.build(t & care, care))
    elif how == "extract":
        small = _sums_of_products(targets, inputs, care, EXTRACT_PAIRS)
        sops, complemented = small or _sums_of_products(targets, inputs, care)
        if small is not None:
            sops = extract(sops, inputs)
        literals = _Variables(builder, sops[len(targets):])
        outputs = [_sum_of_products(builder, sop, literals) for sop in sops[: len(targets)]]
        outputs = [builder.negate(o) if c else o for o, c in zip(outputs, complemented)]
    else:
        raise ValueError(f"unknown construction {how!r}: one of {', '.join(HOWS + SYMMETRIC_HOWS + ('sum',))}")
    return builder.circuit(outputs)


@cache
def _ones(m: int) -> np.ndarray:
    """(2^m,): the number of inputs that are 1 on each row."""
    return np.array([r.bit_count() for r in range(1 << m)], dtype=np.int64)


def count_values(f: int, care: int, m: int) -> list[int | None] | None:
    """v[c] = f on the care rows with c inputs at 1 (c = 0 … m; None where no care row has c), if
    f is totally symmetric on the care rows (equal on any two with the same c); else None."""
    ones, on_care = _ones(m), bits_of(care, m).astype(bool)
    value = bits_of(f, m).astype(bool)
    high = np.bincount(ones[on_care & value], minlength=m + 1)
    low = np.bincount(ones[on_care & ~value], minlength=m + 1)
    if ((high > 0) & (low > 0)).any():
        return None
    return [1 if h else 0 if l else None for h, l in zip(high.tolist(), low.tolist())]



def _adder(builder: Builder, a: Literal, b: Literal, c: Literal | None) -> tuple[Literal, Literal]:
    """(sum, carry) of a + b (+ c): with XOR in the basis, s = a ⊕ b ⊕ c and carry = ab + c(a ⊕ b);
    else a ⊕ b = NOR(ab, NOR(a, b)), which shares ab with the carry (a full adder in 7 ANDs)."""
    if 6 in builder.basis.ops:
        x = builder.gate(6, a, b)
        if c is None:
            return x, builder.gate(8, a, b)
        return builder.gate(6, x, c), builder.gate(14, builder.gate(8, a, b), builder.gate(8, c, x))
    both = builder.gate(8, a, b)
    x = builder.gate(1, both, builder.gate(1, a, b))
    if c is None:
        return x, both
    via = builder.gate(8, c, x)
    return builder.gate(1, via, builder.gate(1, c, x)), builder.gate(14, both, via)


def _sum(builder: Builder, columns: list[list[Literal]], width: int | None = None) -> list[Literal]:
    """Σ_w 2^w · (the true literals of ``columns[w]``) in binary, least significant bit first: a
    carry-save tree that adds three bits of one weight in a full adder (two in a half adder when
    two are left), oldest first, until each weight has one bit; modulo 2^``width`` where given (no
    carries out of the top bit; the bits then number exactly ``width``)."""
    weights = [list(column) for column in columns] or [[]]
    w = 0
    while w < len(weights):
        column = weights[w]
        while len(column) > 1:
            three = len(column) > 2
            s, carry = _adder(builder, column.pop(0), column.pop(0), column.pop(0) if three else None)
            column.append(s)
            if width is None or w + 1 < width:
                if w + 1 == len(weights):
                    weights.append([])
                weights[w + 1].append(carry)
        w += 1
    bits = [column[0] if column else (-1, False) for column in weights]
    if width is not None:
        return (bits + [(-1, False)] * width)[:width]
    while len(bits) > 1 and bits[-1] == (-1, False):  # a carry no count reaches
        bits.pop()
    return bits


def linear_form(targets: list[int], inputs: int) -> tuple[list[int], int, bool] | None:
    """``(w, c, backwards)`` where the outputs, read as the bits of an integer V (``targets[0]``
    the least significant bit, or with ``backwards`` the most), are V = c + Σ_i w_i·x_(i+1) mod
    2^K on every row (K outputs, at least two): adders, subtractors, multiplications by
    constants; else None."""
    k = len(targets)
    if k < 2 or k > 61:  # values below 2^61: sums of two stay within int64
        return None
    rows = np.arange(1 << inputs, dtype=np.int64)
    for backwards in (False, True):
        value = sum(bits_of(t, inputs).astype(np.int64) << j for j, t in enumerate(targets[::-1] if backwards else targets))
        c = int(value[0])
        w = [(int(value[1 << (inputs - 1 - i)]) - c) % (1 << k) for i in range(inputs)]
        predicted = np.full(len(rows), c, dtype=np.int64)
        for i, weight in enumerate(w):
            predicted = (predicted + weight * ((rows >> (inputs - 1 - i)) & 1)) % (1 << k)
        if (predicted == value).all():
            return w, c, backwards
    return None


def _signed_digits(w: int, k: int) -> list[tuple[int, int]]:
    """(position, ±1) with Σ ±2^position ≡ w mod 2^k and as few digits as the non-adjacent forms
    of w and of w − 2^k give (7 = 8 − 1: two digits, not three)."""
    best = None
    for value in (w, w - (1 << k)):
        digits, p = [], 0
        while value and p < k:
            if value & 1:
                d = 2 - (value & 3)  # +1 where value ≡ 1 mod 4, −1 where ≡ 3
                digits.append((p, d))
                value -= d
            value >>= 1
            p += 1
        if best is None or len(digits) < len(best):
            best = digits
    return best


def _digit_columns(builder: Builder, terms: list[tuple[Literal, int]], constant: int, k: int) -> list[list[Literal]]:
    """The columns of Σ weight·literal + constant mod 2^k over ``terms`` (literal, weight): each
    literal in the column of each signed digit of its weight (:func:`_signed_digits`),
    complemented for a −1 (−2^p·x = 2^p·x̄ − 2^p), and the constant's 1 bits as constant literals."""
    columns: list[list[Literal]] = [[] for _ in range(k)]
    for literal, weight in terms:
        for p, d in _signed_digits(weight % (1 << k), k):
            columns[p].append(literal if d > 0 else builder.negate(literal))
            constant -= (1 << p) if d < 0 else 0
    one = builder.negate((-1, False))
    for p in range(k):
        if ((constant % (1 << k)) >> p) & 1:
            columns[p].append(one)
    return columns


def _weighted_sum(builder: Builder, w: list[int], c: int, k: int, factor: int = 1) -> list[Literal]:
    """The K = ``k`` bits of c + Σ_i w_i·x_(i+1) mod 2^K, as s·``factor`` with s = c/factor +
    Σ_i (w_i/factor)·x_(i+1) (an odd factor is invertible mod 2^K; (a + b)·7 adds a + b first):
    each sum's columns from :func:`_digit_columns`, added up by :func:`_sum`."""
    inverse = pow(factor, -1, 1 << k)
    terms = [((i, False), weight * inverse) for i, weight in enumerate(w)]
    inner = _sum(builder, _digit_columns(builder, terms, c * inverse, k), k)
    if factor == 1:
        return inner
    return _sum(builder, _digit_columns(builder, [(bit, factor << j) for j, bit in enumerate(inner)], 0, k), k)


def _over_count(builder: Builder, values: list[int | None], bits: list[Literal]) -> Literal:
    """The output whose value at count c is values[c], from the library as a function of the
    count's bits (bit i is library input i; counts no care row has are free)."""
    f4 = c4 = 0
    for r in range(16):
        c = sum(((r >> (3 - i)) & 1) << i for i in range(4))
        if r & ((1 << (4 - len(bits))) - 1) == 0 and c < len(values) and values[c] is not None:
            c4 |= 1 << r
            f4 |= values[c] << r
    return builder.library(cheapest_completion(f4, c4), bits)


def _sort(builder: Builder, bits: list[Literal]) -> list[Literal]:
    """[c ≥ k] for k = 0 … n + 1 (c the number of true literals among the n): Batcher's odd–even
    merge sort on the next power of two of wires, the missing ones constant 0, comparators as
    (AND, OR) to the (lower, upper) wire; wire p − k then holds [c ≥ k]."""
    p = 1 << max(0, len(bits) - 1).bit_length()
    wires = list(bits) + [(-1, False)] * (p - len(bits))
    span = 1
    while span < p:
        k = span
        while k >= 1:
            for j in range(k % span, p - k, 2 * k):
                for i in range(min(k, p - j - k)):
                    if (i + j) // (2 * span) == (i + j + k) // (2 * span):
                        lo, hi = wires[i + j], wires[i + j + k]
                        wires[i + j], wires[i + j + k] = builder.gate(8, lo, hi), builder.gate(14, lo, hi)
            k //= 2
        span *= 2
    one = builder.negate((-1, False))
    return [one] + wires[::-1][:len(bits)] + [(-1, False)]


def _intervals(builder: Builder, values: list[int | None], at_least: list[Literal]) -> Literal:
    """The output whose value at count c is values[c]: the OR of [a ≤ c ≤ b] = [c ≥ a] ∧ ¬[c ≥ b + 1]
    over the runs of 1s (a count no care row has joins the run before it), or the complement of
    that over the runs of 0s, whichever has fewer runs."""
    filled, last = [], 0
    for v in values:
        last = last if v is None else v
        filled.append(last)

    def runs(of: int) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for c, v in enumerate(filled):
            if v != of:
                continue
            if out and out[-1][1] == c - 1:
                out[-1] = (out[-1][0], c)
            else:
                out.append((c, c))
        return out

    ones, zeros = runs(1), runs(0)
    chosen = ones if len(ones) <= len(zeros) else zeros
    out = (-1, False)
    for a, b in chosen:
        out = builder.gate(14, out, builder.gate(8, at_least[a], builder.negate(at_least[b + 1])))
    return out if chosen is ones else builder.negate(out)


def rewrite(circuit: Circuit, basis: Basis, rounds: int = 4, columns: np.ndarray | None = None,
            deadline: float | None = None) -> Circuit:
    """``circuit`` with cut rewriting applied until no cut gains or ``rounds`` passes are done, or
    ``deadline`` (a :func:`time.perf_counter` time; the pass under way copies the rest), or where a
    pass's tables would exceed :data:`TABLE_BYTES`; it
    computes the same function on every row (of the truth table, or those ``columns`` gives), in
    no more gates."""
    for _ in range(rounds):
        if deadline is not None and perf_counter() > deadline:
            break
        try:
            better = _rewrite_pass(circuit, basis, columns, deadline)
        except TooLarge:  # the pass's node tables and its new circuit's do not fit
            break
        if len(better) >= len(circuit):
            break
        circuit = better
    return circuit


def cuts_of(circuit: Circuit, leaves: int = LEAF_INPUTS, largest: bool = False) -> list[list[tuple[int, ...]]]:
    """For every node: itself as a cut, then up to :data:`CUTS_PER_NODE` cuts of at most ``leaves``
    nodes, smallest first (largest first with ``largest``), and of equal sizes those of earlier
    nodes first (by their last node, then the one before...: larger cones); a gate's cuts are the
    unions of one cut of each operand."""
    cuts: list[list[tuple[int, ...]]] = [[(j,)] for j in range(circuit.inputs)]
    sign = -1 if largest else 1
    for op, a, b in circuit.gates:
        found = {tuple(sorted(union)) for u in cuts[a] for v in (cuts[b] if op != 3 else [()])
                 if len(union := set(u + v)) <= leaves}
        keep = sorted(found, key=lambda c: (sign * len(c), c[::-1]))  # colex: by the last node, then...
        cuts.append([(len(cuts),)] + keep[:CUTS_PER_NODE])
    return cuts


def readers_of(circuit: Circuit) -> np.ndarray:
    """(nodes,): how many gate operands and outputs read each node."""
    readers = np.zeros(circuit.inputs + len(circuit), dtype=np.int64)
    for op, a, b in circuit.gates:
        readers[a] += 1
        if op != 3:
            readers[b] += 1
    for node in circuit.outputs:
        if node >= 0:
            readers[node] += 1
    return readers


def _rewrite_pass(circuit: Circuit, basis: Basis, columns: np.ndarray | None, deadline: float | None) -> Circuit:
    """One pass, DAG-aware: nodes in order, each copied into a new circuit (every one past
    ``deadline``) or, where that frees
    more gates than it costs, rebuilt through the library's circuit of one of its cuts, or as one
    gate over two nodes already built (resubstitution, up to :data:`RESUB_ROWS` rows). A
    replacement frees the gates only the node's cone above the cut (or the inputs) uses; it costs
    the gates it adds to the new circuit (functional hashing reuses every node already there) and
    the freed gates it reads itself."""
    m = circuit.inputs
    builder = Builder(m, basis, columns)
    full = builder.full
    words = circuit.node_words(columns)
    within = word_rows([full], words.shape[1])[0]
    readers = readers_of(circuit)
    cuts = cuts_of(circuit)
    divisors = _Divisors(builder) if full.bit_length() <= RESUB_ROWS else None
    new: dict[int, Literal] = {j: (j, False) for j in range(m)}
    for i, (op, a, b) in enumerate(circuit.gates):
        node = m + i
        copy = lambda: builder.negate(new[a]) if op == 3 else builder.gate(op, new[a], new[b])
        if (deadline is not None and perf_counter() > deadline) or builder.added(copy) == 0:
            # out of time, or the node is there already: nothing to free
            new[node] = copy()
            continue
        best, best_gain = copy, 0
        for cut in cuts[node][1:]:
            if node in cut:
                continue
            cone = cone_of(circuit, node, cut, readers)
            if len(cone) - 1 <= best_gain:  # the node's function is new: a rebuild adds its last gate
                continue
            f4 = _cut_function(words, node, cut, within)
            build = lambda f4=f4, cut=cut: builder.library(f4, [new[c] for c in cut])
            freed = {new[x][0] for x in cone if x != node}
            gain = len(cone) - builder.added(build, keep=freed)
            if gain > best_gain:
                best, best_gain = build, gain
        if divisors is not None:
            cone = cone_of(circuit, node, (), readers)
            if len(cone) - 1 > best_gain:
                freed = {new[x][0] for x in cone if x != node}
                for build in divisors.resubstitutions(int.from_bytes(words[node].tobytes(), "little"), freed):
                    gain = len(cone) - builder.added(build, keep=freed)
                    if gain > best_gain:
                        best, best_gain = build, gain
        new[node] = best()
    return builder.outputs_of(circuit, new)


def _cut_function(words: np.ndarray, node: int, cut: tuple[int, ...], within: np.ndarray) -> int:
    """The cheapest four-input table that gives ``node`` as a function of the cut's nodes (cut
    node k is variable k) on every pattern of cut values that occurs on the rows of ``within``
    (``words``: every node's rows as (nodes, w) 64-bit words); the others are free."""
    f4, c4 = _cut_patterns(words, node, cut, within)
    return f4 if c4 == 0xFFFF else cheapest_completion(f4, c4)


@njit(cache=True)
def _cut_patterns(words: np.ndarray, node: int, cut, within: np.ndarray) -> tuple[int, int]:
    """(f4, c4): the four-input table's rows (cut node j at bit 3 - j) whose pattern of cut
    values occurs on a row of ``within`` (c4), and those of them where ``node`` is 1 there (f4)."""
    rows = np.empty(1 << len(cut), dtype=np.uint64)  # rows[p]: cut node j takes bit j of p
    f4 = c4 = 0
    for w in range(words.shape[1]):
        rows[0], n = within[w], 1
        for c in cut:
            for p in range(n):
                rows[p + n] = rows[p] & words[c, w]
                rows[p] &= ~words[c, w]
            n *= 2
        for p in range(n):
            if rows[p]:
                r4 = 0
                for j in range(len(cut)):
                    r4 |= ((p >> j) & 1) << (3 - j)
                c4 |= 1 << r4
                if rows[p] & words[node, w]:
                    f4 |= 1 << r4
    return f4, c4


def word_rows(tables: list[int], words: int) -> np.ndarray:
    """(len(tables), words) uint64: each table (an integer, bit t = row t) as 64-bit words."""
    out = np.empty((len(tables), words), dtype=np.uint64)
    for row, t in zip(out, tables):  # row by row: no second copy of all the tables at once
        row[:] = np.frombuffer(t.to_bytes(8 * words, "little"), dtype=np.uint64)
    return out


class _Divisors:
    """The literals of a :class:`Builder`'s nodes as rows of 64-bit words, for resubstitution:
    which two of them give a target function through one XOR or AND (or its complement, an OR)."""

    def __init__(self, builder: Builder):
        self.builder = builder
        self.words = (builder.full.bit_length() + 63) // 64
        self.buffer = np.zeros((64, self.words), dtype=np.uint64)  # grown by doubling
        self.filled = 0
        self.mask = self._row(builder.full)

    def _row(self, table: int) -> np.ndarray:
        return word_rows([table], self.words)[0]

    def resubstitutions(self, target: int, freed: set[int]) -> list:
        """Builds of ``target`` as x ⊕ y, x ∧ y or ¬(x ∧ y), x and y literals of built nodes outside
        ``freed`` (at most :data:`RESUB_PAIRS` of each)."""
        b = self.builder
        if len(self.buffer) < len(b.tables):
            self.buffer = np.concatenate([self.buffer, np.zeros((len(b.tables), self.words), np.uint64)])
        for n in range(min(self.filled, len(b.tables)), len(b.tables)):
            self.buffer[n] = self._row(b.tables[n])
        self.filled = len(b.tables)
        rows = self.buffer[:self.filled]
        usable = np.ones(len(rows), dtype=bool)
        usable[[n for n in freed if n >= 0]] = False
        known, tables = b.known, b.tables
        builds = []
        for x in [x for x in np.flatnonzero(usable).tolist() if tables[x] ^ target in known]:  # target = x ⊕ y
            y = known[tables[x] ^ target]
            if y[0] != x and (y[0] < 0 or usable[y[0]]):
                builds.append(lambda x=(x, False), y=y: b.gate(6, x, y))
                if len(builds) == RESUB_PAIRS:
                    break
        for goal, negate in ((target, False), (target ^ b.full, True)):
            g = self._row(goal)
            lits, tabs = _covers(rows, usable, g, self.mask, RESUB_CANDIDATES)
            for i, j in and_pairs(tabs, g, self.mask, RESUB_PAIRS).tolist():
                (x, u), (y, v) = lits[i].tolist(), lits[j].tolist()
                gate = lambda x=(x, bool(u)), y=(y, bool(v)), negate=negate: b.gate(8, x, y) if not negate \
                    else b.negate(b.gate(8, x, y))
                builds.append(gate)
        return builds


@njit(cache=True)
def _covers(rows: np.ndarray, usable: np.ndarray, goal: np.ndarray, within: np.ndarray,
            most: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``most`` literals of the ``usable`` rows (n, w) of 64-bit words, uncomplemented ones
    first, that are 1 wherever ``goal`` is: as (node, negated) (k, 2), and their words (k, w)."""
    found = np.empty((most, 2), dtype=np.int64)
    words = np.empty((most, rows.shape[1]), dtype=np.uint64)
    k = 0
    for neg in range(2):
        for n in range(len(rows)):
            if not usable[n]:
                continue
            for w in range(rows.shape[1]):  # the literal into slot k, kept where it covers the goal
                words[k, w] = (~rows[n, w] & within[w]) if neg else rows[n, w]
                if goal[w] & ~words[k, w]:
                    break
            else:
                found[k, 0], found[k, 1] = n, neg
                k += 1
                if k == most:
                    return found, words
    return found[:k], words[:k]


@njit(cache=True)
def and_pairs(words: np.ndarray, goal: np.ndarray, within: np.ndarray, most: int) -> np.ndarray:
    """The first ``most`` pairs (i, j), i < j in row-major order, of rows of ``words`` (n, w)
    uint64 whose AND equals ``goal`` on the bits of ``within`` ((w,) each), as (pairs, 2)."""
    found = np.empty((most, 2), dtype=np.int64)
    k = 0
    for i in range(len(words)):
        for j in range(i + 1, len(words)):
            for w in range(words.shape[1]):
                if ((words[i, w] & words[j, w]) ^ goal[w]) & within[w]:
                    break
            else:
                found[k, 0], found[k, 1] = i, j
                k += 1
                if k == most:
                    return found
    return found[:k]


def cone_of(circuit: Circuit, node: int, cut: tuple[int, ...], readers: np.ndarray) -> list[int]:
    """The gates of ``node``'s cone above ``cut`` that nothing outside the cone reads (its maximum
    fanout-free cone bounded by the cut), ``node`` first: the gates a replacement frees."""
    m = circuit.inputs
    left: dict[int, int] = {}
    cone, stack = [], [node]
    while stack:
        n = stack.pop()
        cone.append(n)
        op, a, b = circuit.gates[n - m]
        for x in ((a,) if op == 3 else (a, b)):
            if x < m or x in cut:
                continue
            left[x] = left.get(x, int(readers[x])) - 1
            if left[x] == 0:
                stack.append(x)
    return cone


def synthesise(targets: list[int], inputs: int, basis: Basis, care: int | None = None, *,
               time_limit: float = 0.0, seed: int = 0, deadline: float | None = None) -> Circuit:
    """The smallest of the extraction, Shannon and decomposition constructions (:func:`construct`), each
    rewritten (:func:`rewrite`), on the inputs in their order and reversed, and, where every
    target is totally symmetric, of the count and the sort construction, and where the outputs
    are a weighted sum of the inputs (:func:`linear_form`), of the sum construction: a circuit right on
    every care row. With a ``time_limit`` (s), they are tried again on random orders of the inputs
    (from ``seed``) until it is spent. Past ``deadline`` (a :func:`time.perf_counter` time) no
    construction is started, and rewriting and the search for decompositions stop; the first is
    always finished. Constructions whose tables exceed :data:`TABLE_BYTES` are dropped;
    :class:`TooLarge` where the first does."""
    start, draw = perf_counter(), np.random.default_rng(seed)
    orders = [list(range(inputs)), list(range(inputs))[::-1]]  # results depend on the inputs' names
    best = None
    whole = (1 << (1 << inputs)) - 1 if care is None else care
    special = SYMMETRIC_HOWS[inputs > COUNT_INPUTS:] if all(count_values(t, whole, inputs) is not None
                                                            for t in targets) else ()
    if whole == (1 << (1 << inputs)) - 1 and linear_form(targets, inputs) is not None:
        special += ("sum",)
    for how in special:  # tried once: they do not depend on the inputs' order
        if best is not None and deadline is not None and perf_counter() > deadline:
            break
        try:
            circuit = rewrite(construct(targets, inputs, basis, care, how), basis, deadline=deadline)
        except TooLarge:
            continue
        if best is None or len(circuit) < len(best):
            best = circuit
    # cheapest first (the decompositions' search can take seconds on many outputs); none of
    # them beyond ORDER_SEARCH_INPUTS
    hows = ("extract", "shannon", "decompose")[: 3 if inputs <= ORDER_SEARCH_INPUTS else 2]
    if _sums_of_products(targets, inputs, whole, EXTRACT_PAIRS) is None:  # the plain sums: never the smallest
        hows = tuple(how for how in hows if how != "extract")
    while orders or perf_counter() - start < time_limit:
        order = orders.pop(0) if orders else [int(j) for j in draw.permutation(inputs)]
        tables = [_permuted(t, inputs, order) for t in targets]
        free = None if care is None else _permuted(care, inputs, order)
        for how in hows:
            if best is not None and deadline is not None and perf_counter() > deadline:
                return best
            try:
                circuit = _relabelled(rewrite(construct(tables, inputs, basis, free, how, deadline), basis,
                                              deadline=deadline), order)
            except TooLarge:
                if best is None:  # the first construction does not fit: the others would not either
                    raise
                continue
            if best is None or len(circuit) < len(best):
                best = circuit
    return best


def synthesise_rows(targets: list[int], columns: np.ndarray, basis: Basis, care: int | None = None, *,
                    deadline: float | None = None) -> Circuit:
    """A circuit over ``basis`` right on every ``care`` row of a sparse table, the rows being
    those whose inputs ``columns`` gives ((m, rows): x_(j+1) on each; targets and care are
    tables over these rows): each output a decision tree over the rows (:func:`_decision_tree`),
    with functional hashing across outputs, then cut rewriting, which also spends the input
    patterns no row has (:func:`rewrite`, until ``deadline``; skipped beyond :data:`REWRITE_CELLS`
    gates × rows)."""
    builder = Builder(columns.shape[0], basis, columns)
    care = builder.full if care is None else care
    outputs = [_decision_tree(builder, t & care, care) for t in targets]
    circuit = builder.circuit(outputs)
    if len(circuit) * columns.shape[1] > REWRITE_CELLS:  # rewriting holds every node's row values
        return circuit
    return rewrite(circuit, basis, columns=columns, deadline=deadline)


def _decision_tree(builder: Builder, f: int, care: int) -> Literal:
    """A literal equal to f on the care rows: a constant or an input literal where one fits,
    else s ? tree(f on the rows where s) : tree(f on the others), with s the input that leaves
    the least label entropy, Σ_side n·H(ones/n) over the care rows, on its two sides."""
    inputs, full = builder.tables[: builder.m], builder.full
    built: dict[tuple[int, int], Literal] = {}
    chosen: dict[tuple[int, int], int] = {}
    root = (f, care)
    stack = [root]
    while stack:
        key = stack[-1]
        if key in built:
            stack.pop()
            continue
        f, care = key
        if key not in chosen:
            fits = _fitting_literal(builder, f, care)
            if fits is not None:
                built[key] = fits
                stack.pop()
                continue
            chosen[key] = _entropy_split(inputs, f, care)
        x = inputs[chosen[key]]
        off = x ^ builder.full
        low, high = (f & off, care & off), (f & x, care & x)
        waiting = [side for side in (low, high) if side not in built]
        if waiting:
            stack.extend(waiting)
            continue
        built[key] = builder.mux((chosen[key], False), built[high], built[low])
        stack.pop()
    return built[root]


def _fitting_literal(builder: Builder, f: int, care: int) -> Literal | None:
    """The constant or input literal equal to f on the care rows, or None."""
    if f & care == 0:
        return -1, False
    if f & care == care:
        return builder.negate((-1, False))
    for j, x in enumerate(builder.tables[: builder.m]):
        differ = (x ^ f) & care
        if differ == 0:
            return j, False
        if differ == care:
            return builder.negate((j, False))
    return None


def _entropy_split(inputs: list[int], f: int, care: int) -> int:
    """The input that splits the care rows with the least label entropy left (see
    :func:`_decision_tree`); rows that agree on every input have one label, so one splits."""
    def entropy(ones: int, n: int) -> float:
        return 0.0 if ones in (0, n) else -ones * math.log2(ones / n) - (n - ones) * math.log2(1 - ones / n)

    total, ones = care.bit_count(), (f & care).bit_count()
    best, best_j = math.inf, -1
    for j, x in enumerate(inputs):
        n1 = (care & x).bit_count()
        if 0 < n1 < total:
            k1 = (f & care & x).bit_count()
            score = entropy(k1, n1) + entropy(ones - k1, total - n1)
            if score < best:
                best, best_j = score, j
    if best_j < 0:
        raise ValueError("two rows with the same inputs need different outputs")
    return best_j


def _permuted(table: int, m: int, order: list[int]) -> int:
    """The table over renamed inputs: input k of the result is input ``order[k]`` of ``table``."""
    if order == sorted(order):
        return table
    return table_of(bits_of(table, m).reshape((2,) * m).transpose(order).reshape(-1))


def _relabelled(circuit: Circuit, order: list[int]) -> Circuit:
    """A circuit over renamed inputs read back in the original names (input k is ``order[k]``)."""
    if order == sorted(order):
        return circuit
    m = circuit.inputs
    node = list(order) + [m + i for i in range(len(circuit))]
    gates = [ordered_gate(op, node[a], node[b]) for op, a, b in circuit.gates]
    outputs = tuple(node[o] if o >= 0 else -1 for o in circuit.outputs)
    return Circuit(m, tuple(gates), outputs, circuit.negated)
