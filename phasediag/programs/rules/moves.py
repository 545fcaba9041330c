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
u's best label held there).

Masses, children and gains come from the task's *prefix law* (:mod:`phasediag.laws`): the trie
of a listed task (:mod:`.trielaw`), or a family's closed form. The law's functions are globals
of this module's functions, bound per kind of law by :func:`bound` (as the moves are bound into
the samplers' loops), so no family knowledge sits here. The *mixed* descent (Q_MIXED) takes each step to a uniform child or,
half the time, to a child drawn ∝ its gain; the *last-gain* descent (Q_LAST) takes D − 1 uniform
steps and the last one ∝ gain. Exceptions of prefix-sorting are the children with gain, so a
given level-k exception is drawn with probability about Q_LAST/(L·n^(k-1)) instead of n^-k: at
n = 100 the 10^4 level-3 exceptions become collectable.
"""

from __future__ import annotations

import math
from functools import cache
from typing import NamedTuple

import numpy as np

from ...errors import TooLargeError
from ...laws import LawFunctions, PrefixLaw
from ...sampling.chains import Moves, bind, bind_functions
from ...sampling.kernel import listed_lambdas
from ...streams import compiled, copy, randint, uniform
from ...params import count
from ...tables import LIST_LIMIT
from ...task import Task
from ... import views
from .polish import load_rows, sweep_front
from .rulelist import RuleList
from .trielaw import trie_law

__all__ = ["RuleKernel", "RuleState"]

#: Default complexity cap: enough for three levels of prefix-sorting at n = 100 (10,101 rules).
DEFAULT_CAPACITY = 12_000
P_ADD, P_DEL, P_REL, P_LEN = 0.3, 0.3, 0.2, 0.1  # shorten: the remaining 0.1
P_SHO = 1.0 - P_ADD - P_DEL - P_REL - P_LEN
Q_CUT, Q_MIXED, Q_LAST = 0.25, 0.25, 0.5  # the add move's prefix draws (module docstring)
ADD, DEL, REL, LEN, SHO = 0, 1, 2, 3, 4

#: The law's functions, bound in by :func:`bound` (the functions below read them as globals).
law_root = law_descend = law_mass = law_children = law_child_letter = None
law_pick_gain = law_gain_share = law_draw_input = law_cut_share = None


class RuleState(NamedTuple):
    """Per replica r: its rules as prefix rows in lexicographic order (letters, -1 padded), each
    with its depth, label, mass M and exclusive mass X; the default's label and X; the pending
    move and scratch rows; a law cursor. Then the witness slots, the law's data and its longest
    input."""

    rows: np.ndarray          # (R, C + 1, L) int16
    depth: np.ndarray         # (R, C + 1)
    label: np.ndarray         # (R, C + 1)
    mass: np.ndarray          # (R, C + 1, K)
    excl: np.ndarray          # (R, C + 1, K)
    n_rules: np.ndarray       # (R,)
    root_label: np.ndarray    # (R,)
    root_excl: np.ndarray     # (R, K)
    pending: np.ndarray       # (R, 4)
    prefix: np.ndarray        # (R, L) the prefix a move is about
    scratch: np.ndarray       # (R, L)
    kids: np.ndarray          # (R, K)
    buffer: np.ndarray        # (R, K)
    cursor: np.ndarray        # (R, 2) uint64
    w_rows: np.ndarray        # (S, C, L) witness slots
    w_label: np.ndarray       # (S, C)
    w_n: np.ndarray           # (S,)
    w_default: np.ndarray     # (S,)
    law: tuple
    length: int


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


# --- the task's prefix law ----------------------------------------------------------------------
@compiled
def _walk(law, cur, u, d):
    """The cursor at prefix u[:d]; False when no input starts with it."""
    law_root(law, cur)
    for j in range(d):
        if not law_descend(law, cur, j, u[j]):
            return False
    return True


@compiled
def _mass(law, cur, u, d, out):
    """out[y] = weight of the inputs under prefix u[:d] with label y."""
    if _walk(law, cur, u, d):
        law_mass(law, cur, d, out)
    else:
        out[:] = 0.0


@compiled
def _children(law, cur, u, d):
    """How many letters extend u[:d] to a prefix some input has."""
    return law_children(law, cur, d) if _walk(law, cur, u, d) else 0


@compiled
def _qaff(law, cur, u, d, length):
    """Probability that the add move draws prefix u[:d] (:func:`_draw_affix`): Q_CUT times the cut
    of an input x ~ μ, Σ_{x under u, |x| ≥ d} μ(x)/|x|, plus the two descents with a uniform
    depth D in 1..length (a walk that meets a prefix with no children before D steps ends there)."""
    law_root(law, cur)
    mixed, last, path = 1.0, 1.0, 1.0
    for j in range(d):
        nc = law_children(law, cur, j)
        share = law_gain_share(law, cur, j, u[j])
        if share < 0.0:
            share = 1.0 / nc
        mixed *= 0.5 / nc + 0.5 * share
        if j == d - 1:
            last = path * share
        path /= nc
        law_descend(law, cur, j, u[j])
    beyond = (length - d) / length if law_children(law, cur, d) == 0 else 0.0
    mixed_end = mixed * (1.0 / length + beyond)
    last_end = last / length + beyond * path
    return Q_CUT * law_cut_share(law, cur, d) + Q_MIXED * mixed_end + Q_LAST * last_end


@compiled
def _draw_affix(law, cur, rng, r, out, length):
    """Draw the add move's prefix into ``out`` (see the module docstring); returns its depth."""
    out[:] = -1
    draw = uniform(rng, r)
    if draw < Q_CUT:  # an input x ~ μ cut at a uniform depth
        size = law_draw_input(law, rng, r, out)
        d = 1 + randint(rng, r, size)
        out[d:] = -1
        return d
    mixed = draw < Q_CUT + Q_MIXED
    depth = 1 + randint(rng, r, length)
    law_root(law, cur)
    d = 0
    while d < depth:
        nc = law_children(law, cur, d)
        if nc == 0:
            break
        a = law_child_letter(law, cur, d, randint(rng, r, nc))
        if uniform(rng, r) < 0.5 if mixed else d == depth - 1:
            g = law_pick_gain(law, cur, d, rng, r)
            if g >= 0:
                a = g
        out[d] = a
        law_descend(law, cur, d, a)
        d += 1
    return d


@compiled
def _label_q(m, y, k):
    """Probability of label y for a new rule whose prefix has label masses m."""
    return 0.5 * m[y] / m.sum() + 0.5 / k


# --- rule structure ---------------------------------------------------------------------------
@compiled
def _parent(st, r, u, d, skip):
    """Index of the nearest rule strictly above u[:d] (-1: the default), ignoring index skip."""
    rows, n, tmp = st.rows[r], st.n_rules[r], st.scratch[r]
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
    rows, dep, ms, n = st.rows[r], st.depth[r], st.mass[r], st.n_rules[r]
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
    return st.root_label[r] if i < 0 else st.label[r, i]


@compiled
def _exclusive(st, r, i, y):
    """X_y of rule i (-1: the default)."""
    return st.root_excl[r, y] if i < 0 else st.excl[r, i, y]


@compiled
def _add_exclusive(st, r, i, y, delta):
    """X_y of rule i (-1: the default) += delta."""
    if i < 0:
        st.root_excl[r, y] += delta
    else:
        st.excl[r, i, y] += delta


@compiled
def _move_rule(st, r, i, j):
    """Copy rule i of replica r to index j."""
    copy(st.rows[r, j], st.rows[r, i])
    copy(st.mass[r, j], st.mass[r, i])
    copy(st.excl[r, j], st.excl[r, i])
    st.depth[r, j], st.label[r, j] = st.depth[r, i], st.label[r, i]


@compiled
def _add_rule(st, r, u, d, y):
    rows, n = st.rows[r], st.n_rules[r]
    pos = _lower(rows, n, u)
    p = _parent(st, r, u, d, -1)
    m, kids = st.buffer[r], st.kids[r]
    _mass(st.law, st.cursor[r], u, d, m)
    _kids_mass(st, r, u, d, -1, kids)
    for i in range(n, pos, -1):
        _move_rule(st, r, i - 1, i)
    copy(rows[pos], u)
    st.depth[r, pos], st.label[r, pos] = d, y
    for z in range(m.shape[0]):
        st.mass[r, pos, z] = m[z]
        st.excl[r, pos, z] = m[z] - kids[z]
        _add_exclusive(st, r, p, z, kids[z] - m[z])
    st.n_rules[r] = n + 1


@compiled
def _delete_rule(st, r, i):
    rows, n = st.rows[r], st.n_rules[r]
    p = _parent(st, r, rows[i], st.depth[r, i], -1)
    for z in range(st.excl.shape[2]):
        _add_exclusive(st, r, p, z, st.excl[r, i, z])
    for j in range(i, n - 1):
        _move_rule(st, r, j + 1, j)
    rows[n - 1] = -1
    st.n_rules[r] = n - 1


# --- the sampler interface --------------------------------------------------------------------
@compiled
def init(st, rng, r):
    """The empty list with default label 0; returns (complexity, wrong weight)."""
    st.n_rules[r] = 0
    st.rows[r] = -1
    st.root_label[r] = 0
    u = st.prefix[r]
    u[:] = -1
    _mass(st.law, st.cursor[r], u, 0, st.root_excl[r])
    return 0, st.root_excl[r].sum() - st.root_excl[r, 0]


@compiled
def propose(st, rng, r, beta, lamw, lnu, cmax):
    """Draw a move for replica r and score it without applying it.
    Returns (status, Δcomplexity, Δwrong, log Hastings ratio); status 0: no valid move."""
    law, cur, n, k = st.law, st.cursor[r], st.n_rules[r], st.mass.shape[2]
    rows, dep, lab, ex = st.rows[r], st.depth[r], st.label[r], st.excl[r]
    pend, v, m, kids = st.pending[r], st.prefix[r], st.buffer[r], st.kids[r]
    x = uniform(rng, r)
    if x < P_ADD:
        if n >= cmax:
            return 0, 0, 0.0, 0.0
        d = _draw_affix(law, cur, rng, r, v, st.length)
        if _find(rows, n, v) >= 0:
            return 0, 0, 0.0, 0.0
        _mass(law, cur, v, d, m)
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
        return 1, 1, dw, math.log(P_DEL / (n + 1)) - math.log(P_ADD * _qaff(law, cur, v, d, st.length) * _label_q(m, y, k))
    if x < P_ADD + P_DEL:
        if n == 0:
            return 0, 0, 0.0, 0.0
        i = randint(rng, r, n)
        y = lab[i]
        yp = _label_of(st, r, _parent(st, r, rows[i], dep[i], -1))
        pend[0], pend[1] = DEL, i
        dw = ex[i, y] - ex[i, yp]
        return 1, -1, dw, math.log(P_ADD * _qaff(law, cur, rows[i], dep[i], st.length)
                                     * _label_q(st.mass[r, i], y, k)) - math.log(P_DEL / n)
    if x < P_ADD + P_DEL + P_REL:
        if k < 2:  # one label: nothing to relabel to
            return 0, 0, 0.0, 0.0
        i = randint(rng, r, n + 1) - 1  # -1: the default label
        old = _label_of(st, r, i)
        y = randint(rng, r, k - 1)
        y += y >= old
        pend[0], pend[1], pend[2] = REL, i, y
        return 1, 0, _exclusive(st, r, i, old) - _exclusive(st, r, i, y), 0.0
    if n == 0:
        return 0, 0, 0.0, 0.0
    i = randint(rng, r, n)
    u, d, y = rows[i], dep[i], lab[i]
    copy(v, u)
    if x < P_ADD + P_DEL + P_REL + P_LEN:
        nc = _children(law, cur, u, d)
        if nc == 0:
            return 0, 0, 0.0, 0.0
        v[d] = law_child_letter(law, cur, d, randint(rng, r, nc))
        nd, skip, logq = d + 1, -1, math.log(P_SHO * nc / P_LEN)
    else:
        if d == 1:
            return 0, 0, 0.0, 0.0
        v[d - 1] = -1
        nd, skip = d - 1, i
        logq = math.log(P_LEN / (_children(law, cur, v, nd) * P_SHO))
    if _find(rows, n, v) >= 0:
        return 0, 0, 0.0, 0.0
    yp = _label_of(st, r, _parent(st, r, u, d, -1))
    _mass(law, cur, v, nd, m)
    _kids_mass(st, r, v, nd, skip, kids)
    pend[0], pend[1], pend[2], pend[3] = LEN, i, y, nd
    dw = (ex[i, y] - ex[i, yp]) + ((m[yp] - kids[yp]) - (m[y] - kids[y]))
    return 1, 0, dw, logq


@compiled
def commit(st, rng, r):
    """Apply the move the last :func:`propose` scored."""
    pend = st.pending[r]
    kind = pend[0]
    if kind == ADD:
        _add_rule(st, r, st.prefix[r], pend[1], pend[2])
    elif kind == DEL:
        _delete_rule(st, r, pend[1])
    elif kind == REL:
        if pend[1] < 0:
            st.root_label[r] = pend[2]
        else:
            st.label[r, pend[1]] = pend[2]
    else:  # a move: delete, then add the rule on its new prefix
        _delete_rule(st, r, pend[1])
        _add_rule(st, r, st.prefix[r], pend[3], pend[2])


@compiled
def reject(st, rng, r):
    """Nothing to undo: :func:`propose` changes no rule."""


@compiled
def snapshot(st, r, slot):
    """Copy replica r's rule list into witness slot ``slot``."""
    n = st.n_rules[r]
    st.w_n[slot], st.w_default[slot] = n, st.root_label[r]
    for i in range(n):
        copy(st.w_rows[slot, i], st.rows[r, i])
        st.w_label[slot, i] = st.label[r, i]


def bound(functions: LawFunctions) -> tuple[Moves, object, dict]:
    """The moves compiled on one kind of law, the samplers compiled on those moves, and this
    module's functions that call the law, compiled on it, by name (each kind of law compiles
    once, then is cached)."""
    return _bound(functions)


#: The functions of this module that call the law, directly or through another of them.
_ON_LAW = ("_walk", "_mass", "_children", "_qaff", "_draw_affix", "_add_rule", "init", "propose", "commit")


@cache
def _bound(functions: LawFunctions):
    law = {f"law_{name}": f for name, f in functions._asdict().items()}
    on_law = bind_functions({name: globals()[name] for name in _ON_LAW}, law)
    moves = Moves(on_law["init"], on_law["propose"], on_law["commit"], reject, snapshot)
    return moves, bind(moves), on_law


class RuleKernel:
    """The affix-rule sampler for one task: its state arrays and how to read witnesses back.

    ``capacity`` is the most rules a program may have (the complexity cap); masses are in the
    task's weight units (``total``), exact integers for listed tasks. Tasks too large to list are
    scored by their closed form (``closed_form=True`` forces it on any task that has one).
    """

    constructed = start = None  # no correct program is built (see SamplerKernel)
    proposal_cost = 1.0

    def __init__(self, task: Task, capacity: int | None = None, *, closed_form: bool | None = None):
        closed = task.n_inputs > LIST_LIMIT if closed_form is None else closed_form
        self.task, self.law = task, _law(task, closed)
        self.moves, self.loops, self.functions = bound(self.law.functions)
        self.length, self.labels = self.law.length, len(task.labels)
        self.n_affixes = self.law.affixes
        #: the most rules a program may have: by default every prefix, up to DEFAULT_CAPACITY
        self.capacity = min(self.n_affixes, DEFAULT_CAPACITY) if capacity is None else min(capacity, self.n_affixes)
        self.warning = (f"The sampler capped rule lists at {DEFAULT_CAPACITY:,} rules by default; the task has "
                       f"{self.n_affixes:,} prefixes, so its front may go on beyond. Give --max-complexity to "
                       f"set the cap." if capacity is None and self.n_affixes > DEFAULT_CAPACITY else None)
        self.total = float(task.total_weight)
        #: weights are exact integers (listed tasks), so wrong weights are exact counts
        self.exact = self.law.exact
        root = np.zeros(self.labels)
        self.functions["_mass"](self.law.data, np.zeros(2, np.uint64), np.full(self.length, -1, np.int16), 0, root)
        #: wrong weight of the best constant label
        self.baseline = float(root.sum() - root.max())
        #: default ladder ends (see :meth:`_ladder_ends`)
        self.beta_cold, self.lambda_range = self._ladder_ends()

    def _ladder_ends(self) -> tuple[float, tuple[float, float]]:
        """The coldest default β and the default λ range.

        β: at least 1.5·ln(prefixes·labels), the entropy one more rule brings (ln of the number of
        ways to add it), so that cold replicas are not swamped by rule lists of neutral rules.
        λ: listed tasks, :func:`~phasediag.sampling.kernel.listed_lambdas`; closed forms, from 1
        to 4/(mass fraction of a prefix at depth d* + 1), d* the shallowest depth with ≥ capacity
        prefixes up to it (a closed form's letters all extend every prefix): rules one depth below
        the finest level the capacity can cover pay 4×, so the front runs past that level to the
        capacity and the transition at its end shows.
        """
        beta = max(10.0, 1.5 * math.log(self.n_affixes * self.labels))
        if self.exact:
            weights = self.task.table.weights
            return beta, listed_lambdas(self.total, self.baseline, float(weights[weights > 0].min()))
        n = self.functions["_children"](self.law.data, np.zeros(2, np.uint64), np.full(self.length, -1, np.int16), 0)
        depth, count = 1, n
        while count < self.capacity and depth < self.length:
            depth += 1
            count += n ** depth
        return beta, (1.0, 4.0 * float(n) ** min(depth + 1, self.length))

    def improve_front(self, state: RuleState, front: list, deadline: float | None = None) -> tuple[list, int]:
        """``front`` (``(complexity, wrong, found, slot)`` by complexity) after the exact local
        sweeps of :func:`.polish.sweep_front`, its Pareto steps as ``(complexity, wrong, found,
        rule list)``, each list stored as its change from the step before, and how many sizes the
        sweeps improved (marked found after every proposal). A closed-form task has no trie to
        sweep: its front is returned as it is."""
        if not self.exact or not front:
            return front, 0
        trie = views.trie(self.task)

        def load(slot: int, lab: np.ndarray) -> None:
            load_rows(self.law.data, state.w_rows[slot], state.w_label[slot], int(state.w_n[slot]),
                      int(state.w_default[slot]), lab)

        sampled = {c: (w, slot) for c, w, _, slot in front}
        found = {c: t for c, _, t, _ in front}
        improved = sweep_front(trie, sampled, self.capacity, load, deadline)
        last = max(found.values())
        steps, best = [], np.inf
        for c in sorted(set(sampled) | set(improved)):
            wrong, source = improved[c] if c in improved else sampled[c]
            if wrong < best:
                best = wrong
                steps.append((c, float(wrong), last if c in improved else found[c], source))
        out, previous, lab = [], None, np.full(trie.n_nodes, -1, np.int64)
        before = np.full(trie.n_nodes, -1, np.int64)
        for c, wrong, t, source in steps:
            if isinstance(source, tuple):  # (nodes, labels) of a swept program
                lab[:] = -1
                lab[source[0]] = source[1]
            else:
                load(source, lab)
            previous = self._changed(trie, previous, before, lab)
            out.append((c, wrong, t, previous))
            before[:] = lab
        return out, len(improved)

    def _changed(self, trie, previous: RuleList | None, before: np.ndarray, lab: np.ndarray) -> RuleList:
        """The rule list of ``lab`` (a label per trie node), as its change from ``previous``
        (whose labels are ``before``): only the rules that differ are written out."""
        labels = self.task.labels
        nodes = np.flatnonzero(lab[1:] != before[1:]) + 1
        removed = [(self.task.render(trie.path(int(v))), labels[int(before[v])]) for v in nodes if before[v] >= 0]
        added = [(self.task.render(trie.path(int(v))), labels[int(lab[v])]) for v in nodes if lab[v] >= 0]
        if previous is None:
            return RuleList(labels[int(lab[0])], added)
        return RuleList.changed(previous, labels[int(lab[0])], removed, added)

    def slot_bytes(self) -> int:
        return self.capacity * (2 * self.length + 2) + 16

    def replica_bytes(self) -> int:
        return (self.capacity + 1) * (2 * self.length + 16 + 16 * self.labels) + 64

    def allocate(self, replicas: int, slots: int) -> RuleState:
        L, K, R = self.length, self.labels, self.capacity + 1
        return RuleState(
            np.full((replicas, R, L), -1, np.int16), np.zeros((replicas, R), np.int64),
            np.zeros((replicas, R), np.int64), np.zeros((replicas, R, K)), np.zeros((replicas, R, K)),
            np.zeros(replicas, np.int64), np.zeros(replicas, np.int64), np.zeros((replicas, K)),
            np.zeros((replicas, 4), np.int64), np.full((replicas, L), -1, np.int16),
            np.full((replicas, L), -1, np.int16), np.zeros((replicas, K)), np.zeros((replicas, K)),
            np.zeros((replicas, 2), np.uint64),
            np.full((slots, R - 1, L), -1, np.int16), np.zeros((slots, R - 1), np.int16),
            np.zeros(slots, np.int64), np.zeros(slots, np.int64), self.law.data, self.length,
        )

    def witness(self, state: RuleState, slot: int) -> RuleList:
        """The rule list in witness slot ``slot``."""
        task, n = self.task, int(state.w_n[slot])
        rows, labels = state.w_rows[slot, :n], state.w_label[slot, :n]
        return RuleList(task.labels[int(state.w_default[slot])],
                        {task.render(row): task.labels[int(y)] for row, y in zip(rows, labels)})

    def log_count(self, complexity: int) -> float:
        """ln of the number of rule lists with ``complexity`` rules: C(P, c)·K^(c+1)."""
        p, c, k = self.n_affixes, complexity, self.labels
        return (math.lgamma(p + 1) - math.lgamma(c + 1) - math.lgamma(p - c + 1)) + (c + 1) * math.log(k)

    def log_counts(self) -> np.ndarray:
        """ln of the number of rule lists of each complexity 0..capacity."""
        return np.array([self.log_count(c) for c in range(self.capacity + 1)])

    def log_size(self) -> float:
        """ln of the number of rule lists the walk covers (up to ``capacity`` rules)."""
        return float(np.logaddexp.reduce(self.log_counts()))


def _law(task: Task, closed: bool) -> PrefixLaw:
    """The task's prefix law for the kernel: its trie, or its closed form (``task.closed_form()``)."""
    if not closed:
        return trie_law(task)
    closed_form = task.closed_form()
    if closed_form is None:
        raise TooLargeError(f"{task.spec} has {count(task.n_inputs)} inputs and no closed form for its label masses, "
                            f"so rule lists cannot be scored on it. {task.too_large_hint()}")
    return closed_form.law()
