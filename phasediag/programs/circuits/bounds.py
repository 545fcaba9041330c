"""Proved lower bounds on circuit size from four-input cofactors.

Fixing inputs to constants never makes a circuit larger (a gate reading a constant computes a
constant, an operand or its complement, all free or removable), so a circuit of f with at most k
wrong rows gives one of every cofactor f|S (the other inputs fixed, a function of the four inputs
in S) with at most k wrong rows among the cofactor's 16: C_k(f) ≥ C_k(f|S). The exact b2 table
gives C_k of every four-input function (:func:`.enumeration.costs_within`); b2 sizes bound aig and
and-or-not sizes from below too (their gates are b2 gates, and a NOT costs nothing in b2). A
circuit with several outputs contains a circuit of each, and a don't-care row in a cofactor is
one more row that may be wrong there.
"""

from __future__ import annotations

import itertools

import numpy as np

from .enumeration import costs_within

__all__ = ["cofactor_bound", "MAX_SUBSETS"]

#: Four-input subsets tried at most (inputs beyond 12 have more; any subset gives a valid bound).
MAX_SUBSETS = 500


def cofactor_bound(targets: np.ndarray, care: np.ndarray, rows_wrong: int) -> int:
    """A proved lower bound on the gates of any circuit that gets at most ``rows_wrong`` of the
    care rows wrong. ``targets`` is (outputs, 2^m) bool (row r: x1 the most significant bit of
    r), ``care`` (2^m,) bool. The bound is the largest C_k over every four-input cofactor of
    every output, k = rows_wrong plus the cofactor's don't-care rows (at most 16)."""
    outputs, rows = targets.shape
    m = rows.bit_length() - 1
    if m < 4 or rows_wrong >= 16:
        return 0
    within = np.stack(costs_within(4, "b2"))
    weights = 1 << np.arange(16)  # table bit r4 = value on row r4 of the cofactor
    best = 0
    subsets = list(itertools.combinations(range(m), 4))
    if len(subsets) > MAX_SUBSETS:
        subsets = [subsets[i] for i in np.linspace(0, len(subsets) - 1, MAX_SUBSETS).astype(int)]
    for subset in subsets:
        rest = [j for j in range(m) if j not in subset]
        axes = rest + list(subset)
        free = (~care).reshape((2,) * m).transpose(axes).reshape(-1, 16)
        k = np.minimum(rows_wrong + free.sum(axis=1), 16)
        for target in targets:
            tables = target.reshape((2,) * m).transpose(axes).reshape(-1, 16) @ weights
            best = max(best, int(within[k, tables].max()))
    return best
