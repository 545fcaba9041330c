"""Correct circuits at once: constructive synthesis of a whole truth table, then rewriting.

Functions are truth tables as Python integers of 2^m bits (bit r = value on row r, x1 the most
significant bit of r), so one table of up to 2^22 rows is one integer and a cofactor is a few
shifts. A *care* set (same form) marks the rows that count; the others are don't-cares.

- :class:`Builder` adds gates over a basis with *functional hashing*: a gate whose function (or,
  where complements are free, its complement) is already a node is not added again. XOR in
  ``aig`` is three ANDs; a complemented operand in ``and-or-not`` is a NOT gate.
- :func:`construct` synthesises every output by Shannon expansion, f = x·f₁ + x̄·f₀ (one gate when
  a cofactor is constant or, in b2, the complement of the other; else three), down to sub-functions
  of at most four variables, which are built from the exact four-input library
  (:func:`.enumeration.cost_table`). The variable to expand is chosen by a memoised estimate of
  the tree size over every order (up to :data:`ORDER_SEARCH_INPUTS` inputs), else greedily.
- :func:`rewrite` improves a circuit by cut rewriting: for every gate and every cut of at most
  four nodes below it, the gates only that gate's cone uses (its maximum fanout-free cone) are
  replaced by the library's circuit of the cut's function when that has fewer gates.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from .circuit import BASES, Basis, Circuit, negate_operands, ordered_gate
from .enumeration import cost_table

__all__ = ["Builder", "construct", "rewrite", "ORDER_SEARCH_INPUTS", "LEAF_INPUTS"]

#: Up to this many inputs the expansion order is chosen by a search over all orders.
ORDER_SEARCH_INPUTS = 9
#: Sub-functions of at most this many variables come from the exact library.
LEAF_INPUTS = 4
#: Cuts kept per node in rewriting.
CUTS_PER_NODE = 12

Literal = tuple  # (node, negated); node -1 is the constant 0


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
    full = (1 << (1 << m)) - 1
    low, high = f & ~x & full, f & x
    return low | (low << shift), high | (high >> shift)


def _apply(op: int, x: int, y: int, full: int) -> int:
    """The gate function ``op`` (bit 2u+v = op(u, v)) on tables x, y."""
    out = 0
    if op & 1:
        out |= ~x & ~y
    if op & 2:
        out |= ~x & y
    if op & 4:
        out |= x & ~y
    if op & 8:
        out |= x & y
    return out & full


class Builder:
    """A circuit over ``basis`` under construction, with functional hashing.

    ``tables[node]`` is each node's function. A literal is (node, negated), node -1 the constant
    0; :meth:`table` gives its function.
    """

    def __init__(self, inputs: int, basis: Basis):
        self.m, self.basis = inputs, basis
        self.full = (1 << (1 << inputs)) - 1
        self.tables = [variable_table(inputs, j) for j in range(inputs)]
        self.gates: list[tuple[int, int, int]] = []
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

    def _add(self, op: int, a: int, b: int) -> int:
        op, a, b = ordered_gate(op, a, b)
        t = _apply(op, self.tables[a], self.tables[b], self.full) if op != 3 else self.tables[a] ^ self.full
        self.gates.append((op, a, b))
        node = self.m + len(self.gates) - 1
        self.tables.append(t)
        self._register(t, node)
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

    def negate(self, x: Literal) -> Literal:
        if self.basis.free_complement or x[0] < 0:
            return x[0], not x[1]
        return self.known.get(self.table(x) ^ self.full) or (self._add(3, x[0], x[0]), False)

    def gate(self, op: int, x: Literal, y: Literal) -> Literal:
        """op(x, y) as a literal: an existing node where one computes it, else a new gate (or, for
        XOR in a basis without it, three)."""
        t = _apply(op, self.table(x), self.table(y), self.full)
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
            return self._add(op ^ 15 if neg else op, x[0], y[0]), neg
        if op in (8, 14):
            return self._add(op, self._plain(x), self._plain(y)), False
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
        """s ? high : low."""
        return self.gate(14, self.gate(8, s, high), self.gate(2, s, low))

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
    def library(self, f4: int, variables: list[Literal]) -> Literal:
        """The library's circuit of the four-input function ``f4`` with input j fed by
        ``variables[j]``."""
        circuit = leaf_circuit(f4)
        nodes: list[Literal] = list(variables) + [(-1, False)] * (4 - len(variables))
        for op, a, b in circuit.gates:
            nodes.append(self.negate(nodes[a]) if op == 3 else self.gate(op, nodes[a], nodes[b]))
        node, neg = circuit.outputs[0], circuit.negated[0]
        lit = nodes[node] if node >= 0 else (-1, False)
        return self.negate(lit) if neg else lit


def leaf_circuit(f4: int) -> Circuit:
    """The library's circuit of the four-input function ``f4``: a fewest-gate b2 circuit (the
    b2 enumeration settles every four-input function; a builder turns it into the basis)."""
    return cost_table(4, "b2").witness(f4)


@cache
def leaf_cost(f4: int, basis: str) -> int:
    """Gates of :func:`leaf_circuit` once built in ``basis`` on four separate inputs."""
    builder = Builder(4, BASES[basis])
    return len(builder.circuit([builder.library(f4, [(j, False) for j in range(4)])]))


def b2_costs() -> np.ndarray:
    """The exact b2 size of every four-input function (what don't-care completions minimise)."""
    return cost_table(4, "b2").upper


_FOUR_INPUT = np.arange(1 << 16)


def cheapest_completion(f4: int, c4: int, costs: np.ndarray) -> int:
    """The four-input function of least ``costs`` that equals f4 on the rows of c4."""
    fits = np.flatnonzero((_FOUR_INPUT ^ f4) & c4 == 0)
    return int(fits[np.argmin(costs[fits])])


def _project(f: int, m: int, support: list[int]) -> int:
    """f (depending only on ``support``, ≤ 4 variables) as a four-input table, variable k of
    the table being x_(support[k]+1)."""
    out = 0
    for r in range(16):
        row = sum(((r >> (3 - k)) & 1) << (m - 1 - v) for k, v in enumerate(support))
        out |= ((f >> row) & 1) << r
    return out


class _Synthesis:
    """Shannon expansion with a memoised size estimate, for one builder (shared by outputs)."""

    def __init__(self, builder: Builder):
        self.b, self.m = builder, builder.m
        self.basis = builder.basis.name
        self.estimates: dict[tuple[int, int], int] = {}
        self.built: dict[tuple[int, int], Literal] = {}
        self.xor_gates = 1 if 6 in builder.basis.ops else 3

    def support(self, f: int, care: int) -> tuple[int, int, list[int]]:
        """(f, care) with every variable f does not depend on (on the care rows) merged away,
        and the variables that remain."""
        keep = []
        full = care == self.b.full
        for j in range(self.m):
            f0, f1 = cofactors(f, self.m, j)
            c0, c1 = (care, care) if full else cofactors(care, self.m, j)
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
            f4 = cheapest_completion(f4, c4, b2_costs())
        return leaf_cost(f4, self.basis), f4

    def estimate(self, f: int, care: int) -> int:
        """Gates of the expansion of (f, care) as a tree (sharing not counted), best order."""
        f, care, support = self.support(f, care)
        key = (f, care)
        if key in self.estimates:
            return self.estimates[key]
        if f in self.b.known or f == care or f == 0:
            cost = 0
        elif len(support) <= LEAF_INPUTS:
            cost = self.leaf(f, care, support)[0]
        else:
            order = support if self.m <= ORDER_SEARCH_INPUTS else [self.greedy(f, care, support)]
            cost = min(self.split_cost(f, care, j) for j in order)
        self.estimates[key] = cost
        return cost

    def split_cost(self, f: int, care: int, j: int) -> int:
        (f0, f1), (c0, c1) = cofactors(f, self.m, j), cofactors(care, self.m, j)
        return self.estimate(f0 & c0, c0) + self.estimate(f1 & c1, c1) + self.join_cost(f0, c0, f1, c1)

    def join_cost(self, f0: int, c0: int, f1: int, c1: int) -> int:
        both = c0 & c1
        if f0 & c0 == 0 or f1 & c1 == 0 or (f0 & c0) == c0 or (f1 & c1) == c1:
            return 1
        if (f0 ^ f1 ^ self.b.full) & both == 0:
            return self.xor_gates
        return 3

    def greedy(self, f: int, care: int, support: list[int]) -> int:
        """The variable whose cofactors have the fewest support variables in all."""
        def size(j):
            (f0, f1), (c0, c1) = cofactors(f, self.m, j), cofactors(care, self.m, j)
            return len(self.support(f0 & c0, c0)[2]) + len(self.support(f1 & c1, c1)[2])
        return min(support, key=size)

    def build(self, f: int, care: int) -> Literal:
        """A literal computing f on the care rows."""
        f, care, support = self.support(f, care)
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
            order = support if self.m <= ORDER_SEARCH_INPUTS else [self.greedy(f, care, support)]
            j = min(order, key=lambda v: self.split_cost(f, care, v))
            (f0, f1), (c0, c1) = cofactors(f, self.m, j), cofactors(care, self.m, j)
            low, high = self.build(f0 & c0, c0), self.build(f1 & c1, c1)
            x = (j, False)
            if (f0 ^ f1 ^ b.full) & c0 & c1 == 0 and b.table(low) ^ b.table(high) == b.full:
                lit = b.gate(6, x, low)  # x ? ~low : low
            else:
                lit = b.mux(x, high, low)
        self.built[key] = lit
        return lit


def construct(targets: list[int], inputs: int, basis: Basis, care: int | None = None) -> Circuit:
    """A circuit over ``basis`` computing every target table (one per output bit, as integers of
    2^inputs bits) on the ``care`` rows (default: all), by Shannon expansion down to the exact
    four-input library, with functional hashing across outputs (see the module doc)."""
    builder = Builder(inputs, basis)
    synthesis = _Synthesis(builder)
    care = builder.full if care is None else care
    outputs = [synthesis.build(t & care, care) for t in targets]
    return builder.circuit(outputs)


def rewrite(circuit: Circuit, basis: Basis, rounds: int = 4) -> Circuit:
    """``circuit`` with cut rewriting applied until no cut gains or ``rounds`` passes are done; it
    computes the same function on every row, in no more gates."""
    for _ in range(rounds):
        better = _rewrite_pass(circuit, basis)
        if len(better) >= len(circuit):
            break
        circuit = better
    return circuit


def _cuts(circuit: Circuit) -> list[list[tuple[int, ...]]]:
    """Up to :data:`CUTS_PER_NODE` cuts of at most four nodes for every node, smallest first
    (a node's cuts are its own and the unions of one cut of each operand)."""
    m = circuit.inputs
    cuts: list[list[tuple[int, ...]]] = [[(j,)] for j in range(m)]
    for op, a, b in circuit.gates:
        found = {tuple(sorted(set(u) | set(v))) for u in cuts[a] for v in (cuts[b] if op != 3 else [()])}
        keep = sorted((c for c in found if len(c) <= LEAF_INPUTS), key=len)[:CUTS_PER_NODE]
        cuts.append([(len(cuts),)] + keep)
    return cuts


def _rewrite_pass(circuit: Circuit, basis: Basis) -> Circuit:
    """One pass: nodes in order, each rebuilt through the cheapest library replacement of a cut
    when that beats the gates its cone alone uses, else copied."""
    m = circuit.inputs
    tables = [int.from_bytes(np.packbits(row, bitorder="little").tobytes(), "little") for row in circuit.node_tables()]
    costs = b2_costs()
    readers = np.zeros(m + len(circuit), dtype=np.int64)
    for op, a, b in circuit.gates:
        readers[a] += 1
        if op != 3:
            readers[b] += 1
    for node in circuit.outputs:
        if node >= 0:
            readers[node] += 1
    cuts = _cuts(circuit)
    replace: dict[int, tuple[int, tuple[int, ...]]] = {}
    for i in range(len(circuit)):
        node = m + i
        best = None
        for cut in cuts[node][1:]:
            if node in cut:
                continue
            f4 = _cut_function(tables, node, cut, m, costs)
            gain = _cone_size(circuit, node, cut, readers) - leaf_cost(f4, basis.name)
            if gain > 0 and (best is None or gain > best[0]):
                best = (gain, cut)
        if best is not None:
            replace[node] = best
    builder = Builder(m, basis)
    new: dict[int, Literal] = {j: (j, False) for j in range(m)}
    for i, (op, a, b) in enumerate(circuit.gates):
        node = m + i
        if node in replace:
            cut = replace[node][1]
            new[node] = builder.library(_cut_function(tables, node, cut, m, costs), [new[c] for c in cut])
        else:
            new[node] = builder.negate(new[a]) if op == 3 else builder.gate(op, new[a], new[b])
    outputs = []
    for node, neg in zip(circuit.outputs, circuit.negated):
        lit = new[node] if node >= 0 else (-1, False)
        outputs.append(builder.negate(lit) if neg else lit)
    return builder.circuit(outputs)


def _cut_function(tables: list[int], node: int, cut: tuple[int, ...], m: int, costs: np.ndarray) -> int:
    """The cheapest four-input table that gives ``node`` as a function of the cut's nodes (cut
    node k is variable k) on every pattern of cut values that occurs; the others are free."""
    rows = np.arange(1 << m)
    patterns = np.zeros(1 << m, dtype=np.int64)
    for k, c in enumerate(cut):
        patterns |= _bits(tables[c], rows) << (3 - k)
    value = np.zeros(16, dtype=np.int64)
    value[patterns] = _bits(tables[node], rows)
    occurs = np.zeros(16, dtype=bool)
    occurs[patterns] = True
    f4 = int((value << np.arange(16)).sum())
    c4 = int((occurs.astype(np.int64) << np.arange(16)).sum())
    return cheapest_completion(f4, c4, costs)


def _bits(table: int, rows: np.ndarray) -> np.ndarray:
    """The table's value on every row, as an int64 array."""
    raw = np.frombuffer(table.to_bytes((len(rows) + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[: len(rows)].astype(np.int64)


def _cone_size(circuit: Circuit, node: int, cut: tuple[int, ...], readers: np.ndarray) -> int:
    """Gates of ``node``'s cone above ``cut`` that nothing outside the cone reads (its maximum
    fanout-free cone bounded by the cut): the gates a replacement frees."""
    m = circuit.inputs
    left = {}
    freed, stack = 0, [node]
    while stack:
        n = stack.pop()
        freed += 1
        op, a, b = circuit.gates[n - m]
        for x in ((a,) if op == 3 else (a, b)):
            if x < m or x in cut:
                continue
            left[x] = left.get(x, int(readers[x])) - 1
            if left[x] == 0:
                stack.append(x)
    return freed


def synthesise(targets: list[int], inputs: int, basis: Basis, care: int | None = None, *,
               time_limit: float | None = None, seed: int = 0) -> Circuit:
    """A correct circuit of the targets (see :func:`construct`), rewritten (:func:`rewrite`)."""
    return rewrite(construct(targets, inputs, basis, care), basis)
