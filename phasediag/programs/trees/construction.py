"""A correct tree at once: greedy top-down induction (ID3), which closes sampled fronts at error 0.

At a node holding the set S of answer patterns (:func:`.dp.patterns`), with label weights
W(S, y) and n(S) = Σ_y W(S, y), the split is the test f that splits S and leaves the least
weighted label entropy, n(S∖f)·H(S∖f) + n(S∩f)·H(S∩f) with n·H = n ln n − Σ_y W(y) ln W(y)
(the first such test on ties). A node is a leaf once a single label has weight there. Every
input then gets its own label, so the tree makes no error; no bound on its size is claimed.
"""

from __future__ import annotations

import numpy as np

from ...task import Task
from .dp import patterns
from .tree import Leaf, Split, Tree, conditions_of

__all__ = ["greedy_tree"]


def greedy_tree(task: Task) -> Tree | None:
    """The greedy tree of a listed ``task`` (see the module doc): no wrong weight; None where two
    inputs no test tells apart have different labels."""
    passes, weights = patterns(task)
    if ((weights > 0).sum(axis=1) > 1).any():  # a pattern with two labels: no tree is correct
        return None
    conditions, labels = conditions_of(task).conditions, task.labels
    weights = weights.astype(np.float64)
    default = labels[int(np.argmax(weights.sum(axis=0)))]  # a set of weight 0 (don't-cares)
    built: list[Tree] = []
    todo: list = [np.arange(len(passes))]  # pattern sets to grow, or a test to join the last two trees by
    while todo:
        rows = todo.pop()
        if isinstance(rows, int):  # both subtrees of the split on test ``rows`` are built
            passed, fail = built.pop(), built.pop()
            built.append(Split(conditions[rows], fail, passed))
            continue
        here = weights[rows]
        present = np.flatnonzero(here.sum(axis=0) > 0)
        if len(present) <= 1:
            built.append(Leaf(labels[int(present[0])]) if len(present) else Leaf(default))
            continue
        sides = passes[rows]
        splitting = np.flatnonzero(sides.any(axis=0) & ~sides.all(axis=0))
        passing = sides[:, splitting].T.astype(np.float64) @ here  # (tests, labels): the weight passing
        f = int(splitting[np.argmin(_spread(passing) + _spread(here.sum(axis=0) - passing))])
        todo += [f, rows[sides[:, f]], rows[~sides[:, f]]]  # the fail side is grown first
    return built[0]


def _spread(w: np.ndarray) -> np.ndarray:
    """n·H per row of label weights w: n ln n − Σ w ln w (0 ln 0 = 0)."""
    n = w.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nan_to_num(n * np.log(n)) - np.nan_to_num(w * np.log(w)).sum(axis=-1)
