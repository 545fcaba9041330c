"""The prefix law of a listed task: its trie, with the add move's descent probabilities
precomputed per node (see :mod:`phasediag.laws` for the functions' contract)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ... import views
from ...laws import LawFunctions, PrefixLaw
from ...streams import compiled, copy, uniform
from ...task import Task

__all__ = ["trie_law"]


class TrieLaw(NamedTuple):
    """A trie as flat arrays (see :class:`phasediag.trie.Trie`), with per node its mass M (float),
    gain, Σ of its children's gains and cut share; the inputs' cumulative weights, letters and
    lengths for drawing x ~ μ. The cursor's word 0 is the node."""

    child_start: np.ndarray
    letter: np.ndarray
    mass: np.ndarray
    gain: np.ndarray
    gain_sum: np.ndarray
    cut: np.ndarray
    cumulative: np.ndarray
    codes: np.ndarray
    lengths: np.ndarray


@compiled
def root(law, cur):
    cur[0] = 0


@compiled
def descend(law, cur, depth, a):
    v = np.int64(cur[0])
    lo, hi = law.child_start[v], law.child_start[v + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if law.letter[mid] < a:
            lo = mid + 1
        else:
            hi = mid
    if lo >= law.child_start[v + 1] or law.letter[lo] != a:
        return False
    cur[0] = lo
    return True


@compiled
def mass(law, cur, depth, out):
    copy(out, law.mass[np.int64(cur[0])])


@compiled
def children(law, cur, depth):
    v = np.int64(cur[0])
    return law.child_start[v + 1] - law.child_start[v]


@compiled
def child_letter(law, cur, depth, k):
    return law.letter[law.child_start[np.int64(cur[0])] + k]


@compiled
def pick_gain(law, cur, depth, rng, r):
    v = np.int64(cur[0])
    if law.gain_sum[v] <= 0.0:
        return -1
    t = uniform(rng, r) * law.gain_sum[v]
    w, hi = law.child_start[v], law.child_start[v + 1]
    while w < hi - 1 and t >= law.gain[w]:
        t -= law.gain[w]
        w += 1
    return law.letter[w]


@compiled
def gain_share(law, cur, depth, a):
    v = np.int64(cur[0])
    if law.gain_sum[v] <= 0.0:
        return -1.0
    for w in range(law.child_start[v], law.child_start[v + 1]):
        if law.letter[w] == a:
            return law.gain[w] / law.gain_sum[v]
    return 0.0


@compiled
def draw_input(law, rng, r, out):
    cumulative = law.cumulative
    x = np.searchsorted(cumulative, uniform(rng, r) * cumulative[-1], side="right")
    x = min(x, cumulative.shape[0] - 1)
    size = law.lengths[x]
    for j in range(size):
        out[j] = law.codes[x, j]
    return size


@compiled
def cut_share(law, cur, depth):
    return law.cut[np.int64(cur[0])]


FUNCTIONS = LawFunctions(root, descend, mass, children, child_letter, pick_gain, gain_share, draw_input, cut_share)


def trie_law(task: Task) -> PrefixLaw:
    """The law of a listed task, read off its trie (kept with the task)."""
    def build() -> PrefixLaw:
        trie, table = views.trie(task), task.table
        lengths = (table.codes >= 0).sum(axis=1).astype(np.int64)
        mu = table.weights / table.weights.sum()
        cut = np.zeros(trie.n_nodes)
        # every prefix of x at depth ≤ |x| is drawn with probability μ(x)/|x|
        np.add.at(cut, trie.end, mu / np.maximum(lengths, 1))
        for at in reversed(trie.levels[1:]):
            np.add.at(cut, trie.parent[at], cut[at])
        mass_f = trie.mass.astype(np.float64)
        parent = trie.parent[1:]
        gain = np.zeros(trie.n_nodes)
        gain[1:] = mass_f[1:].max(axis=1) - mass_f[1:][np.arange(len(parent)), mass_f[parent].argmax(axis=1)]
        gain_sum = np.zeros(trie.n_nodes)
        np.add.at(gain_sum, parent, gain[1:])
        data = TrieLaw(trie.child_start, trie.letter, mass_f, gain, gain_sum, cut,
                       np.cumsum(table.weights).astype(np.float64), table.codes.astype(np.int16), lengths)
        return PrefixLaw(data, FUNCTIONS, int(table.codes.shape[1]), trie.n_nodes - 1, True)

    return views.kept(task, "trie_law", build)
