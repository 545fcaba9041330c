"""Sampler moves on circuits (Numba): the Cartesian-genetic-programming genotype.

A genotype has a fixed number G of gates; gate g applies a function of the basis to two distinct
earlier nodes (inputs or gates), and each output bit names a node or the constant 0 (with a
free complement bit in b2 and aig). The program is the *active* part, the gates the outputs
reach, and its complexity their number; inactive gates are free, so most moves are neutral and
the walk drifts through them. A move is a point mutation of one gene, drawn uniformly, its new
value uniform among the others (symmetric: no Hastings correction).

Truth tables are bit-parallel (row r of the task's Boolean table is bit r mod 64 of word r // 64).
A mutation re-evaluates only the active gates it can change (at or after the mutated gate, or
newly active), word by word, and stops scoring rows as soon as the wrong weight so far makes the
proposal certain to be rejected. Weights are exact: split into bit planes, wrong = Σ_p 2^p ·
popcount(mismatch & plane_p).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ... import views
from ...errors import ParameterError
from ...streams import compiled, copy, randint
from ...sampling.chains import Moves, bind
from ...sampling.kernel import LAMBDA_MARGIN, listed_lambdas
from .circuit import Circuit, gate_word, ordered_gate

__all__ = ["CircuitKernel", "CircuitState", "CircuitTask"]



class CircuitTask(NamedTuple):
    """What the moves read of the task and class: the gate functions allowed, the number of
    inputs, genotype gates and outputs, truth-table words, the target bits per output, the weight
    bit planes, and whether complementing an output is free."""

    funcs: np.ndarray
    inputs: int
    gates: int
    outputs: int
    words: int
    target: np.ndarray
    planes: np.ndarray
    free_complement: bool


class CircuitState(NamedTuple):
    """Per replica r: the genotype (each gate's function index and operands; each output's node
    and complement bit), every node's truth table and the scratch the pending mutation computes
    into, the active gates now and after the mutation and which to recompute, the pending gene,
    the active count and wrong weight now and after. Then the witness slots and the task."""

    ops: np.ndarray
    first: np.ndarray
    second: np.ndarray
    outputs: np.ndarray
    negated: np.ndarray
    values: np.ndarray
    scratch: np.ndarray
    active: np.ndarray
    new_active: np.ndarray
    redo: np.ndarray
    pending: np.ndarray
    n_active: np.ndarray
    wrong: np.ndarray
    new_wrong: np.ndarray
    w_ops: np.ndarray
    w_first: np.ndarray
    w_second: np.ndarray
    w_outputs: np.ndarray
    w_negated: np.ndarray
    consts: CircuitTask
_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


@compiled
def _popcount(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


@compiled
def _active(st, r):
    """new_active = the gates the outputs reach; returns their number."""
    con = st.consts
    m, g_count = con.inputs, con.gates
    nact, ga, gb, gf, funcs = st.new_active[r], st.first[r], st.second[r], st.ops[r], con.funcs
    nact[:] = 0
    for o in st.outputs[r]:
        if o >= m:
            nact[o - m] = 1
    count = 0
    for g in range(g_count - 1, -1, -1):
        if nact[g]:
            count += 1
            if ga[g] >= m:
                nact[ga[g] - m] = 1
            if funcs[gf[g]] != 3 and gb[g] >= m:
                nact[gb[g] - m] = 1
    return count


@compiled
def _source(st, r, node, w):
    m = st.consts.inputs
    if node >= m and st.redo[r, node - m]:
        return st.scratch[r, node, w]
    return st.values[r, node, w]


@compiled
def _score(st, r, limit):
    """Wrong weight with the gates marked in redo recomputed into scratch; stops early (returning a value
    > limit) once the weight so far exceeds ``limit``."""
    con = st.consts
    m, g_count, o_count, words = con.inputs, con.gates, con.outputs, con.words
    funcs, tgt, planes, redo = con.funcs, con.target, con.planes, st.redo[r]
    gf, ga, gb, out, neg, scr = st.ops[r], st.first[r], st.second[r], st.outputs[r], st.negated[r], st.scratch[r]
    wrong = 0.0
    for w in range(words):
        for g in range(g_count):
            if redo[g]:
                scr[m + g, w] = gate_word(funcs[gf[g]], _source(st, r, ga[g], w), _source(st, r, gb[g], w))
        mismatch = np.uint64(0)
        for j in range(o_count):
            v = np.uint64(0) if out[j] < 0 else _source(st, r, out[j], w)
            if neg[j]:
                v = ~v
            mismatch |= v ^ tgt[j, w]
        for p in range(planes.shape[0]):
            wrong += float(_popcount(mismatch & planes[p, w])) * 2.0**p
        if wrong > limit:
            return wrong
    return wrong


@compiled
def init(st, rng, r):
    """A uniformly random genotype, fully evaluated; returns (complexity, wrong weight)."""
    con = st.consts
    m, g_count, o_count = con.inputs, con.gates, con.outputs
    nf = con.funcs.shape[0]
    for g in range(g_count):
        st.ops[r, g] = randint(rng, r, nf)
        st.first[r, g] = randint(rng, r, m + g)
        b = randint(rng, r, m + g - 1)
        st.second[r, g] = b + (b >= st.first[r, g])
    for j in range(o_count):
        st.outputs[r, j] = randint(rng, r, m + g_count + 1) - 1
        st.negated[r, j] = randint(rng, r, 2) if con.free_complement else 0
    return evaluate(st, r)


@compiled
def evaluate(st, r):
    """Evaluate replica r's genotype from scratch; returns (complexity, wrong weight)."""
    con = st.consts
    m, g_count = con.inputs, con.gates
    st.redo[r] = 1
    st.wrong[r] = _score(st, r, np.inf)
    for node in range(m, m + g_count):
        copy(st.values[r, node], st.scratch[r, node])
    st.n_active[r] = _active(st, r)
    copy(st.active[r], st.new_active[r])
    return st.n_active[r], st.wrong[r]


@compiled
def propose(st, rng, r, beta, lamw, lnu, cmax):
    """Mutate one gene of replica r and score it, stopping early when the proposal cannot be
    accepted at (β, λ/total = lamw) with log-uniform ``lnu``. Returns (status, Δcomplexity,
    Δwrong, log Hastings ratio): status 0 no valid move, 1 scored, 2 rejected early."""
    con = st.consts
    m, g_count, o_count = con.inputs, con.gates, con.outputs
    nf = con.funcs.shape[0]
    genes = 3 * g_count + o_count * (2 if con.free_complement else 1)
    gene = randint(rng, r, genes)
    pend = st.pending[r]
    pend[0] = gene
    mutated = g_count  # the gate whose genes change (g_count: none, an output gene)
    if gene < g_count:
        g = gene
        pend[1] = st.ops[r, g]
        f = randint(rng, r, nf - 1)
        st.ops[r, g] = f + (f >= pend[1])
        mutated = g
    elif gene < 3 * g_count:
        g = (gene - g_count) // 2
        mine, other = (st.first, st.second) if (gene - g_count) % 2 == 0 else (st.second, st.first)
        choices = m + g - 2
        if choices <= 0:
            return 0, 0, 0.0, 0.0
        pend[1] = mine[r, g]
        lo, hi = min(mine[r, g], other[r, g]), max(mine[r, g], other[r, g])
        a = randint(rng, r, choices)
        a += a >= lo
        a += a >= hi
        mine[r, g] = a
        mutated = g
    elif gene < 3 * g_count + o_count:
        j = gene - 3 * g_count
        pend[1] = st.outputs[r, j]
        o = randint(rng, r, m + g_count) - 1
        st.outputs[r, j] = o + (o >= pend[1])
    else:
        j = gene - 3 * g_count - o_count
        st.negated[r, j] ^= 1
    c_new = _active(st, r)
    dc = c_new - st.n_active[r]
    act, nact, redo = st.active[r], st.new_active[r], st.redo[r]
    any_redo = False
    for g in range(g_count):
        redo[g] = nact[g] and (g >= mutated or not act[g])
        any_redo |= redo[g] != 0
    if not any_redo and gene < 3 * g_count:  # an inactive gene: the outputs are unchanged
        st.new_wrong[r] = st.wrong[r]
        return 1, dc, 0.0, 0.0
    limit = np.inf
    if beta * lamw > 0.0:
        limit = st.wrong[r] + (-lnu - beta * dc) / (beta * lamw)
    wrong = _score(st, r, limit)
    st.new_wrong[r] = wrong
    if wrong > limit:
        return 2, dc, wrong - st.wrong[r], 0.0
    return 1, dc, wrong - st.wrong[r], 0.0


@compiled
def commit(st, rng, r):
    """Keep the mutation :func:`propose` scored."""
    m = st.consts.inputs
    redo = st.redo[r]
    for g in range(redo.shape[0]):
        if redo[g]:
            copy(st.values[r, m + g], st.scratch[r, m + g])
    copy(st.active[r], st.new_active[r])
    st.n_active[r] = st.active[r].sum()
    st.wrong[r] = st.new_wrong[r]


@compiled
def reject(st, rng, r):
    """Undo the mutation :func:`propose` made."""
    g_count, o_count = st.consts.gates, st.consts.outputs
    gene, old = st.pending[r, 0], st.pending[r, 1]
    if gene < g_count:
        st.ops[r, gene] = old
    elif gene < 3 * g_count:
        g = (gene - g_count) // 2
        if (gene - g_count) % 2 == 0:
            st.first[r, g] = old
        else:
            st.second[r, g] = old
    elif gene < 3 * g_count + o_count:
        st.outputs[r, gene - 3 * g_count] = old
    else:
        st.negated[r, gene - 3 * g_count - o_count] ^= 1


@compiled
def snapshot(st, r, slot):
    """Copy replica r's genotype into witness slot ``slot``."""
    copy(st.w_ops[slot], st.ops[r])
    copy(st.w_first[slot], st.first[r])
    copy(st.w_second[slot], st.second[r])
    copy(st.w_outputs[slot], st.outputs[r])
    copy(st.w_negated[slot], st.negated[r])


#: The moves, and the samplers compiled on them.
MOVES = Moves(init, propose, commit, reject, snapshot)
LOOPS = bind(MOVES)


class CircuitKernel:
    """The circuit sampler for one task and basis: a CGP genotype of ``capacity`` gates. Given a
    ``start`` circuit that fits, every replica starts from it (:meth:`seed`)."""

    moves = MOVES
    loops = LOOPS
    improve_front = None  # the error-0 end is shrunk by the engine instead (see SamplerKernel)

    def __init__(self, task, basis, capacity: int | None = None, start: Circuit | None = None):
        table = views.boolean_encoding(task)
        if table.inputs < 2:
            raise ParameterError(f"The circuit sampler needs at least 2 input bits; {task.spec} has {table.inputs} "
                                 "(--method exact gives its front at once).")
        #: gates in the genotype (the complexity cap): by default 4·inputs + 4, or the start
        #: circuit's size if larger, at most 64
        default = max(4 * table.inputs + 4, len(start) if start is not None else 0)
        self.capacity = min(default, 64) if capacity is None else capacity
        self.constructed = start
        self.start = start if start is not None and len(start) <= self.capacity else None
        self.warning = None  # a circuit front has no known end to compare the genotype's size with
        self.task, self.basis = task, basis
        self.inputs, self.outputs = table.inputs, table.outputs
        self.total = float(table.weights.sum())
        self.exact = True
        self.baseline = self.total - float(np.bincount(np.unique(table.target, return_inverse=True)[1], weights=table.weights).max())
        #: default ladder ends: the coldest β, and the λ range of the front
        self.beta_cold = 10.0
        # up to where one wrong row outweighs the whole genotype: the error-0 end is then the
        # ground state (a correct circuit can need many more gates than one row is worth)
        self.lambda_range = listed_lambdas(self.total, self.baseline, float(table.weights[table.weights > 0].min()),
                                           margin=max(LAMBDA_MARGIN, self.capacity))
        capacity = self.capacity
        self.funcs = np.array(basis.ops + ((3,) if basis.unary_not else ()), dtype=np.int64)
        rows = np.arange(table.rows)
        words = max(1, -(-table.rows // 64))  # a sparse table's last word is padded with rows of weight 0

        def pack(bits: np.ndarray) -> np.ndarray:
            out = np.zeros(words, dtype=np.uint64)
            np.bitwise_or.at(out, rows // 64, bits.astype(np.uint64) << (rows % 64).astype(np.uint64))
            return out

        m = self.inputs
        self._inputs = np.array([pack(bits) for bits in table.input_columns()]).reshape(m, words)
        tgt = np.array([pack((table.target >> (self.outputs - 1 - j)) & 1) for j in range(self.outputs)])
        planes = np.array([pack((table.weights >> p) & 1) for p in range(max(1, int(table.weights.max()).bit_length()))])
        self._constants = CircuitTask(self.funcs, m, capacity, self.outputs, words, tgt, planes,
                                      basis.free_complement)
        self._words = words
        self.proposal_cost = float(words)  # a proposal re-scores every word of rows

    def slot_bytes(self) -> int:
        return 8 * (3 * self.capacity + 2 * self.outputs)

    def replica_bytes(self) -> int:
        return 16 * (self.inputs + self.capacity) * self._words + 8 * 8 * self.capacity + 64

    def allocate(self, replicas: int, slots: int) -> tuple:
        g, o, words, m = self.capacity, self.outputs, self._words, self.inputs
        val = np.zeros((replicas, m + g, words), np.uint64)
        val[:, :m] = self._inputs
        i64 = np.int64
        return CircuitState(
            np.zeros((replicas, g), i64), np.zeros((replicas, g), i64), np.zeros((replicas, g), i64),
            np.zeros((replicas, o), i64), np.zeros((replicas, o), i64), val, val.copy(),
            np.zeros((replicas, g), np.int8), np.zeros((replicas, g), np.int8), np.zeros((replicas, g), np.int8),
            np.zeros((replicas, 2), i64), np.zeros(replicas, i64), np.zeros(replicas), np.zeros(replicas),
            np.zeros((slots, g), i64), np.zeros((slots, g), i64), np.zeros((slots, g), i64),
            np.zeros((slots, o), i64), np.zeros((slots, o), i64), self._constants,
        )

    def seed(self, state: CircuitState, r: int) -> tuple[int, float]:
        """Put :attr:`start` into replica r's genotype (its gates first, the rest as drawn) and
        evaluate it; returns (complexity, wrong weight)."""
        funcs = [int(f) for f in self.funcs]
        for g, (op, a, b) in enumerate(self.start.gates):
            state.ops[r, g] = funcs.index(op)
            state.first[r, g] = a
            state.second[r, g] = b if op != 3 else (1 if a == 0 else 0)
        state.outputs[r] = self.start.outputs
        state.negated[r] = self.start.negated
        return evaluate(state, r)

    def witness(self, state: CircuitState, slot: int):
        """The active circuit of the genotype in witness slot ``slot``."""
        m = self.inputs
        gf, ga, gb = state.w_ops[slot], state.w_first[slot], state.w_second[slot]
        outputs, negated = state.w_outputs[slot], state.w_negated[slot]
        active = np.zeros(self.capacity, dtype=bool)
        for o in outputs:
            if o >= m:
                active[o - m] = True
        for g in range(self.capacity - 1, -1, -1):
            if active[g]:
                op = int(self.funcs[gf[g]])
                for node in (ga[g], gb[g]) if op != 3 else (ga[g],):
                    if node >= m:
                        active[node - m] = True
        new = {j: j for j in range(m)}
        gates = []
        for g in np.flatnonzero(active):
            op = int(self.funcs[gf[g]])
            a, b = new[int(ga[g])], new[int(gb[g])] if op != 3 else new[int(ga[g])]
            gates.append((3, a, a) if op == 3 else ordered_gate(op, a, b))
            new[m + int(g)] = m + len(gates) - 1
        return Circuit(m, tuple(gates), tuple(new[int(o)] if o >= 0 else -1 for o in outputs),
                       tuple(bool(x) for x in negated))

    def log_counts(self) -> None:
        """Genotypes are not counted per number of active gates."""
        return None

    def log_size(self) -> float:
        """ln of the number of genotypes (the walk covers them all)."""
        m, g_count, nf = self.inputs, self.capacity, len(self.funcs)
        genes = sum(math.log(nf * (m + g) * (m + g - 1)) for g in range(g_count))
        return genes + self.outputs * math.log((m + g_count + 1) * (2 if self.basis.free_complement else 1))
