"""Proved lower bounds on circuit size from cofactors and gate elimination.

Fixing inputs to constants never makes a circuit larger (a gate reading a constant computes a
constant, an operand or its complement, all free or removable), so a circuit of f with at most k
wrong rows gives one of every cofactor f|S (the other inputs fixed, a function of the four inputs
in S) with at most k wrong rows among the cofactor's 16: C_k(f) ≥ C_k(f|S). The exact b2 table
gives C_k of every four-input function (:func:`.enumeration.costs_within`); b2 sizes bound aig and
and-or-not sizes from below too (their gates are b2 gates, and a NOT costs nothing in b2). A
circuit with several outputs contains a circuit of each, and a don't-care row in a cofactor is
one more row that may be wrong there.

Gate elimination adds one gate per input fixed on the way: where every function that ignores x_v
is more than k rows from f (on the care rows), and so is x_v and its complement, some gate reads
x_v, and fixing x_v removes that gate. Fixing the inputs outside S one at a time, each such input
removes a gate: C_k(f) ≥ C_k(f|S) + (inputs that were read when fixed). Parity of m inputs gets
its exact m − 1.
"""

from __future__ import annotations

import itertools

import numpy as np

from .enumeration import costs_within

__all__ = ["cofactor_bound", "MAX_SUBSETS", "MAX_CELLS"]

#: Subsets of kept inputs tried at most (inputs beyond 12 have more; any subset gives a valid bound),
#: and rows × outputs × subsets at most (16 inputs and 9 outputs: 28 subsets, about 0.3 s).
MAX_SUBSETS, MAX_CELLS = 500, 1 << 24


def cofactor_bound(targets: np.ndarray, care: np.ndarray, rows_wrong: int, kept: int = 4) -> int:
    """A proved lower bound on the gates of any circuit that gets at most ``rows_wrong`` of the
    care rows wrong. ``targets`` is (outputs, 2^m) bool (row r: x1 the most significant bit of
    r), ``care`` (2^m,) bool. The bound is the largest, over every ``kept``-input cofactor of every
    output, of C_k of the cofactor (k = rows_wrong plus its don't-care rows, at most 2^kept) plus
    the gates that fixing the other inputs eliminates (module docstring). ``kept`` is 4 (the b2
    table of :func:`.enumeration.costs_within`), or fewer."""
    outputs, rows = targets.shape
    m = rows.bit_length() - 1
    size = 1 << kept
    if m < kept or rows_wrong >= size:
        return 0
    within = np.stack(costs_within(kept, "b2"))
    weights = 1 << np.arange(size)  # table bit r = value on row r of the cofactor
    best = 0
    subsets = list(itertools.combinations(range(m), kept))
    most = max(1, min(MAX_SUBSETS, MAX_CELLS // (rows * outputs)))
    if len(subsets) > most:
        subsets = [subsets[i] for i in np.linspace(0, len(subsets) - 1, most).astype(int)]
    for subset in subsets:
        axes = [j for j in range(m) if j not in subset] + list(subset)
        cares = care.reshape((2,) * m).transpose(axes).reshape(-1)
        k = np.minimum(rows_wrong + (~cares).reshape(-1, size).sum(axis=1), size)
        for target in targets:
            values = target.reshape((2,) * m).transpose(axes).reshape(-1)
            tables = values.reshape(-1, size) @ weights
            best = max(best, int((within[k, tables] + _eliminated(values, cares, m - kept, rows_wrong)).max()))
    return best


def _eliminated(values: np.ndarray, care: np.ndarray, fixed: int, rows_wrong: int) -> np.ndarray:
    """Per assignment of the first ``fixed`` inputs (row-major), the gates eliminated by fixing
    them in order: one for each input that the function restricted so far needs (more than
    ``rows_wrong`` care rows from every function ignoring it, from the input and its complement)."""
    count = np.zeros(1, dtype=np.int64)
    for level in range(fixed):
        f = values.reshape(1 << level, 2, -1)
        c = care.reshape(1 << level, 2, -1)
        ignoring = (c[:, 0] & c[:, 1] & (f[:, 0] != f[:, 1])).sum(axis=1)
        literal = (c & (f != np.array([False, True])[:, None])).sum(axis=(1, 2))
        complement = (c & (f == np.array([False, True])[:, None])).sum(axis=(1, 2))
        needed = (ignoring > rows_wrong) & (literal > rows_wrong) & (complement > rows_wrong)
        count = np.repeat(count + needed, 2)
    return count
