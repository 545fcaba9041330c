"""The exact density of states of rule lists on a listed task, counted by a tree DP."""

from __future__ import annotations

import numpy as np

from ... import views
from ...errors import TooLargeError
from ...sampling.density import DensityOfStates
from ...task import Task

__all__ = ["exact_density"]

#: Largest ln of a count exact_density holds (float64), and most (complexity, wrong) cells.
_LOG_MAX, _CELLS_MAX = 700.0, 1 << 24


def exact_density(task: Task) -> DensityOfStates:
    """The exact ln g(c, w) of prefix-rule lists on a listed task: the number of lists (default
    label, and at each affix no rule or a rule with any of the K labels) with c rules that get
    weight w wrong. One bin per wrong weight w, at error w / total.

    A tree DP over the trie: for the subtree of affix v and the label ℓ it inherits,
    G_v,ℓ(x, y) = P_v,ℓ + x·Σ_m P_v,m, where P_v,m = y^(weight ending at v not labelled m) ·
    Π_children G_u,m counts rules by the power of x and wrong weight by the power of y.
    Counts are floats: refused where K·(K+1)^affixes passes e^700.
    """
    trie = views.trie(task)
    n, k = trie.n_nodes, trie.own.shape[1]
    total = int(trie.mass[0].sum())
    if (n - 1) * np.log(k + 1) + np.log(k) > _LOG_MAX or n * (total + 1) > _CELLS_MAX:
        raise TooLargeError(f"{task.spec} has {n - 1:,} affixes and total weight {total:,}: too many rule lists or "
                            "cells to count exactly. Use Wang–Landau (--method tempered) for ln g.")
    g: list = [None] * n  # g[v][ℓ]: the generating function of v's subtree under inherited label ℓ

    def products(v: int) -> list[np.ndarray]:
        """P_v,m for every label m; v's children are then no longer needed."""
        own, out = trie.own[v], []
        for m in range(k):
            poly = np.zeros((1, int(own.sum() - own[m]) + 1))
            poly[0, -1] = 1.0
            for u in trie.children(v):
                poly = _times(poly, g[u][m])
            out.append(poly)
        for u in trie.children(v):
            g[u] = None
        return out

    for v in range(n - 1, 0, -1):
        inherit = products(v)
        anyrule = np.pad(_sum(inherit), ((1, 0), (0, 0)))
        g[v] = [_sum([inherit[m], anyrule]) for m in range(k)]
    root = _sum(products(0))
    with np.errstate(divide="ignore"):
        ln_g = np.where(root > 0, np.log(np.where(root > 0, root, 1.0)), np.nan)
    ln_g = np.pad(ln_g, ((0, 0), (0, total + 1 - ln_g.shape[1])), constant_values=np.nan)
    return DensityOfStates(ln_g, np.arange(total + 1) / max(total, 1), np.full_like(ln_g, np.nan))


def _times(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The product of two polynomials in x (axis 0) and y (axis 1), summed term by term."""
    if a.size < b.size:
        a, b = b, a
    out = np.zeros((a.shape[0] + b.shape[0] - 1, a.shape[1] + b.shape[1] - 1))
    for i, j in zip(*np.nonzero(b)):
        out[i:i + a.shape[0], j:j + a.shape[1]] += b[i, j] * a
    return out


def _sum(polys: list[np.ndarray]) -> np.ndarray:
    out = np.zeros((max(p.shape[0] for p in polys), max(p.shape[1] for p in polys)))
    for p in polys:
        out[:p.shape[0], :p.shape[1]] += p
    return out
