"""Sampler moves on affix-rule lists (Numba), with exact incremental error.

A replica holds its rules as prefix rows (letter indices, -1 padded) in lexicographic order, so
the rules under a prefix u are contiguous and the *nearest* rules below u (its kids) are found by
skipping subtrees. With M(u) the weight under u per label and X(u) = M(u) − Σ_kids M(w) the
weight u's rule decides (its exclusive mass), the wrong weight is Σ_u [ΣX(u) − X_{y_u}(u)]:
adding, deleting, relabelling or moving one rule changes one or two X terms, so a move costs
O(L log R + kids) and enumerates no input (the population error of 10^20 inputs is exact).

Moves (probabilities ``P_*``): add a rule on a prefix drawn by :func:`_draw_affix`, labelled by the
label of an input under it or uniformly (half each); delete a rule; relabel a rule or the default;
lengthen a rule to a child prefix; shorten it to its parent. Each carries its Hastings ratio.

The add move draws its prefix (:func:`_draw_affix`) from a mixture of three: with probability
Q_CUT an input x ~ μ cut at a uniform depth; otherwise a *descent* of a uniform depth D from the
root, each step to a child of the current prefix u, where a child v's *gain* is
max_y M(v)_y − M(v)_{ŷ(u)}, ŷ(u) the majority label of u (the weight a rule on v would fix if
u's best label held there). The *mixed* descent (Q_MIXED) takes each step to a uniform child or,
half the time, to a child drawn ∝ its gain; the *last-gain* descent (Q_LAST) takes D − 1 uniform
steps and the last one ∝ gain. Exceptions of prefix-sorting are the children with gain, so a
given level-k exception is drawn with probability about Q_LAST/(L·n^(k-1)) instead of n^-k: at
n = 100 the 10^4 level-3 exceptions become collectable.
"""

from __future__ import annotations

import math

import numpy as np

from ... import views
from ...errors import TooLargeError
from ...sampling._random import compiled, copy, randint, uniform
from ...sampling.chains import Moves, bind
from ...seeding import PHI, mix
from ...tables import LIST_LIMIT
from .rulelist import RuleList

__all__ = ["RuleKernel"]

#: Default complexity cap: enough for three levels of prefix-sorting at n = 100 (10,101 rules).
DEFAULT_CAPACITY = 12_000
P_ADD, P_DEL, P_REL, P_LEN = 0.3, 0.3, 0.2, 0.1  # shorten: the remaining 0.1
P_SHO = 1.0 - P_ADD - P_DEL - P_REL - P_LEN
Q_CUT, Q_MIXED, Q_LAST = 0.25, 0.25, 0.5  # the add move's prefix draws (module docstring)
ADD, DEL, REL, LEN, SHO = 0, 1, 2, 3, 4

# state tuple layout
ROWS, DEP, LAB, MS, EX, NR, RLAB, REX, PEND, PROW, TMP, KBUF, VBUF, WROWS, WLAB, WN, WDEF, ORC = range(18)
# oracle tuple layout
(O_CLOSED, O_N, O_L, O_K, O_H0, O_LEVEL, O_CHILD, O_LETTER, O_TMASS, O_QAFF, O_CUMW, O_CODES, O_LENS,
 O_GAIN, O_GSUM) = range(15)


@compiled
def _cmp(row, u, width):
    """Lexicographic comparison of two -1-padded prefix rows over their first ``width`` letters."""
    for j in range(width):
        if row[j] != u[j]:
            return -1 if row[j] < u[j] else 1
    return 0


@compiled
def _lower(rows, n, u):
    """First index in rows[:n] whose row is ≥ u."""
    lo, hi, width = 0, n, u.shape[0]
    while lo < hi:
        mid = (lo + hi) // 2
        if _cmp(rows[mid], u, width) < 0:
            lo = mid + 1
        else:
            hi = mid
    return lo


@compiled
def _past(rows, n, u, d, start):
    """First index ≥ start in rows[:n] past every row that starts with u[:d]."""
    lo, hi = start, n
    while lo < hi:
        mid = (lo + hi) // 2
        if _cmp(rows[mid], u, d) <= 0:
            lo = mid + 1
        else:
            hi = mid
    return lo


@compiled
def _find(rows, n, u):
    """Index of the rule on exactly u, or -1."""
    i = _lower(rows, n, u)
    if i < n and _cmp(rows[i], u, u.shape[0]) == 0:
        return i
    return -1


# --- the task's prefix law: a listed trie or a closed form ------------------------------------
@compiled
def _node(orc, u, d):
    child, letter = orc[O_CHILD], orc[O_LETTER]
    v = 0
    for j in range(d):
        lo, hi = child[v], child[v + 1]
        while lo < hi:
            mid = (lo + hi) // 2
            if letter[mid] < u[j]:
                lo = mid + 1
            else:
                hi = mid
        if lo >= child[v + 1] or letter[lo] != u[j]:
            return -1
        v = lo
    return v


@compiled
def _mass(orc, u, d, out):
    """out[y] = weight of the inputs under prefix u[:d] with label y."""
    if orc[O_CLOSED]:
        n, h, parity = orc[O_N], orc[O_H0], 0
        for j in range(d):
            a = u[j]
            if h % np.uint64(n) == np.uint64(a):
                parity ^= 1
            h = mix(h ^ (np.uint64(a + 1) * PHI))
        level = orc[O_LEVEL]
        out[0] = level[d, parity]
        out[1] = level[d, 1 - parity]
    else:
        copy(out, orc[O_TMASS][_node(orc, u, d)])


@compiled
def _closed_gain(level, j, flipped):
    """Gain of a child (depth j + 1) of a depth-j prefix under the closed form; ``flipped``: the
    child is the exceptional one (its natural label differs from its parent's)."""
    below = level[j + 1, 0] + level[j + 1, 1]
    on_parent_natural = level[j + 1, 1] if flipped else level[j + 1, 0]
    on_majority = on_parent_natural if level[j, 0] >= level[j, 1] else below - on_parent_natural
    return max(level[j + 1, 0], level[j + 1, 1]) - on_majority


@compiled
def _step_q(nc, gain, gsum):
    """Probability that one descent step from a parent with nc children picks a child of this gain."""
    return 0.5 / nc + 0.5 * (gain / gsum if gsum > 0 else 1.0 / nc)


@compiled
def _qaff(orc, u, d):
    """Probability that the add move draws prefix u[:d] (:func:`_draw_affix`): Q_CUT times the cut
    of an input x ~ μ, Σ_{x under u, |x| ≥ d} μ(x)/|x|, plus the two descents."""
    if not orc[O_CLOSED]:
        return orc[O_QAFF][_node(orc, u, d)]
    n, level = orc[O_N], orc[O_LEVEL]
    h, mixed, last = orc[O_H0], 1.0, 1.0
    for j in range(d):
        a = u[j]
        exc = h % np.uint64(n)
        g_exc, g_other = _closed_gain(level, j, True), _closed_gain(level, j, False)
        g, gsum = g_exc if exc == np.uint64(a) else g_other, g_exc + (n - 1) * g_other
        mixed *= _step_q(n, g, gsum)
        last *= (g / gsum if gsum > 0 else 1.0 / n) if j == d - 1 else 1.0 / n
        h = mix(h ^ (np.uint64(a + 1) * PHI))
    return (Q_CUT * (1.0 / n) ** d + Q_MIXED * mixed + Q_LAST * last) / orc[O_L]


@compiled
def _children(orc, u, d):
    if orc[O_CLOSED]:
        return orc[O_N] if d < orc[O_L] else 0
    v = _node(orc, u, d)
    return orc[O_CHILD][v + 1] - orc[O_CHILD][v]


@compiled
def _child_letter(orc, u, d, k):
    if orc[O_CLOSED]:
        return k
    return orc[O_LETTER][orc[O_CHILD][_node(orc, u, d)] + k]


@compiled
def _draw_affix(orc, rng, r, out):
    """Draw the add move's prefix into ``out`` (see the module docstring); returns its depth."""
    out[:] = -1
    closed, n = orc[O_CLOSED], orc[O_N]
    draw = uniform(rng, r)
    if draw < Q_CUT:  # an input x ~ μ cut at a uniform depth
        if closed:
            d = 1 + randint(rng, r, orc[O_L])
            for j in range(d):
                out[j] = randint(rng, r, n)
            return d
        cumw = orc[O_CUMW]
        x = np.searchsorted(cumw, uniform(rng, r) * cumw[-1], side="right")
        x = min(x, cumw.shape[0] - 1)
        d = 1 + randint(rng, r, orc[O_LENS][x])
        copy(out[:d], orc[O_CODES][x])
        return d
    mixed = draw < Q_CUT + Q_MIXED
    depth = 1 + randint(rng, r, orc[O_L])
    if closed:
        level, h = orc[O_LEVEL], orc[O_H0]
        for j in range(depth):
            exc = np.int64(h % np.uint64(n))
            g_exc, g_other = _closed_gain(level, j, True), _closed_gain(level, j, False)
            gsum = g_exc + (n - 1) * g_other
            a = randint(rng, r, n)
            if gsum > 0 and (uniform(rng, r) < 0.5 if mixed else j == depth - 1):
                t = uniform(rng, r) * gsum
                if t < g_exc:
                    a = exc
                else:
                    a = randint(rng, r, n - 1)
                    a += a >= exc
            out[j] = a
            h = mix(h ^ (np.uint64(a + 1) * PHI))
        return depth
    child, letter, gain, gsum = orc[O_CHILD], orc[O_LETTER], orc[O_GAIN], orc[O_GSUM]
    v, d = 0, 0
    while d < depth and child[v + 1] > child[v]:
        lo, hi = child[v], child[v + 1]
        w = lo + randint(rng, r, hi - lo)
        if gsum[v] > 0 and (uniform(rng, r) < 0.5 if mixed else d == depth - 1):
            t = uniform(rng, r) * gsum[v]
            w = lo
            while w < hi - 1 and t >= gain[w]:
                t -= gain[w]
                w += 1
        out[d] = letter[w]
        v, d = w, d + 1
    return d


@compiled
def _label_q(m, y, k):
    """Probability of label y for a new rule whose prefix has label masses m."""
    return 0.5 * m[y] / m.sum() + 0.5 / k


# --- rule structure ---------------------------------------------------------------------------
@compiled
def _parent(st, r, u, d, skip):
    """Index of the nearest rule strictly above u[:d] (-1: the default), ignoring index skip."""
    rows, n, tmp = st[ROWS][r], st[NR][r], st[TMP][r]
    tmp[:] = -1
    for k in range(d - 1, 0, -1):
        copy(tmp[:k], u)
        tmp[k:] = -1
        i = _find(rows, n, tmp)
        if i >= 0 and i != skip:
            return i
    return -1


@compiled
def _kids_mass(st, r, u, d, skip, out):
    """out = Σ M(w) over the nearest rules w strictly below u[:d] (rule ``skip`` counted as absent)."""
    rows, dep, ms, n = st[ROWS][r], st[DEP][r], st[MS][r], st[NR][r]
    out[:] = 0.0
    i = _lower(rows, n, u)
    if i < n and dep[i] == d and _cmp(rows[i], u, d) == 0:
        i += 1
    while i < n and _cmp(rows[i], u, d) == 0:
        if i == skip:
            i += 1
            continue
        for y in range(out.shape[0]):
            out[y] += ms[i, y]
        i = _past(rows, n, rows[i], dep[i], i + 1)


@compiled
def _label_of(st, r, i):
    return st[RLAB][r] if i < 0 else st[LAB][r, i]


@compiled
def _exclusive(st, r, i):
    return st[REX][r] if i < 0 else st[EX][r, i]


@compiled
def _move_rule(st, r, i, j):
    """Copy rule i of replica r to index j."""
    copy(st[ROWS][r, j], st[ROWS][r, i])
    copy(st[MS][r, j], st[MS][r, i])
    copy(st[EX][r, j], st[EX][r, i])
    st[DEP][r, j], st[LAB][r, j] = st[DEP][r, i], st[LAB][r, i]


@compiled
def _add_rule(st, r, u, d, y):
    rows, n = st[ROWS][r], st[NR][r]
    pos = _lower(rows, n, u)
    p = _parent(st, r, u, d, -1)
    m, kids = st[VBUF][r], st[KBUF][r]
    _mass(st[ORC], u, d, m)
    _kids_mass(st, r, u, d, -1, kids)
    for i in range(n, pos, -1):
        _move_rule(st, r, i - 1, i)
    copy(rows[pos], u)
    st[DEP][r, pos], st[LAB][r, pos] = d, y
    parent = _exclusive(st, r, p)
    for z in range(m.shape[0]):
        st[MS][r, pos, z] = m[z]
        st[EX][r, pos, z] = m[z] - kids[z]
        parent[z] -= m[z] - kids[z]
    st[NR][r] = n + 1


@compiled
def _delete_rule(st, r, i):
    rows, n = st[ROWS][r], st[NR][r]
    p = _parent(st, r, rows[i], st[DEP][r, i], -1)
    parent = _exclusive(st, r, p)
    for z in range(parent.shape[0]):
        parent[z] += st[EX][r, i, z]
    for j in range(i, n - 1):
        _move_rule(st, r, j + 1, j)
    rows[n - 1] = -1
    st[NR][r] = n - 1


# --- the sampler interface --------------------------------------------------------------------
@compiled
def init(st, rng, r):
    """The empty list with default label 0; returns (complexity, wrong weight)."""
    st[NR][r] = 0
    st[ROWS][r] = -1
    st[RLAB][r] = 0
    u = st[PROW][r]
    u[:] = -1
    _mass(st[ORC], u, 0, st[REX][r])
    return 0, st[REX][r].sum() - st[REX][r, 0]


@compiled
def propose(st, rng, r, beta, lamw, lnu, cmax):
    """Draw a move for replica r and score it without applying it.
    Returns (status, Δcomplexity, Δwrong, log Hastings ratio); status 0: no valid move."""
    orc, n, k = st[ORC], st[NR][r], st[ORC][O_K]
    rows, dep, lab, ex = st[ROWS][r], st[DEP][r], st[LAB][r], st[EX][r]
    pend, v, m, kids = st[PEND][r], st[PROW][r], st[VBUF][r], st[KBUF][r]
    x = uniform(rng, r)
    if x < P_ADD:
        if n >= cmax:
            return 0, 0, 0.0, 0.0
        d = _draw_affix(orc, rng, r, v)
        if _find(rows, n, v) >= 0:
            return 0, 0, 0.0, 0.0
        _mass(orc, v, d, m)
        if uniform(rng, r) < 0.5:
            t, y = uniform(rng, r) * m.sum(), 0
            while y < k - 1 and t >= m[y]:
                t -= m[y]
                y += 1
        else:
            y = randint(rng, r, k)
        yp = _label_of(st, r, _parent(st, r, v, d, -1))
        _kids_mass(st, r, v, d, -1, kids)
        pend[0], pend[1], pend[2] = ADD, d, y
        dw = (m[yp] - kids[yp]) - (m[y] - kids[y])
        return 1, 1, dw, math.log(P_DEL / (n + 1)) - math.log(P_ADD * _qaff(orc, v, d) * _label_q(m, y, k))
    if x < P_ADD + P_DEL:
        if n == 0:
            return 0, 0, 0.0, 0.0
        i = randint(rng, r, n)
        y = lab[i]
        yp = _label_of(st, r, _parent(st, r, rows[i], dep[i], -1))
        pend[0], pend[1] = DEL, i
        dw = ex[i, y] - ex[i, yp]
        return 1, -1, dw, math.log(P_ADD * _qaff(orc, rows[i], dep[i]) * _label_q(st[MS][r, i], y, k)) - math.log(P_DEL / n)
    if x < P_ADD + P_DEL + P_REL:
        i = randint(rng, r, n + 1) - 1  # -1: the default label
        old = _label_of(st, r, i)
        y = randint(rng, r, k - 1)
        y += y >= old
        pend[0], pend[1], pend[2] = REL, i, y
        xm = _exclusive(st, r, i)
        return 1, 0, xm[old] - xm[y], 0.0
    if n == 0:
        return 0, 0, 0.0, 0.0
    i = randint(rng, r, n)
    u, d, y = rows[i], dep[i], lab[i]
    copy(v, u)
    if x < P_ADD + P_DEL + P_REL + P_LEN:
        nc = _children(orc, u, d)
        if nc == 0:
            return 0, 0, 0.0, 0.0
        v[d] = _child_letter(orc, u, d, randint(rng, r, nc))
        nd, skip, logq = d + 1, -1, math.log(P_SHO * nc / P_LEN)
    else:
        if d == 1:
            return 0, 0, 0.0, 0.0
        v[d - 1] = -1
        nd, skip = d - 1, i
        logq = math.log(P_LEN / (_children(orc, v, nd) * P_SHO))
    if _find(rows, n, v) >= 0:
        return 0, 0, 0.0, 0.0
    yp = _label_of(st, r, _parent(st, r, u, d, -1))
    _mass(orc, v, nd, m)
    _kids_mass(st, r, v, nd, skip, kids)
    pend[0], pend[1], pend[2], pend[3] = LEN, i, y, nd
    dw = (ex[i, y] - ex[i, yp]) + ((m[yp] - kids[yp]) - (m[y] - kids[y]))
    return 1, 0, dw, logq


@compiled
def commit(st, rng, r):
    """Apply the move the last :func:`propose` scored."""
    pend = st[PEND][r]
    kind = pend[0]
    if kind == ADD:
        _add_rule(st, r, st[PROW][r], pend[1], pend[2])
    elif kind == DEL:
        _delete_rule(st, r, pend[1])
    elif kind == REL:
        if pend[1] < 0:
            st[RLAB][r] = pend[2]
        else:
            st[LAB][r, pend[1]] = pend[2]
    else:  # a move: delete, then add the rule on its new prefix
        _delete_rule(st, r, pend[1])
        _add_rule(st, r, st[PROW][r], pend[3], pend[2])


@compiled
def reject(st, rng, r):
    """Nothing to undo: :func:`propose` changes no rule."""


@compiled
def snapshot(st, r, slot):
    """Copy replica r's rule list into witness slot ``slot``."""
    n = st[NR][r]
    st[WN][slot], st[WDEF][slot] = n, st[RLAB][r]
    for i in range(n):
        copy(st[WROWS][slot, i], st[ROWS][r, i])
        st[WLAB][slot, i] = st[LAB][r, i]


#: The moves, and the samplers compiled on them.
MOVES = Moves(init, propose, commit, reject, snapshot)
LOOPS = bind(MOVES)


class RuleKernel:
    """The affix-rule sampler for one task: its state arrays and how to read witnesses back.

    ``capacity`` is the most rules a program may have (the complexity cap); masses are in the
    task's weight units (``total``), exact integers for listed tasks. Tasks too large to list are
    scored by their closed form (``closed_form=True`` forces it on any task that has one).
    """

    moves = MOVES
    loops = LOOPS

    def __init__(self, task, capacity: int | None = None, *, closed_form: bool | None = None):
        closed = task.n_inputs > LIST_LIMIT if closed_form is None else closed_form
        self.task, self._oracle = task, _oracle(task, closed)
        self.length, self.labels = int(self._oracle[O_L]), len(task.labels)
        self.n_affixes = _affix_count(task, self._oracle)
        #: the most rules a program may have: by default every prefix, up to DEFAULT_CAPACITY
        self.capacity = min(self.n_affixes, DEFAULT_CAPACITY) if capacity is None else min(capacity, self.n_affixes)
        self.total = float(task.total_weight)
        #: weights are exact integers (listed tasks), so wrong weights are exact counts
        self.exact = not closed
        #: default ladder ends (see :meth:`_ladder_ends`)
        self.beta_cold, self.lambda_top = self._ladder_ends(closed)
        root = np.zeros(self.labels)
        _mass(self._oracle, np.full(self.length, -1, np.int16), 0, root)
        #: wrong weight of the best constant label
        self.baseline = float(root.sum() - root.max())

    def _ladder_ends(self, closed: bool) -> tuple[float, float]:
        """The coldest default β and the largest default λ.

        β: at least 1.5·ln(prefixes·labels), the entropy one more rule brings (ln of the number of
        ways to add it), so that cold replicas are not swamped by rule lists of neutral rules.
        λ: listed tasks, 4·capacity/(least input weight fraction), so every front point is some
        λ's ground state (each rule fixes at least one input); closed forms, 4/(mass fraction of
        a prefix at depth d* + 1), d* the shallowest depth with ≥ capacity prefixes up to it: rules
        one depth below the finest level the capacity can cover pay 4×, so the front runs past
        that level to the capacity and the transition at its end shows.
        """
        beta = max(10.0, 1.5 * math.log(self.n_affixes * self.labels))
        if not closed:
            return beta, 4.0 * self.capacity * self.total / float(self.task.table.weights.min())
        n, depth, count = self._oracle[O_N], 1, self._oracle[O_N]
        while count < self.capacity and depth < self.length:
            depth += 1
            count += n ** depth
        return beta, 4.0 * float(n) ** min(depth + 1, self.length)

    def slot_bytes(self) -> int:
        return self.capacity * (2 * self.length + 2) + 16

    def replica_bytes(self) -> int:
        return (self.capacity + 1) * (2 * self.length + 16 + 16 * self.labels) + 64

    def allocate(self, replicas: int, slots: int) -> tuple:
        L, K, R = self.length, self.labels, self.capacity + 1
        return (
            np.full((replicas, R, L), -1, np.int16), np.zeros((replicas, R), np.int64),
            np.zeros((replicas, R), np.int64), np.zeros((replicas, R, K)), np.zeros((replicas, R, K)),
            np.zeros(replicas, np.int64), np.zeros(replicas, np.int64), np.zeros((replicas, K)),
            np.zeros((replicas, 4), np.int64), np.full((replicas, L), -1, np.int16),
            np.full((replicas, L), -1, np.int16), np.zeros((replicas, K)), np.zeros((replicas, K)),
            np.full((slots, R - 1, L), -1, np.int16), np.zeros((slots, R - 1), np.int16),
            np.zeros(slots, np.int64), np.zeros(slots, np.int64), self._oracle,
        )

    def witness(self, state: tuple, slot: int):
        """The rule list in witness slot ``slot``."""
        task, n = self.task, int(state[WN][slot])
        rows, labels = state[WROWS][slot, :n], state[WLAB][slot, :n]
        return RuleList(task.labels[int(state[WDEF][slot])],
                        {task.render(row): task.labels[int(y)] for row, y in zip(rows, labels)})

    def log_count(self, complexity: int) -> float:
        """ln of the number of rule lists with ``complexity`` rules: C(P, c)·K^(c+1)."""
        p, c, k = self.n_affixes, complexity, self.labels
        return (math.lgamma(p + 1) - math.lgamma(c + 1) - math.lgamma(p - c + 1)) + (c + 1) * math.log(k)

    def log_size(self) -> float:
        """ln of the number of rule lists the walk covers (up to ``capacity`` rules)."""
        logs = np.array([self.log_count(c) for c in range(self.capacity + 1)])
        return float(logs.max() + np.log(np.exp(logs - logs.max()).sum()))


def _oracle(task, closed: bool) -> tuple:
    """The task's prefix law for the kernel: its trie, or its closed form (``task.closed_form()``)."""
    k = len(task.labels)
    dummy_i, dummy_f = np.zeros(1, np.int64), np.zeros((1, k))
    if not closed:
        trie, table = views.trie(task), task.table
        lengths = (table.codes >= 0).sum(axis=1).astype(np.int64)
        mu = table.weights / table.weights.sum()
        cut = np.zeros(trie.n_nodes)
        # every prefix of x at depth ≤ |x| is drawn with probability μ(x)/|x|
        np.add.at(cut, trie.end, mu / np.maximum(lengths, 1))
        for d in range(int(trie.depth.max()), 0, -1):
            at = np.flatnonzero(trie.depth == d)
            np.add.at(cut, trie.parent[at], cut[at])
        gain, gsum, descent = _trie_descent(trie, table.codes.shape[1])
        return (False, len(task.alphabet), table.codes.shape[1], k, np.uint64(0), dummy_f,
                trie.child_start, trie.letter, trie.mass.astype(np.float64), Q_CUT * cut + descent,
                np.cumsum(table.weights).astype(np.float64), table.codes.astype(np.int16), lengths, gain, gsum)
    closed_form = task.closed_form()
    if closed_form is None:
        raise TooLargeError(f"{task.spec} has {task.n_inputs:.3g} inputs and no closed form for its label masses, "
                            f"so rule lists cannot be scored on it. {task.too_large_hint()}")
    law = closed_form.law()
    return (True, law.n, law.length, k, np.uint64(law.root_hash), np.asarray(law.level_mass, np.float64),
            dummy_i, dummy_i, dummy_f, np.zeros(1), np.zeros(1), np.zeros((1, 1), np.int16), dummy_i,
            np.zeros(1), np.zeros(1))


def _trie_descent(trie, length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per trie node: its gain (max_y M(v)_y − M(v)_{ŷ(parent)}), the sum of its children's gains,
    and the probability that the descents of :func:`_draw_affix` end on it, weighted Q_MIXED and
    Q_LAST (depth D uniform in 1..length; a walk that meets a leaf before D steps ends there)."""
    mass = trie.mass.astype(np.float64)
    parent = trie.parent[1:]
    gain = np.zeros(trie.n_nodes)
    gain[1:] = mass[1:].max(axis=1) - mass[1:, :][np.arange(len(parent)), mass[parent].argmax(axis=1)]
    gsum = np.zeros(trie.n_nodes)
    np.add.at(gsum, parent, gain[1:])
    n_children = np.diff(trie.child_start)
    mixed, uniform, last = np.ones(trie.n_nodes), np.ones(trie.n_nodes), np.zeros(trie.n_nodes)
    for d in range(1, int(trie.depth.max()) + 1):
        at = np.flatnonzero(trie.depth == d)
        u = trie.parent[at]
        greedy = np.where(gsum[u] > 0, gain[at] / np.where(gsum[u] > 0, gsum[u], 1.0), 1.0 / n_children[u])
        mixed[at] = mixed[u] * (0.5 / n_children[u] + 0.5 * greedy)
        uniform[at] = uniform[u] / n_children[u]
        last[at] = uniform[u] * greedy  # D = depth: the last step by gain
    leaf = n_children == 0
    beyond = (length - trie.depth) / length  # P(D > depth): a walk ending early on a leaf
    mixed_end = mixed * np.where(leaf, 1.0 / length + beyond, 1.0 / length)
    last_end = last / length + np.where(leaf, beyond * uniform, 0.0)
    return gain, gsum, Q_MIXED * mixed_end + Q_LAST * last_end


def _affix_count(task, oracle) -> int:
    """Number of prefixes a rule may sit on (trie nodes but the root)."""
    if oracle[O_CLOSED]:
        n, length = oracle[O_N], oracle[O_L]
        return (n ** (length + 1) - 1) // (n - 1) - 1
    return views.trie(task).n_nodes - 1
