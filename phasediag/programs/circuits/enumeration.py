"""Exhaustive enumeration of small circuits: the least size of every function of m ≤ 4 inputs.

A function of m inputs is its truth table, an integer of 2^m bits (bit r = value on row r, x1
the most significant bit of r). The enumerator walks every *chain* (sequence of gates) up to a
depth D, bit-parallel in Numba, recording for each function reached the least number of gates:

- *Normal chains*. With free complements (b2, aig) every gate is made normal (value 0 on row 0)
  by complementing it and its uses, so only the 2^(2^m - 1) normal functions are stored.
- *No repeats*: a gate never recomputes a constant, an input or an earlier gate; only a
  chain's last gate may be the constant 1 where complements are not free (``and-or-not``
  has no other way to output it: x + x̄, two gates).
- *One order per chain*: gate j+1 either reads gate j or has a larger truth table (every DAG
  has such an order: always place the smallest available gate).
- *Sinks*: a minimal chain of c gates ends with one unread gate, and each gate reads at most
  two, so after d gates at most c - d + 1 gates may be unread.
- *Symmetry*: costs are invariant under permuting inputs (and, with free complements, negating
  them), so only first gates that are orbit representatives are tried, and every function takes
  the least cost in its orbit.

Depth D grows while the next level is predicted to stay within :data:`LEAF_BUDGET` gate
evaluations, which reaches D = 6 for four inputs in b2. Every function found has its exact cost;
every other costs at least D + 1. Upper bounds follow by composition, cost(op(g, h)) ≤ cost(g) +
cost(h) + 1, level by level; a function whose bound is D + 1 is then exact too. For four inputs
in b2 this settles all 65,536 functions, and the counts by cost are Knuth's (TAOCP 7.1.2).

From the table, C(ε) of a target t is min{cost(f) : weighted Hamming distance(f, t) ≤ ε}
(:func:`enumeration_diagram`), and the census of C over all functions at every error budget of
k rows is a min-plus erosion over the hypercube (:func:`census`).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from functools import cache
from time import perf_counter
from typing import Sequence

import numpy as np

from ... import views
from ...diagram import MethodInfo, PhaseDiagram, Step, TaskInfo
from ...errors import ParameterError
from ...front import Progress, answering, eps_budgets, require_method
from ...jit import njit
from ...tables import input_bit, input_bits
from .circuit import BASES, Basis, Circuit, gate_word, negate_operands, ordered_gate

__all__ = ["CostTable", "cost_table", "costs_within", "census", "enumeration_diagram", "MAX_INPUTS", "LEAF_BUDGET"]

#: Largest number of inputs the enumerator takes (2^16 functions).
MAX_INPUTS = 4
#: Gate evaluations the exhaustive search may spend on its deepest level.
LEAF_BUDGET = 400_000_000
_UNKNOWN = 127


# --- kernels --------------------------------------------------------------------------------
@njit(cache=True, inline="always")
def _gate(op, x, y, mask, free_complement):
    """(f, op): the gate's truth table and op, both complemented if needed to make f normal."""
    f = gate_word(op, x, y) & mask
    if free_complement and (f & 1):
        return f ^ mask, op ^ 15
    return f, op


@njit(cache=True)
def _record(f, op, a, b, depth, cost, wit, g_op, g_a, g_b):
    if cost[f] > depth + 1:
        cost[f] = depth + 1
        for i in range(depth):
            wit[f, i, 0] = g_op[i]
            wit[f, i, 1] = g_a[i]
            wit[f, i, 2] = g_b[i]
        wit[f, depth, 0] = op
        wit[f, depth, 1] = a
        wit[f, depth, 2] = b


@njit(cache=True)
def _last_gates(m, depth, tt, fanout, ops, unary, free_complement, mask, cost, wit, g_op, g_a, g_b, sinks):
    """Every last gate of a chain of ``depth`` gates: it must read every unread gate (≤ 2),
    one of which is the newest. Returns the number of gates evaluated."""
    n = m + depth
    last = n - 1
    other = -1
    if sinks == 2:
        for g in range(m, last):
            if fanout[g] == 0:
                other = g
    count = 0
    for x in range(n):
        if sinks == 2 and x != other:
            continue
        a, b = min(x, last), max(x, last)
        for o in range(len(ops)):
            if unary[o] != (a == b):
                continue
            f, op = _gate(ops[o], tt[a], tt[b], mask, free_complement)
            count += 1
            if cost[f] > depth + 1:
                _record(f, op, a, b, depth, cost, wit, g_op, g_a, g_b)
    return count


@njit(cache=True)
def _chains(m, max_gates, ops, unary, free_complement, first, cost, wit):
    """Depth-first walk over the canonical chains of ≤ ``max_gates`` gates whose gate 0 is
    ``first`` = (op, a, b), recording least costs and a chain per function. Returns the number of
    last gates evaluated."""
    rows = 1 << m
    mask = (1 << rows) - 1
    n_ops = len(ops)
    tt = np.zeros(m + max_gates, np.int64)
    fanout = np.zeros(m + max_gates, np.int64)
    present = np.zeros(mask + 1, np.uint8)
    g_op = np.zeros(max_gates, np.int64)
    g_a = np.zeros(max_gates, np.int64)
    g_b = np.zeros(max_gates, np.int64)
    ca = np.zeros(max_gates, np.int64)
    cb = np.zeros(max_gates, np.int64)
    co = np.zeros(max_gates, np.int64)
    for j in range(m):
        t = 0
        for r in range(rows):
            if input_bit(r, j, m):
                t |= 1 << r
        tt[j] = t
        present[t] = 1
    present[0] = 1
    if not free_complement:  # no inner gate is the constant 1 (a last gate may be)
        present[mask] = 1
    a, b = first[1], first[2]
    f, op = _gate(first[0], tt[a], tt[b], mask, free_complement)
    _record(f, op, a, b, 0, cost, wit, g_op, g_a, g_b)
    if max_gates == 1 or present[f]:
        return 1
    tt[m] = f
    present[f] = 1
    fanout[a] += 1
    if b != a:
        fanout[b] += 1
    g_op[0], g_a[0], g_b[0] = op, a, b
    if max_gates == 2:
        return _last_gates(m, 1, tt, fanout, ops, unary, free_complement, mask, cost, wit, g_op, g_a, g_b, 1)
    leaves = 0
    sinks = 1
    depth = 1
    ca[1], cb[1], co[1] = 0, 0, -1
    while depth >= 1:
        n = m + depth
        a, b, o = ca[depth], cb[depth], co[depth]
        found = False
        new_sinks = 0
        while True:  # the next admissible gate at this depth
            o += 1
            if o == n_ops:
                o = 0
                b += 1
                if b == n:
                    a += 1
                    b = a
                    if a == n:
                        break
            if unary[o] != (a == b):
                continue
            new_sinks = sinks + 1
            if a >= m and fanout[a] == 0:
                new_sinks -= 1
            if b != a and b >= m and fanout[b] == 0:
                new_sinks -= 1
            if new_sinks > max_gates - depth:
                continue
            f, op = _gate(ops[o], tt[a], tt[b], mask, free_complement)
            if present[f]:
                if f == mask:  # the constant 1 (no free complements) ends a chain, never extends one
                    _record(f, op, a, b, depth, cost, wit, g_op, g_a, g_b)
                continue
            last = n - 1
            if depth > 1 and a != last and b != last and f < tt[last]:
                continue
            found = True
            break
        ca[depth], cb[depth], co[depth] = a, b, o
        if not found:  # back up: remove gate depth - 1
            depth -= 1
            if depth < 1:
                break
            g = m + depth
            present[tt[g]] = 0
            pa, pb = g_a[depth], g_b[depth]
            fanout[pa] -= 1
            if pb != pa:
                fanout[pb] -= 1
            sinks -= 1
            if pa >= m and fanout[pa] == 0:
                sinks += 1
            if pb != pa and pb >= m and fanout[pb] == 0:
                sinks += 1
            continue
        _record(f, op, a, b, depth, cost, wit, g_op, g_a, g_b)
        g = m + depth
        tt[g] = f
        present[f] = 1
        fanout[a] += 1
        if b != a:
            fanout[b] += 1
        g_op[depth], g_a[depth], g_b[depth] = op, a, b
        if depth + 2 == max_gates:
            leaves += _last_gates(m, depth + 1, tt, fanout, ops, unary, free_complement, mask,
                                  cost, wit, g_op, g_a, g_b, new_sinks)
            present[f] = 0
            fanout[a] -= 1
            if b != a:
                fanout[b] -= 1
            continue
        sinks = new_sinks
        depth += 1
        ca[depth], cb[depth], co[depth] = 0, 0, -1
    return leaves


@njit(cache=True)
def _transform(f, row_map):
    g = 0
    for r in range(len(row_map)):
        g |= ((f >> row_map[r]) & 1) << r
    return g


@njit(cache=True)
def _orbit_min(cost, maps, free_complement, mask, source, via):
    """cost[f] ← min over the symmetry group of cost[T f]; ``source``/``via`` say where from."""
    out = cost.copy()
    for f in range(len(cost)):
        if free_complement and (f & 1):
            continue
        for k in range(maps.shape[0]):
            g = _transform(f, maps[k])
            if free_complement and (g & 1):
                g ^= mask
            if cost[g] < out[f]:
                out[f] = cost[g]
                source[f] = g
                via[f] = k
    return out


@njit(cache=True)
def _compose(upper, level, ops, unary, free_complement, mask, recipe):
    """Functions op(g, h) with upper[g] + upper[h] + 1 = ``level`` (disjoint subcircuits) get
    upper bound ``level`` where it improves. Returns how many improved."""
    by_cost = [np.flatnonzero(upper == c) for c in range(level)]
    improved = 0
    for cg in range(level):
        ch = level - 1 - cg
        if ch < cg:
            break
        G, H = by_cost[cg], by_cost[ch]
        for i in range(len(G)):
            g = G[i]
            start = i if cg == ch else 0
            for j in range(start, len(H)):
                h = H[j]
                for o in range(len(ops)):
                    if unary[o]:
                        continue
                    f = gate_word(ops[o], g, h) & mask
                    if free_complement and (f & 1):
                        f ^= mask
                    if upper[f] > level:
                        upper[f] = level
                        recipe[f, 0], recipe[f, 1], recipe[f, 2] = ops[o], g, h
                        improved += 1
    if level >= 1 and not free_complement:  # NOT gates
        for g in by_cost[level - 1]:
            f = g ^ mask
            if upper[f] > level:
                upper[f] = level
                recipe[f, 0], recipe[f, 1], recipe[f, 2] = 3, g, g
                improved += 1
    return improved


@njit(cache=True)
def _erode(costs, m):
    """C_{k+1}(t) = min(C_k(t), min_i C_k(t with row i flipped)): least cost within k+1 rows."""
    out = costs.copy()
    for t in range(len(costs)):
        for i in range(1 << m):
            c = costs[t ^ (1 << i)]
            if c < out[t]:
                out[t] = c
    return out


@njit(cache=True)
def _distances(target, weights, m):
    """Weighted Hamming distance from every truth table to ``target``."""
    n = 1 << (1 << m)
    out = np.zeros(n, np.int64)
    for f in range(n):
        d = 0
        diff = f ^ target
        for r in range(1 << m):
            if (diff >> r) & 1:
                d += weights[r]
        out[f] = d
    return out


# --- the cost table ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CostTable:
    """Least circuit size of every m-input function over a basis, indexed by truth table.

    ``lower[f] ≤ C(f) ≤ upper[f]`` (gates); equal where exact. ``exhaustive_depth`` is the depth
    D the chains were walked to: every function with C(f) ≤ D is exact.
    """

    inputs: int
    basis: Basis
    lower: np.ndarray
    upper: np.ndarray
    exhaustive_depth: int
    leaves: int
    _chains: np.ndarray
    _source: np.ndarray
    _via: np.ndarray
    _recipe: np.ndarray
    _maps: tuple
    _map_rows: np.ndarray

    @property
    def exact(self) -> bool:
        return bool((self.lower == self.upper).all())

    def _normal(self, f: int) -> tuple[int, bool]:
        mask = (1 << (1 << self.inputs)) - 1
        if self.basis.free_complement and f & 1:
            return f ^ mask, True
        return f, False

    def witness(self, f: int) -> Circuit:
        """A circuit of ``upper[f]`` gates computing f (its truth table as an integer)."""
        normal, complemented = self._normal(f)
        gates, node, flip = self._build(normal, list(range(self.inputs)), set())
        return Circuit(self.inputs, tuple(gates), (node,), (flip != complemented,))

    def _build(self, f: int, inputs: list[int], negate: set[int]) -> tuple[list, int, bool]:
        """Gates computing f in a frame where variable j is node ``inputs[j]``, complemented
        if j is in ``negate``: (gates, node, flip), the node computing f XOR flip."""
        m = self.inputs
        mask = (1 << (1 << m)) - 1
        if f == 0 or (f == mask and self.basis.free_complement):
            return [], -1, f == mask
        for j in range(m):
            if f == _input_table(m, j):
                return [], inputs[j], j in negate
        if self._recipe[f, 0] >= 0:
            op, g, h = (int(v) for v in self._recipe[f])
            gates, node_g, flip_g = self._build(g, inputs, negate)
            gates_h, node_h, flip_h = self._build(h, inputs, negate)
            node_h = node_h + len(gates) if node_h >= m else node_h
            gates += _shift(gates_h, m, len(gates))
            if op == 3:
                gate, flip = (3, node_g, node_g), flip_g
            else:
                gate = ordered_gate(negate_operands(op, flip_g, flip_h), node_g, node_h)
                flip = (gate_word(op, g, h) & mask) != f
            return gates + [gate], m + len(gates), flip
        if self._via[f] < 0:
            chain = [tuple(int(v) for v in self._chains[f, i]) for i in range(int(self.lower[f]))]
            return _rewire(chain, m, inputs, negate), m + len(chain) - 1, False
        # (T f)(y) = f(z) with z_j = y_perm[j] ^ neg_j: a circuit for T f over y computes f once
        # y_i is fed z_j ^ neg_j, j = perm^-1(i).
        perm, neg = self._maps[int(self._via[f])]
        inverse = {p: j for j, p in enumerate(perm)}
        frame = [inputs[inverse[i]] for i in range(m)]
        flipped = {i for i in range(m) if ((neg >> inverse[i]) & 1) != (inverse[i] in negate)}
        transformed = _transform(f, self._map_rows[int(self._via[f])])
        gates, node, flip = self._build(int(self._source[f]), frame, flipped)
        return gates, node, flip != (transformed != int(self._source[f]))


def _input_table(m: int, j: int) -> int:
    """x_(j+1) as a truth table: bit r set where x_(j+1) = 1 on row r."""
    return sum(1 << r for r in np.flatnonzero(input_bits(m)[j]).tolist())


def _shift(gates, m, by):
    return [(op, a + by if a >= m else a, b + by if b >= m else b) for op, a, b in gates]


def _rewire(chain, m, inputs, negate):
    """A chain over variables 0..m-1 rewired to read variable j from node ``inputs[j]``,
    complemented where j is in ``negate`` (absorbed into the reading gate's op)."""
    out = []
    for op, a, b in chain:
        if op == 3 and a == b:
            out.append((3, inputs[a], inputs[a]) if a < m else (3, a, b))
            continue
        op = negate_operands(op, a < m and a in negate, b < m and b in negate)
        out.append(ordered_gate(op, inputs[a] if a < m else a, inputs[b] if b < m else b))
    return out


def _symmetries(m: int, with_negations: bool) -> tuple[list, np.ndarray]:
    """The group of input permutations (× input negations): (perm, negation mask) pairs and
    their row maps, (T f)(r) = f(map[r])."""
    group = [(perm, neg) for perm in itertools.permutations(range(m))
             for neg in range(1 << m if with_negations else 1)]
    maps = np.zeros((len(group), 1 << m), dtype=np.int64)
    for k, (perm, neg) in enumerate(group):
        for r in range(1 << m):
            src = 0
            for j in range(m):
                bit = ((r >> (m - 1 - perm[j])) & 1) ^ ((neg >> j) & 1)
                src |= bit << (m - 1 - j)
            maps[k, r] = src
    return group, maps


#: The arrays of a :class:`CostTable` kept on disk (the symmetry group is recomputed).
_STORED = ("lower", "upper", "_chains", "_source", "_via", "_recipe")


@cache
def cost_table(inputs: int, basis: str = "b2", max_depth: int | None = None) -> CostTable:
    """The :class:`CostTable` of every ``inputs``-input function over ``basis`` (m ≤ 4).

    ``max_depth`` sets the exhaustive depth (default: as deep as :data:`LEAF_BUDGET` allows, or
    until every function is reached). Cached per arguments, and kept between runs in the user's
    cache folder (:func:`stored_table_path`; four inputs take 1 s to enumerate in b2, 5 s in aig,
    10 s in and-or-not), read back where the enumerator's code is the same.
    """
    if not 1 <= inputs <= MAX_INPUTS:
        raise ParameterError(f"Circuit enumeration takes 1 to {MAX_INPUTS} inputs (2^16 functions); "
                             f"got {inputs}. Use --method cpsat for up to 8 inputs.")
    path = stored_table_path(inputs, basis, max_depth)
    try:
        with np.load(path) as stored:
            arrays = {name: stored[name] for name in _STORED}
            depth, leaves = (int(x) for x in stored["depth_leaves"])
        group, maps = _symmetries(inputs, BASES[basis].free_complement)
        return CostTable(inputs, BASES[basis], arrays["lower"], arrays["upper"], depth, leaves, arrays["_chains"],
                         arrays["_source"], arrays["_via"], arrays["_recipe"], tuple(group), maps)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):  # none kept yet, or unreadable
        pass
    table = _enumerated(inputs, basis, max_depth)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.npz")
        np.savez(partial, depth_leaves=np.array([table.exhaustive_depth, table.leaves]),
                 **{name: getattr(table, name) for name in _STORED})
        os.replace(partial, path)  # whole or not at all
    except OSError:  # a read-only home: enumerate next time too
        pass
    return table


def stored_table_path(inputs: int, basis: str, max_depth: int | None) -> Path:
    """Where :func:`cost_table` keeps a table: ``$XDG_CACHE_HOME/phasediag`` (default
    ``~/.cache/phasediag``), named by the arguments and a hash of the enumerator's code."""
    code = hashlib.sha256(Path(__file__).read_bytes() + Path(__file__).with_name("circuit.py").read_bytes())
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "phasediag"
    return root / f"cost-table-{inputs}-{basis}-{max_depth}-{code.hexdigest()[:16]}.npz"


def _enumerated(inputs: int, basis: str, max_depth: int | None) -> CostTable:
    """The :class:`CostTable` by enumeration (see the module doc)."""
    spec = BASES[basis]
    m, rows = inputs, 1 << inputs
    n_functions, mask = 1 << rows, (1 << rows) - 1
    ops = np.array(spec.normal_ops, dtype=np.int64)
    unary = np.array([op == 3 for op in spec.normal_ops], dtype=np.bool_)
    group, maps = _symmetries(m, spec.free_complement)
    cost = np.full(n_functions, _UNKNOWN, dtype=np.int8)
    for f in [0] + [_input_table(m, j) for j in range(m)]:  # without free complements, 1 = x + x̄
        cost[f] = 0
    # first gates: one per orbit
    firsts, seen = [], set()
    for o, op in enumerate(spec.normal_ops):
        for a in range(m):
            for b in range(a, m):
                if unary[o] != (a == b):
                    continue
                f = gate_word(op, _input_table(m, a), _input_table(m, b)) & mask
                orbit = {_transform(f, maps[k]) for k in range(len(group))}
                if spec.free_complement:
                    orbit = {g ^ mask if g & 1 else g for g in orbit}
                if not orbit & seen:
                    seen |= orbit
                    firsts.append(np.array([op, a, b], dtype=np.int64))
    normal = np.arange(n_functions) % 2 == 0 if spec.free_complement else np.ones(n_functions, bool)
    depth_cap = max_depth if max_depth is not None else _UNKNOWN - 1
    depth, leaves, previous, wit = 0, 0, 0, np.zeros((n_functions, 1, 3), dtype=np.int8)
    while depth < depth_cap and (cost[normal] == _UNKNOWN).any():
        if max_depth is None and leaves and previous and leaves * (leaves / previous) > LEAF_BUDGET:
            break
        depth += 1
        wit = np.zeros((n_functions, depth, 3), dtype=np.int8)
        run = np.full(n_functions, _UNKNOWN, dtype=np.int8)
        run[cost == 0] = 0
        previous, leaves = leaves, 0
        for first in firsts:
            leaves += _chains(m, depth, ops, unary, spec.free_complement, first, run, wit)
        cost = run
    source = np.full(n_functions, -1, dtype=np.int64)
    via = np.full(n_functions, -1, dtype=np.int64)
    lower = _orbit_min(cost, maps, spec.free_complement, mask, source, via)
    lower[lower == _UNKNOWN] = depth + 1
    upper = np.where(lower <= depth, lower, _UNKNOWN).astype(np.int8)
    recipe = np.full((n_functions, 3), -1, dtype=np.int64)
    level = depth + 1
    while (upper[normal] == _UNKNOWN).any() and level < _UNKNOWN:
        _compose(upper, level, ops, unary, spec.free_complement, mask, recipe)
        level += 1
    if spec.free_complement:  # fill in the complements
        odd = np.arange(1, n_functions, 2)
        lower[odd], upper[odd] = lower[odd ^ mask], upper[odd ^ mask]
    return CostTable(m, spec, lower, upper, depth, leaves, wit, source, via, recipe, tuple(group), maps)


def costs_within(inputs: int = 4, basis: str = "b2") -> list[np.ndarray]:
    """``[C_0, C_1, ..., C_{2^m}]``: C_k[f] is the least size of a circuit that differs from
    the function f on at most k rows (exact costs only: refused where the table has bounds)."""
    table = cost_table(inputs, basis)
    if not table.exact:
        raise ParameterError(f"The {basis} costs of {inputs}-input functions are not all settled by "
                             f"enumeration within its budget (exhaustive to {table.exhaustive_depth} "
                             f"gates), so no exact census; try basis b2.")
    out = [table.upper]
    for _ in range(1 << inputs):
        out.append(_erode(out[-1], inputs))
    return out


def census(inputs: int = 4, basis: str = "b2") -> dict[int, list[int]]:
    """For every budget of k wrong rows (k = 0..2^m): how many m-input functions f have
    C_k(f) = c, for c = 0, 1, ...: ``{k: [count of cost 0, count of cost 1, ...]}``."""
    within = costs_within(inputs, basis)
    top = int(within[0].max())
    return {k: np.bincount(costs, minlength=top + 1)[: top + 1].tolist() for k, costs in enumerate(within)}


def enumeration_diagram(task, programs, *, eps: Sequence[float] | None = None,
                        max_complexity: int | None = None, progress: Progress | None = None) -> PhaseDiagram:
    """The front of circuits on ``task`` (one output bit, ≤ 4 inputs) from the cost table:
    C(ε) = min{C(f) : weighted distance(f, target) ≤ ε·total}. Steps are optimal where the
    table is exact up to their size, else bounds."""
    require_method(programs, "enumerate", enumeration_diagram)
    start = perf_counter()
    table = views.boolean_encoding(task)
    if table.outputs != 1:
        raise ParameterError(f"Method 'enumerate' takes one output bit; {task.spec} has "
                             f"{len(task.labels)} labels ({table.outputs} bits). Use --method cpsat.")
    if table.inputs > MAX_INPUTS:
        raise ParameterError(f"Method 'enumerate' takes at most {MAX_INPUTS} inputs; {task.spec} has "
                             f"{table.inputs} input bits as a Boolean function. Use --method cpsat (up to 8 inputs).")
    total = task.total_weight
    budgets = eps_budgets(eps, total)
    if progress is not None:
        progress("enumerate", 0, 1)
    costs = cost_table(table.inputs, programs.basis.name)
    if progress is not None:
        progress("enumerate", 1, 1)
    target = int(sum(1 << r for r in range(table.rows) if table.target[r]))
    distance = _distances(target, table.weights.astype(np.int64), table.inputs)
    settled_below = int(costs.lower[costs.lower < costs.upper].min(initial=_UNKNOWN))
    front, best = [], None
    for c in range(int(costs.upper.max()) + 1):
        if max_complexity is not None and c > max_complexity:
            break
        reach = np.flatnonzero(costs.upper <= c)
        f = int(reach[np.argmin(distance[reach])])
        if best is None or distance[f] < best:
            best = int(distance[f])
            front.append((c, best, f))
        if best == 0:
            break
    if budgets:
        front = answering(front, budgets)
    steps = []
    for c, wrong, f in front:
        witness = costs.witness(f)
        programs.check(witness)
        if len(witness) != c or programs.wrong_weight(task, witness) != wrong:
            raise AssertionError(f"enumerated witness does not re-evaluate to ({c}, {wrong})")
        if c < settled_below:
            steps.append(Step(c, wrong / total, wrong, total, "optimal", witness))
        else:
            lower = int(costs.lower[distance <= wrong].min())
            steps.append(Step(c, wrong / total, wrong, total, "optimal" if lower == c else "bounds",
                              witness, None if lower == c else lower))
    return PhaseDiagram(
        task=TaskInfo.of(task),
        programs=programs.spec,
        method=MethodInfo("enumerate", {"max_complexity": max_complexity, "eps": list(eps) if eps else None}),
        steps=steps,
        runtime_s=perf_counter() - start,
        diagnostics={"exhaustive_depth": costs.exhaustive_depth, "last_level_gates": costs.leaves,
                     "table_exact": costs.exact},
        complete=True,
    )
