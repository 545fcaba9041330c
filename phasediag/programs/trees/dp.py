"""Exact decision-tree fronts by dynamic programming over sub-samples.

Inputs with the same answers to every test fall together, so the DP runs on the distinct
answer patterns u (with their weight W(u, y) per label). For a set S of patterns and a budget
of b splits,

    best(S, 0) = min_y Σ_{u∈S} [W(u) − W(u, y)]            (one leaf)
    best(S, b) = min(best(S, b − 1), min_f min_{i+j=b−1} best(S∖f, i) + best(S∩f, j))

over the tests f that split S. best(X, b) for b = 0, 1, ... is the least wrong weight of a tree
of at most b splits, so its strict decreases are the exact front; every step is optimal. A set
is a row of 64-bit words, one bit per pattern. The sets reachable from X by splits (a set with
one label is not split further) are found breadth first into an open-addressing hash table,
then solved smallest first (a split's parts are proper subsets), in Numba.
"""

from __future__ import annotations

from time import perf_counter
from typing import Sequence

import numpy as np

from ... import views
from ...diagram import MethodInfo, PhaseDiagram, Step, TaskInfo
from ...errors import TooLargeError
from ...front import Progress, answering, eps_budgets, require_method
from ...jit import njit
from ...task import Task
from .tree import Leaf, Split, Tree, conditions_of

__all__ = ["dp_diagram", "patterns", "dp_size", "STATE_LIMIT", "ENTRY_LIMIT"]

#: Most sub-samples the DP solves (divided by the 64-bit words a sub-sample takes) and most
#: entries best(S, b) it keeps: about 0.5 GB of tables at most. Beyond, it refuses (use CP-SAT
#: or the sampler).
STATE_LIMIT = 1_000_000
ENTRY_LIMIT = 30_000_000
#: Sub-samples solved between two progress reports (and chances to stop at a Ctrl-C).
_CHUNK = 50_000
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def patterns(task: Task) -> tuple[np.ndarray, np.ndarray]:
    """The distinct answer patterns of the task's inputs to its tests: (passes (U, F) bool,
    weights (U, K) int64 per label), in first-seen order (kept with the task)."""
    def build() -> tuple[np.ndarray, np.ndarray]:
        table, conditions = task.table, conditions_of(task)
        keys, first, inverse = np.unique(conditions.passes, axis=0, return_index=True, return_inverse=True)
        order = np.argsort(first)
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        weights = np.zeros((len(keys), len(task.labels)), dtype=np.int64)
        np.add.at(weights, (rank[inverse.ravel()], table.labels), table.weights)
        return keys[order], weights

    return views.kept(task, "tree_patterns", build)


@njit(cache=True)
def _slot(sets, index, words, key, at, shift):
    """The hash-table slot holding the set key[at : at + words] (64-bit words), or the empty slot
    (index −1) where it would go; set k is sets[k·words : (k + 1)·words]."""
    mask = np.uint64(len(index) - 1)
    h = key[at] * _GOLDEN
    for w in range(1, words):
        h = (h ^ key[at + w]) * _GOLDEN
    h >>= np.uint64(shift)
    while True:
        k = index[h]
        if k < 0:
            return h
        same = True
        for w in range(words):
            if sets[k * words + w] != key[at + w]:
                same = False
                break
        if same:
            return h
        h = (h + np.uint64(1)) & mask


@njit(cache=True)
def _split(sets, at, tests, f, words, parts):
    """parts = (S ∩ test f, S ∖ test f) for S = sets[at : at + words]; whether both are non-empty."""
    some_right = some_left = False
    for w in range(words):
        s, t = sets[at + w], tests[f * words + w]
        parts[w] = s & t
        parts[words + w] = s & ~t
        some_right |= parts[w] != 0
        some_left |= parts[words + w] != 0
    return some_right and some_left


@njit(cache=True)
def _reachable(everything, tests, pure, limit, bits):
    """The sets reachable from ``everything`` by splits (``tests``: one row of words per test),
    breadth first, a set inside one of the ``pure`` masks (one label) not split; stops past
    ``limit``. Returns (the sets found, flat, in order; their count, limit + 1 when past it; the
    hash table: per slot the set's place, −1 if empty)."""
    size = 1 << bits
    shift = 64 - bits
    words = len(everything)
    flat_tests = tests.ravel()
    index = np.full(size, -1, dtype=np.int64)
    found = np.zeros(min(limit + 1, size // 2) * words, dtype=np.uint64)  # 2^bits ≥ twice the sets there are
    found[:words] = everything
    index[_slot(found, index, words, everything, 0, shift)] = 0
    parts = np.zeros(2 * words, dtype=np.uint64)
    count, head = 1, 0
    while head < count:
        at = head * words
        head += 1
        one_label = False
        for p in range(len(pure)):
            inside = True
            for w in range(words):
                if found[at + w] & ~pure[p, w] != 0:
                    inside = False
                    break
            if inside:
                one_label = True
                break
        if one_label:
            continue
        for f in range(len(tests)):
            if not _split(found, at, flat_tests, f, words, parts):
                continue
            for side in range(2):
                h = _slot(found, index, words, parts, side * words, shift)
                if index[h] < 0:
                    if count >= limit:
                        return found, limit + 1, index
                    for w in range(words):
                        found[count * words + w] = parts[side * words + w]
                    index[h] = count
                    count += 1
    return found[: count * words], count, index


@njit(cache=True)
def _solve(order, sets, words, offsets, tops, index, shift, tests, weights, values, leaf_label, split_test,
           split_left, first, last):
    """best(S, ·) for the sets ``order[first:last]`` (their parts solved before): leaf costs,
    then every split's (min, +) combination of its parts' fronts, kept monotone. Entry
    offsets[k] + b of ``values`` is best(S_k, b); a split records its test and its left part's
    budget (the right part's follows)."""
    n_patterns, n_labels = weights.shape
    flat_tests = tests.ravel()
    mass = np.zeros(n_labels, dtype=np.int64)
    parts = np.zeros(2 * words, dtype=np.uint64)
    for q in range(first, last):
        k = order[q]
        at = k * words
        mass[:] = 0
        for u in range(n_patterns):
            if (sets[at + (u >> 6)] >> np.uint64(u & 63)) & np.uint64(1):
                for y in range(n_labels):
                    mass[y] += weights[u, y]
        label = np.argmax(mass)
        wrong = mass.sum() - mass[label]
        top = tops[k]
        o = offsets[k]
        leaf_label[k] = label
        for b in range(top + 1):
            values[o + b] = wrong
            split_test[o + b] = -1
        for f in range(len(tests)):
            if top == 0 or wrong == 0:  # a set with one label is not split (nor were its parts found)
                break
            if not _split(sets, at, flat_tests, f, words, parts):
                continue
            c = index[_slot(sets, index, words, parts, 0, shift)]
            a = index[_slot(sets, index, words, parts, words, shift)]
            oa, ta, oc, tc = offsets[a], tops[a], offsets[c], tops[c]
            for total in range(1, top + 1):  # a part's front repeats its last value beyond its length
                for i in range(min(total - 1, ta) + 1):
                    v = values[oa + i] + values[oc + min(total - 1 - i, tc)]
                    if v < values[o + total]:
                        values[o + total] = v
                        split_test[o + total] = f
                        split_left[o + total] = i
        for total in range(1, top + 1):
            if values[o + total - 1] <= values[o + total]:
                values[o + total] = values[o + total - 1]
                split_test[o + total] = split_test[o + total - 1]
                split_left[o + total] = split_left[o + total - 1]


def _words(member: np.ndarray) -> np.ndarray:
    """Boolean membership (..., U) as rows of 64-bit words (pattern u = bit u % 64 of word u // 64)."""
    words = -(-member.shape[-1] // 64)
    padded = np.zeros(member.shape[:-1] + (64 * words,), dtype=bool)
    padded[..., : member.shape[-1]] = member
    return np.packbits(padded, axis=-1, bitorder="little").view("<u8").astype(np.uint64)


class _Masks:
    """A task's patterns as sets of 64-bit words: all of them, each test's passing ones, and per
    label the patterns whose weight is all on it."""

    def __init__(self, task: Task):
        passes, self.weights = patterns(task)
        self.patterns = len(self.weights)
        self.everything = _words(np.ones(self.patterns, dtype=bool))
        self.tests = _words(passes.T)
        self.pure = _words((self.weights.sum(axis=1) == self.weights.T))

    def reachable(self, limit: int):
        """(sets (count, words), count, hash index, hash shift): see :func:`_reachable`."""
        bits = max(4, int(min(limit + 1, 2 ** min(self.patterns, 62)) - 1).bit_length() + 1)
        found, count, index = _reachable(self.everything, self.tests, self.pure, limit, bits)
        return found.reshape(-1, len(self.everything)), count, index, 64 - bits


def _plan(task: Task, masks: _Masks, cap: int, most: int | None = None, keep: bool = False):
    """The sub-samples, the length of each one's front (top + 1: budgets 0..top) and the order
    to solve them in (smallest first: a split's parts are proper subsets): (sets, hash index,
    hash shift, tops, order); TooLargeError past the limits (or past ``most`` sub-samples). With
    ``keep`` the sub-samples stay with the task for the next call."""
    limit = STATE_LIMIT // masks.everything.shape[0]
    limit = limit if most is None else min(limit, most)
    # dp_size hands a whole count on to the dp_diagram that usually follows it (the pick of exact).
    found = views.take(task, "tree_sub_samples")
    sets, count, index, shift = found if found is not None else masks.reachable(limit)
    if count > limit:
        raise TooLargeError(f"The tree DP would pass {limit:,} sub-samples on {task.spec}; use --method cpsat, or "
                            f"--method tempered for an upper bound.")
    sizes = np.unpackbits(sets.view(np.uint8), axis=1).sum(axis=1, dtype=np.int64)
    tops = np.minimum(cap, sizes - 1)  # a set with one label is a leaf at every budget: its entries stay equal
    if int(tops.sum()) + len(tops) > ENTRY_LIMIT:
        raise TooLargeError(f"The tree DP would keep more than {ENTRY_LIMIT:,} fronts' entries on {task.spec}; "
                            f"use --method cpsat, or --method tempered for an upper bound.")
    if keep:
        views.hand_on(task, "tree_sub_samples", (sets, count, index, shift))
    return sets, index, shift, tops, np.argsort(sizes, kind="stable")


def dp_size(task: Task, most: int | None = None) -> int | None:
    """The sub-samples the DP would solve on the task; None past STATE_LIMIT, ENTRY_LIMIT or
    ``most`` (counted up to there, not solved)."""
    masks = _Masks(task)
    try:
        return len(_plan(task, masks, masks.patterns - 1, most, keep=True)[0])
    except TooLargeError:
        return None


def dp_diagram(task: Task, programs, *, eps: Sequence[float] | None = None, max_complexity: int | None = None,
               progress: Progress | None = None) -> PhaseDiagram:
    """The exact front of decision trees on a listed ``task`` (see the module docstring); every
    step optimal, each witness re-evaluated. ``max_complexity`` caps the splits; ``eps`` keeps
    the steps giving C(ε) for each target."""
    require_method(programs, "dp", dp_diagram)
    start = perf_counter()
    budgets = eps_budgets(eps, task.total_weight)
    masks = _Masks(task)
    if int(masks.weights.sum(dtype=object)) >= 2 ** 62:
        raise TooLargeError(f"{task.spec}'s weights sum past 2^62, more than the tree DP counts; use --method cpsat.")
    cap = masks.patterns - 1 if max_complexity is None else min(max_complexity, masks.patterns - 1)
    sets, index, shift, tops, order = _plan(task, masks, cap)
    offsets = np.concatenate([[0], np.cumsum(tops + 1)[:-1]]).astype(np.int64)
    entries = int(tops.sum()) + len(tops)
    values = np.zeros(entries, dtype=np.int64)
    split_test = np.zeros(entries, dtype=np.int32)
    split_left = np.zeros(entries, dtype=np.int32)
    leaf_label = np.zeros(len(sets), dtype=np.int64)
    flat, words = sets.ravel(), sets.shape[1]
    for first in range(0, len(order), _CHUNK):
        _solve(order, flat, words, offsets, tops, index, shift, masks.tests, masks.weights, values, leaf_label,
               split_test, split_left, first, min(first + _CHUNK, len(order)))
        if progress is not None:
            progress("tree DP (sub-samples)", min(first + _CHUNK, len(order)), len(order))
    tests = conditions_of(task).conditions

    def tree(k: int, b: int) -> Tree:
        at = offsets[k] + min(b, tops[k])
        f = int(split_test[at])
        if f < 0:
            return Leaf(task.labels[int(leaf_label[k])])
        i = int(split_left[at])
        s, t = sets[k], masks.tests[f]
        a, c = (int(index[_slot(flat, index, words, part, 0, shift)]) for part in (s & ~t, s & t))
        return Split(tests[f], tree(a, i), tree(c, min(b, tops[k]) - 1 - i))

    front, last = [], None
    for b in range(tops[0] + 1):
        w = int(values[offsets[0] + b])
        if last is None or w < last:
            front.append((b, w))
            last = w
    if budgets:
        front = answering(front, budgets)
    total = task.total_weight
    witnesses = [tree(0, c) for c, _ in front]
    scored = programs.wrong_weights(task, witnesses)
    steps = []
    for (c, wrong), witness, check in zip(front, witnesses, scored):
        if check != wrong or programs.complexity(witness) != c:
            raise AssertionError(f"tree DP witness at {c} splits re-evaluates to ({programs.complexity(witness)}, "
                                 f"{check}), DP says ({c}, {wrong})")
        steps.append(Step(c, wrong / total, wrong if task.uniform else None, total if task.uniform else None,
                          "optimal", witness))
    return PhaseDiagram(
        task=TaskInfo.of(task), programs=programs.spec,
        method=MethodInfo("dp", {"max_complexity": max_complexity, "eps": list(eps) if eps else None}),
        steps=steps, runtime_s=perf_counter() - start,
        diagnostics={"patterns": masks.patterns, "tests": len(masks.tests), "sub_samples": len(sets)},
    )
