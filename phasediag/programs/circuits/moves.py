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

import numpy as np

from ... import views
from ...errors import ParameterError
from ...sampling._random import compiled, copy, randint
from ...sampling.chains import Moves, bind
from ...tables import input_bits
from .circuit import Circuit, gate_word, ordered_gate

__all__ = ["CircuitKernel"]

# state tuple layout
GF, GA, GB, OUT, NEG, VAL, SCR, ACT, NACT, REDO, PEND, CACT, WRONG, NEWW, WGF, WGA, WGB, WOUT, WNEG, CON = range(20)
# constants tuple layout
C_FUNCS, C_M, C_G, C_O, C_W, C_TGT, C_PLANES, C_NEGFREE = range(8)
_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


@compiled
def _popcount(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


@compiled
def _active(st, r):
    """NACT = the gates the outputs reach; returns their number."""
    con = st[CON]
    m, g_count = con[C_M], con[C_G]
    nact, ga, gb, gf, funcs = st[NACT][r], st[GA][r], st[GB][r], st[GF][r], con[C_FUNCS]
    nact[:] = 0
    for o in st[OUT][r]:
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
    m = st[CON][C_M]
    if node >= m and st[REDO][r, node - m]:
        return st[SCR][r, node, w]
    return st[VAL][r, node, w]


@compiled
def _score(st, r, limit):
    """Wrong weight with the REDO gates recomputed into SCR; stops early (returning a value
    > limit) once the weight so far exceeds ``limit``."""
    con = st[CON]
    m, g_count, o_count, words = con[C_M], con[C_G], con[C_O], con[C_W]
    funcs, tgt, planes, redo = con[C_FUNCS], con[C_TGT], con[C_PLANES], st[REDO][r]
    gf, ga, gb, out, neg, scr = st[GF][r], st[GA][r], st[GB][r], st[OUT][r], st[NEG][r], st[SCR][r]
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
    con = st[CON]
    m, g_count, o_count = con[C_M], con[C_G], con[C_O]
    nf = con[C_FUNCS].shape[0]
    for g in range(g_count):
        st[GF][r, g] = randint(rng, r, nf)
        st[GA][r, g] = randint(rng, r, m + g)
        b = randint(rng, r, m + g - 1)
        st[GB][r, g] = b + (b >= st[GA][r, g])
    for j in range(o_count):
        st[OUT][r, j] = randint(rng, r, m + g_count + 1) - 1
        st[NEG][r, j] = randint(rng, r, 2) if con[C_NEGFREE] else 0
    st[REDO][r] = 1
    st[WRONG][r] = _score(st, r, np.inf)
    for node in range(m, m + g_count):
        copy(st[VAL][r, node], st[SCR][r, node])
    st[CACT][r] = _active(st, r)
    copy(st[ACT][r], st[NACT][r])
    return st[CACT][r], st[WRONG][r]


@compiled
def propose(st, rng, r, beta, lamw, lnu, cmax):
    """Mutate one gene of replica r and score it, stopping early when the proposal cannot be
    accepted at (β, λ/total = lamw) with log-uniform ``lnu``. Returns (status, Δcomplexity,
    Δwrong, log Hastings ratio): status 0 no valid move, 1 scored, 2 rejected early."""
    con = st[CON]
    m, g_count, o_count = con[C_M], con[C_G], con[C_O]
    nf = con[C_FUNCS].shape[0]
    genes = 3 * g_count + o_count * (2 if con[C_NEGFREE] else 1)
    gene = randint(rng, r, genes)
    pend = st[PEND][r]
    pend[0] = gene
    mutated = g_count  # the gate whose genes change (g_count: none, an output gene)
    if gene < g_count:
        g = gene
        pend[1] = st[GF][r, g]
        f = randint(rng, r, nf - 1)
        st[GF][r, g] = f + (f >= pend[1])
        mutated = g
    elif gene < 3 * g_count:
        g = (gene - g_count) // 2
        mine, other = (st[GA], st[GB]) if (gene - g_count) % 2 == 0 else (st[GB], st[GA])
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
        pend[1] = st[OUT][r, j]
        o = randint(rng, r, m + g_count) - 1
        st[OUT][r, j] = o + (o >= pend[1])
    else:
        j = gene - 3 * g_count - o_count
        st[NEG][r, j] ^= 1
    c_new = _active(st, r)
    dc = c_new - st[CACT][r]
    act, nact, redo = st[ACT][r], st[NACT][r], st[REDO][r]
    any_redo = False
    for g in range(g_count):
        redo[g] = nact[g] and (g >= mutated or not act[g])
        any_redo |= redo[g] != 0
    if not any_redo and gene < 3 * g_count:  # an inactive gene: the outputs are unchanged
        st[NEWW][r] = st[WRONG][r]
        return 1, dc, 0.0, 0.0
    limit = np.inf
    if beta * lamw > 0.0:
        limit = st[WRONG][r] + (-lnu - beta * dc) / (beta * lamw)
    wrong = _score(st, r, limit)
    st[NEWW][r] = wrong
    if wrong > limit:
        return 2, dc, wrong - st[WRONG][r], 0.0
    return 1, dc, wrong - st[WRONG][r], 0.0


@compiled
def commit(st, rng, r):
    """Keep the mutation :func:`propose` scored."""
    m = st[CON][C_M]
    redo = st[REDO][r]
    for g in range(redo.shape[0]):
        if redo[g]:
            copy(st[VAL][r, m + g], st[SCR][r, m + g])
    copy(st[ACT][r], st[NACT][r])
    st[CACT][r] = st[ACT][r].sum()
    st[WRONG][r] = st[NEWW][r]


@compiled
def reject(st, rng, r):
    """Undo the mutation :func:`propose` made."""
    g_count, o_count = st[CON][C_G], st[CON][C_O]
    gene, old = st[PEND][r, 0], st[PEND][r, 1]
    if gene < g_count:
        st[GF][r, gene] = old
    elif gene < 3 * g_count:
        g = (gene - g_count) // 2
        if (gene - g_count) % 2 == 0:
            st[GA][r, g] = old
        else:
            st[GB][r, g] = old
    elif gene < 3 * g_count + o_count:
        st[OUT][r, gene - 3 * g_count] = old
    else:
        st[NEG][r, gene - 3 * g_count - o_count] ^= 1


@compiled
def snapshot(st, r, slot):
    """Copy replica r's genotype into witness slot ``slot``."""
    copy(st[WGF][slot], st[GF][r])
    copy(st[WGA][slot], st[GA][r])
    copy(st[WGB][slot], st[GB][r])
    copy(st[WOUT][slot], st[OUT][r])
    copy(st[WNEG][slot], st[NEG][r])


#: The moves, and the samplers compiled on them.
MOVES = Moves(init, propose, commit, reject, snapshot)
LOOPS = bind(MOVES)


class CircuitKernel:
    """The circuit sampler for one task and basis: a CGP genotype of ``capacity`` gates."""

    moves = MOVES
    loops = LOOPS

    def __init__(self, task, basis, capacity: int | None = None):
        table = views.boolean_encoding(task)
        if table.inputs < 2:
            raise ParameterError(f"The circuit sampler needs at least 2 input bits; {task.spec} has {table.inputs}.")
        #: gates in the genotype (the complexity cap): by default 4·inputs + 4, at most 64
        self.capacity = min(4 * table.inputs + 4, 64) if capacity is None else capacity
        self.task, self.basis = task, basis
        self.inputs, self.outputs = table.inputs, table.outputs
        self.total = float(table.weights.sum())
        self.exact = True
        #: default ladder ends: the coldest β, and the largest λ, 4·capacity/(least weight fraction),
        #: at which every front point is some λ's ground state (each gate must fix a row)
        self.beta_cold = 10.0
        self.lambda_top = 4.0 * self.capacity * self.total / float(table.weights[table.weights > 0].min())
        self.baseline = self.total - float(np.bincount(table.target, weights=table.weights).max())
        capacity = self.capacity
        self.funcs = np.array(basis.ops + ((3,) if basis.unary_not else ()), dtype=np.int64)
        rows = np.arange(table.rows)
        words = max(1, table.rows // 64)

        def pack(bits: np.ndarray) -> np.ndarray:
            out = np.zeros(words, dtype=np.uint64)
            np.bitwise_or.at(out, rows // 64, bits.astype(np.uint64) << (rows % 64).astype(np.uint64))
            return out

        m = self.inputs
        self._inputs = np.array([pack(bits) for bits in input_bits(m)]).reshape(m, words)
        tgt = np.array([pack((table.target >> (self.outputs - 1 - j)) & 1) for j in range(self.outputs)])
        planes = np.array([pack((table.weights >> p) & 1) for p in range(max(1, int(table.weights.max()).bit_length()))])
        self._constants = (self.funcs, m, capacity, self.outputs, words, tgt, planes, basis.free_complement)
        self._words = words

    def slot_bytes(self) -> int:
        return 8 * (3 * self.capacity + 2 * self.outputs)

    def replica_bytes(self) -> int:
        return 16 * (self.inputs + self.capacity) * self._words + 8 * 8 * self.capacity + 64

    def allocate(self, replicas: int, slots: int) -> tuple:
        g, o, words, m = self.capacity, self.outputs, self._words, self.inputs
        val = np.zeros((replicas, m + g, words), np.uint64)
        val[:, :m] = self._inputs
        i64 = np.int64
        return (
            np.zeros((replicas, g), i64), np.zeros((replicas, g), i64), np.zeros((replicas, g), i64),
            np.zeros((replicas, o), i64), np.zeros((replicas, o), i64), val, val.copy(),
            np.zeros((replicas, g), np.int8), np.zeros((replicas, g), np.int8), np.zeros((replicas, g), np.int8),
            np.zeros((replicas, 2), i64), np.zeros(replicas, i64), np.zeros(replicas), np.zeros(replicas),
            np.zeros((slots, g), i64), np.zeros((slots, g), i64), np.zeros((slots, g), i64),
            np.zeros((slots, o), i64), np.zeros((slots, o), i64), self._constants,
        )

    def witness(self, state: tuple, slot: int):
        """The active circuit of the genotype in witness slot ``slot``."""
        m = self.inputs
        gf, ga, gb = state[WGF][slot], state[WGA][slot], state[WGB][slot]
        outputs, negated = state[WOUT][slot], state[WNEG][slot]
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

    def log_size(self) -> float:
        """ln of the number of genotypes (the walk covers them all)."""
        m, g_count, nf = self.inputs, self.capacity, len(self.funcs)
        genes = sum(math.log(nf * (m + g) * (m + g - 1)) for g in range(g_count))
        return genes + self.outputs * math.log((m + g_count + 1) * (2 if self.basis.free_complement else 1))
