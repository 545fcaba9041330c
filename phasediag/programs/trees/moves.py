"""Sampler moves on decision trees (Numba), with exact incremental error.

A replica holds a tree of at most ``capacity`` splits in node slots (slot 0 the root): each slot
is free, a split (its test, fail child, pass child) or a leaf (its label), with its parent. Lists
of the leaves, of the splits, and of the *prunable* splits (both children leaves) are kept with
each slot's position in them, so a uniform choice from any list is O(1). Each distinct answer
pattern u of the task's inputs (weights W(u, y)) sits at the leaf it reaches, ``at[u]``; the
wrong weight is Σ_u W(u) − W(u, label(at[u])).

Moves (probabilities ``P_*``), each with its Hastings ratio:

- grow: a uniform leaf becomes a split on a uniform test, with two new leaves of uniform labels;
- prune: a uniform prunable split becomes a leaf of uniform label (the reverse of grow);
- change: a uniform split takes another uniform test; the patterns below it are routed again;
- relabel: a uniform leaf takes another uniform label.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ...streams import compiled, copy, randint, uniform
from ...sampling.chains import Moves, bind
from ...sampling.kernel import listed_lambdas
from .tree import Leaf, Split, Tree

__all__ = ["TreeKernel", "TreeState"]

P_GROW, P_PRUNE, P_CHANGE = 0.3, 0.3, 0.2  # relabel: the remaining 0.2
GROW, PRUNE, CHANGE, RELABEL = 0, 1, 2, 3
FREE, SPLIT, LEAF = 0, 1, 2


class TreeState(NamedTuple):
    """Per replica r: node slots, the three lists, patterns' leaves, the pending move; then the
    task's patterns (shared) and the witness slots."""

    kind: np.ndarray       # (R, N) int64: FREE, SPLIT or LEAF
    test: np.ndarray       # (R, N) a split's test
    fail: np.ndarray       # (R, N) a split's fail child
    passed: np.ndarray     # (R, N) a split's pass child
    parent: np.ndarray     # (R, N) -1 for the root
    label: np.ndarray      # (R, N) a leaf's label
    free: np.ndarray       # (R, N) stack of free slots
    n_free: np.ndarray     # (R,)
    lists: np.ndarray      # (R, 3, N): leaves, splits, prunable splits
    where: np.ndarray      # (R, 3, N): a slot's position in each list (-1: not in it)
    sizes: np.ndarray      # (R, 3)
    at: np.ndarray         # (R, U) the leaf each pattern reaches
    new_at: np.ndarray     # (R, U) scratch: where the pending move sends each pattern
    pend: np.ndarray       # (R, 6) the pending move
    passes: np.ndarray     # (U, F) uint8: pattern u passes test f
    weights: np.ndarray    # (U, K) weight of pattern u per label
    wsum: np.ndarray       # (U,)
    w_kind: np.ndarray     # (S, N) witness slots
    w_test: np.ndarray
    w_fail: np.ndarray
    w_passed: np.ndarray
    w_label: np.ndarray


LEAVES, SPLITS, PRUNABLE = 0, 1, 2


@compiled
def _list_add(st, r, which, node):
    n = st.sizes[r, which]
    st.lists[r, which, n] = node
    st.where[r, which, node] = n
    st.sizes[r, which] = n + 1


@compiled
def _list_remove(st, r, which, node):
    i = st.where[r, which, node]
    last = st.lists[r, which, st.sizes[r, which] - 1]
    st.lists[r, which, i] = last
    st.where[r, which, last] = i
    st.where[r, which, node] = -1
    st.sizes[r, which] -= 1


@compiled
def _pick(st, rng, r, which):
    return st.lists[r, which, randint(rng, r, st.sizes[r, which])]


@compiled
def _leaf_wrong(st, u, y):
    return st.wsum[u] - st.weights[u, y]


@compiled
def _sibling_is_leaf(st, r, node):
    p = st.parent[r, node]
    if p < 0:
        return False
    other = st.passed[r, p] if st.fail[r, p] == node else st.fail[r, p]
    return st.kind[r, other] == LEAF


@compiled
def _descend(st, r, node, u, x, g):
    """The leaf pattern u reaches from ``node``, with split x testing g."""
    while st.kind[r, node] == SPLIT:
        t = g if node == x else st.test[r, node]
        node = st.passed[r, node] if st.passes[u, t] else st.fail[r, node]
    return node


@compiled
def _below(st, r, leaf, x):
    """Whether ``leaf`` lies in the subtree of ``x``."""
    node = leaf
    while node >= 0:
        if node == x:
            return True
        node = st.parent[r, node]
    return False


@compiled
def init(st, rng, r):
    """One leaf of label 0; returns (complexity, wrong weight)."""
    n = st.kind.shape[1]
    st.kind[r] = FREE
    st.where[r] = -1
    st.sizes[r] = 0
    st.kind[r, 0], st.parent[r, 0], st.label[r, 0] = LEAF, -1, 0
    _list_add(st, r, LEAVES, 0)
    for i in range(n - 1):
        st.free[r, i] = n - 1 - i
    st.n_free[r] = n - 1
    wrong = 0.0
    for u in range(st.at.shape[1]):
        st.at[r, u] = 0
        wrong += _leaf_wrong(st, u, 0)
    return 0, wrong


@compiled
def propose(st, rng, r, beta, lamw, lnu, cmax):
    """Draw a move for replica r and score it without applying it. Returns (status, Δsplits,
    Δwrong, log Hastings ratio); status 0: no valid move."""
    k, n_tests = st.weights.shape[1], st.passes.shape[1]
    pend, at = st.pend[r], st.at[r]
    leaves, splits, prunable = st.sizes[r, LEAVES], st.sizes[r, SPLITS], st.sizes[r, PRUNABLE]
    x = uniform(rng, r)
    dw = 0.0
    if x < P_GROW:
        if splits >= cmax or n_tests == 0:
            return 0, 0, 0.0, 0.0
        node = _pick(st, rng, r, LEAVES)
        f, y_fail, y_pass = randint(rng, r, n_tests), randint(rng, r, k), randint(rng, r, k)
        pend[0], pend[1], pend[2], pend[3], pend[4] = GROW, node, f, y_fail, y_pass
        old = st.label[r, node]
        for u in range(at.shape[0]):
            if at[u] == node:
                dw += _leaf_wrong(st, u, y_pass if st.passes[u, f] else y_fail) - _leaf_wrong(st, u, old)
        p = st.parent[r, node]
        after = prunable + 1 - (1 if p >= 0 and st.where[r, PRUNABLE, p] >= 0 else 0)
        return 1, 1, dw, (math.log(P_PRUNE / (after * k))
                          - math.log(P_GROW / (leaves * n_tests * k * k)))
    if x < P_GROW + P_PRUNE:
        if prunable == 0:
            return 0, 0, 0.0, 0.0
        node = _pick(st, rng, r, PRUNABLE)
        y = randint(rng, r, k)
        pend[0], pend[1], pend[2] = PRUNE, node, y
        a, b = st.fail[r, node], st.passed[r, node]
        for u in range(at.shape[0]):
            if at[u] == a or at[u] == b:
                dw += _leaf_wrong(st, u, y) - _leaf_wrong(st, u, st.label[r, at[u]])
        return 1, -1, dw, (math.log(P_GROW / ((leaves - 1) * n_tests * k * k))
                           - math.log(P_PRUNE / (prunable * k)))
    if x < P_GROW + P_PRUNE + P_CHANGE:
        if splits == 0 or n_tests < 2:
            return 0, 0, 0.0, 0.0
        node = _pick(st, rng, r, SPLITS)
        g = randint(rng, r, n_tests - 1)
        g += g >= st.test[r, node]
        pend[0], pend[1], pend[2] = CHANGE, node, g
        for u in range(at.shape[0]):
            if _below(st, r, at[u], node):
                leaf = _descend(st, r, node, u, node, g)
                st.new_at[r, u] = leaf
                dw += _leaf_wrong(st, u, st.label[r, leaf]) - _leaf_wrong(st, u, st.label[r, at[u]])
            else:
                st.new_at[r, u] = at[u]
        return 1, 0, dw, 0.0
    if k < 2:
        return 0, 0, 0.0, 0.0
    node = _pick(st, rng, r, LEAVES)
    old = st.label[r, node]
    y = randint(rng, r, k - 1)
    y += y >= old
    pend[0], pend[1], pend[2] = RELABEL, node, y
    for u in range(at.shape[0]):
        if at[u] == node:
            dw += _leaf_wrong(st, u, y) - _leaf_wrong(st, u, old)
    return 1, 0, dw, 0.0


@compiled
def _new_leaf(st, r, parent, y):
    st.n_free[r] -= 1
    node = st.free[r, st.n_free[r]]
    st.kind[r, node], st.parent[r, node], st.label[r, node] = LEAF, parent, y
    _list_add(st, r, LEAVES, node)
    return node


@compiled
def commit(st, rng, r):
    """Apply the move the last :func:`propose` scored."""
    pend, at = st.pend[r], st.at[r]
    kind, node = pend[0], pend[1]
    if kind == GROW:
        f = pend[2]
        p = st.parent[r, node]
        if p >= 0 and st.where[r, PRUNABLE, p] >= 0:
            _list_remove(st, r, PRUNABLE, p)
        _list_remove(st, r, LEAVES, node)
        a = _new_leaf(st, r, node, pend[3])
        b = _new_leaf(st, r, node, pend[4])
        st.kind[r, node], st.test[r, node], st.fail[r, node], st.passed[r, node] = SPLIT, f, a, b
        _list_add(st, r, SPLITS, node)
        _list_add(st, r, PRUNABLE, node)
        for u in range(at.shape[0]):
            if at[u] == node:
                at[u] = b if st.passes[u, f] else a
    elif kind == PRUNE:
        a, b = st.fail[r, node], st.passed[r, node]
        for child in (a, b):
            _list_remove(st, r, LEAVES, child)
            st.kind[r, child] = FREE
            st.free[r, st.n_free[r]] = child
            st.n_free[r] += 1
        _list_remove(st, r, PRUNABLE, node)
        _list_remove(st, r, SPLITS, node)
        st.kind[r, node], st.label[r, node] = LEAF, pend[2]
        _list_add(st, r, LEAVES, node)
        if _sibling_is_leaf(st, r, node):
            _list_add(st, r, PRUNABLE, st.parent[r, node])
        for u in range(at.shape[0]):
            if at[u] == a or at[u] == b:
                at[u] = node
    elif kind == CHANGE:
        st.test[r, node] = pend[2]
        copy(at, st.new_at[r])
    else:
        st.label[r, node] = pend[2]


@compiled
def reject(st, rng, r):
    """Nothing to undo: :func:`propose` changes no node."""


@compiled
def snapshot(st, r, slot):
    """Copy replica r's tree into witness slot ``slot``."""
    copy(st.w_kind[slot], st.kind[r])
    copy(st.w_test[slot], st.test[r])
    copy(st.w_fail[slot], st.fail[r])
    copy(st.w_passed[slot], st.passed[r])
    copy(st.w_label[slot], st.label[r])


#: The moves, and the samplers compiled on them.
MOVES = Moves(init, propose, commit, reject, snapshot)
LOOPS = bind(MOVES)

#: Default complexity cap: splits.
DEFAULT_CAPACITY = 255


class TreeKernel:
    """The decision-tree sampler for one listed task: trees of at most ``capacity`` splits over
    the task's distinct answer patterns."""

    constructed = start = None  # replicas start empty; the greedy tree closes the front (Trees.correct_program)
    improve_front = None  # no local sweeps of the front (see SamplerKernel)
    proposal_cost = 1.0

    moves = MOVES
    loops = LOOPS

    def __init__(self, task, capacity: int | None = None):
        from .dp import patterns
        from .tree import conditions_of

        self.task, self.conditions = task, conditions_of(task).conditions
        passes, weights = patterns(task)
        self._passes = passes.astype(np.uint8)
        self._weights = weights.astype(np.float64)
        rows = len(weights)
        #: the most splits a tree may have: by default enough to tell every pattern apart
        self.capacity = max(1, min(rows - 1, DEFAULT_CAPACITY) if capacity is None else capacity)
        self.warning = (f"The sampler capped trees at {DEFAULT_CAPACITY} splits by default; the task has {rows:,} "
                       f"distinct inputs, so its front may go on beyond. Give --max-complexity to set the cap."
                       if capacity is None and rows - 1 > DEFAULT_CAPACITY else None)
        self.total = float(task.total_weight)
        self.exact = True
        self.labels = weights.shape[1]
        self.baseline = float(weights.sum() - weights.sum(axis=0).max())
        self.beta_cold = max(10.0, 1.5 * math.log(max(2, len(self.conditions) * self.labels ** 2 * (self.capacity + 1))))
        positive = task.table.weights[task.table.weights > 0]
        self.lambda_range = listed_lambdas(self.total, self.baseline, float(positive.min()))

    @property
    def _slots(self) -> int:
        return 2 * self.capacity + 1

    def slot_bytes(self) -> int:
        return 5 * 8 * self._slots

    def replica_bytes(self) -> int:
        return 8 * (14 * self._slots + 2 * len(self._weights) + 10)

    def allocate(self, replicas: int, slots: int) -> TreeState:
        n, u = self._slots, len(self._weights)
        i64 = np.int64
        return TreeState(
            np.zeros((replicas, n), i64), np.zeros((replicas, n), i64), np.zeros((replicas, n), i64),
            np.zeros((replicas, n), i64), np.zeros((replicas, n), i64), np.zeros((replicas, n), i64),
            np.zeros((replicas, n), i64), np.zeros(replicas, i64), np.zeros((replicas, 3, n), i64),
            np.full((replicas, 3, n), -1, i64), np.zeros((replicas, 3), i64), np.zeros((replicas, u), i64),
            np.zeros((replicas, u), i64), np.zeros((replicas, 6), i64), self._passes, self._weights,
            self._weights.sum(axis=1), np.zeros((slots, n), i64), np.zeros((slots, n), i64),
            np.zeros((slots, n), i64), np.zeros((slots, n), i64), np.zeros((slots, n), i64))

    def witness(self, state: TreeState, slot: int) -> Tree:
        """The tree in witness slot ``slot``."""
        kind, test, fail, passed, label = (state.w_kind[slot], state.w_test[slot], state.w_fail[slot],
                                           state.w_passed[slot], state.w_label[slot])

        def build(node: int) -> Tree:
            if kind[node] == LEAF:
                return Leaf(self.task.labels[int(label[node])])
            return Split(self.conditions[int(test[node])], build(int(fail[node])), build(int(passed[node])))

        return build(0)

    def log_counts(self) -> np.ndarray:
        """ln of the number of trees of each number of splits c = 0..capacity: Catalan(c)·F^c·K^(c+1)."""
        f, k = max(len(self.conditions), 1), self.labels
        return np.array([math.lgamma(2 * c + 1) - math.lgamma(c + 1) - math.lgamma(c + 2)
                         + c * math.log(f) + (c + 1) * math.log(k) for c in range(self.capacity + 1)])

    def log_size(self) -> float:
        """ln of the number of trees of at most ``capacity`` splits."""
        return float(np.logaddexp.reduce(self.log_counts()))
