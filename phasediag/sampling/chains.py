"""The two samplers as Numba loops over any program class's moves.

A class supplies compiled ``propose``, ``commit``, ``reject`` and ``snapshot`` functions over its
state tuple (see :mod:`.rule_moves`, :mod:`.circuit_moves`), and :func:`bind` compiles these
loops with those functions as their globals: one cached specialisation per class (passing the
functions as arguments instead would make the loops impossible to cache); the loops own the
acceptance rules, the replica bookkeeping and the record of the best program per error level. Independent
runs are independent calls (compiled without the GIL, so a thread pool runs them in parallel),
each with its own random streams, so results do not depend on the number of threads. Wrong weights are in the task's weight units; λ enters as λ/total.

Best program per error level: ``front_c[run, level]`` is the least complexity seen at that level
(ties: the least wrong weight), ``front_w`` its wrong weight, ``front_t`` the run's proposal count
when it was found; the program itself goes to witness slot ``run·levels + level``.
"""

from __future__ import annotations

import math
import types

import numpy as np
from numba import njit

from ._random import compiled, uniform

__all__ = ["bind", "level_of"]

#: A class's moves, bound in by :func:`bind` (the loops below read them as globals).
propose = commit = reject = snapshot = None


@compiled
def level_of(w, scale, offset, levels):
    """The error level (front) or error bin (Wang–Landau) of wrong weight w."""
    return min(max(int(w * scale + offset), 0), levels - 1)


def _record(st, front, grid, run, r, c, w, t):
    front_c, front_w, front_t = front
    lv = level_of(w, grid[0], grid[1], front_c.shape[1])
    if c < front_c[run, lv] or (c == front_c[run, lv] and w < front_w[run, lv]):
        front_c[run, lv], front_w[run, lv], front_t[run, lv] = c, w, t
        snapshot(st, r, run * front_c.shape[1] + lv)


def record_states(st, front, grid, owner, cur_c, cur_w, proposals):
    """Record the current program of every replica r (of run ``owner[r]``) in the front."""
    for r in range(owner.shape[0]):
        _record(st, front, grid, owner[r], r, cur_c[r], cur_w[r], proposals[owner[r]])


def tempering(st, rng, run, where, betas, lamws, cur_c, cur_w, cmax,
              sweeps, moves, sweep0, measure_from, block_len, front, grid, proposals, counts, energy):
    """Parallel tempering for one run: ``sweeps`` sweeps of every replica ``where[run, l, t]`` at (β_t, λ_l),
    ``moves`` proposals each, target ∝ exp(−β(c + λ·wrong/total)); then even/odd exchanges
    between neighbouring β at each λ (pairs (t, t+1) with t ≡ sweep mod 2).

    counts = (accepted, tried, swaps accepted, swaps tried, ends, round trips);
    energy = (Σ H, Σ H², samples, block sums of H) over sweeps ≥ measure_from.
    """
    accepted, tried, swap_acc, swap_try, ends, trips = counts
    sum_h, sum_h2, n_h, blocks = energy
    _, n_l, n_b = where.shape
    for s in range(sweeps):
        sweep = sweep0 + s
        for l in range(n_l):
            for t in range(n_b):
                r = where[run, l, t]
                beta, lamw = betas[t], lamws[l]
                for _ in range(moves):
                    lnu = math.log(uniform(rng, r))
                    status, dc, dw, logq = propose(st, rng, r, beta, lamw, lnu, cmax)
                    proposals[run] += 1
                    tried[run, l, t] += 1
                    if status == 1 and lnu < -beta * (dc + lamw * dw) + logq:
                        commit(st, rng, r)
                        cur_c[r] += dc
                        cur_w[r] += dw
                        accepted[run, l, t] += 1
                        _record(st, front, grid, run, r, cur_c[r], cur_w[r], proposals[run])
                    elif status != 0:
                        reject(st, rng, r)
        for l in range(n_l):
            for t in range(sweep % 2, n_b - 1, 2):
                r1, r2 = where[run, l, t], where[run, l, t + 1]
                h1 = cur_c[r1] + lamws[l] * cur_w[r1]
                h2 = cur_c[r2] + lamws[l] * cur_w[r2]
                swap_try[run, l, t] += 1
                if math.log(uniform(rng, r1)) < (betas[t + 1] - betas[t]) * (h2 - h1):
                    where[run, l, t], where[run, l, t + 1] = r2, r1
                    swap_acc[run, l, t] += 1
            hot, cold = where[run, l, 0], where[run, l, n_b - 1]
            if ends[hot] != 0:  # arrived at the hot end (1: after visiting the cold end)
                trips[run, l] += ends[hot] == 1
                ends[hot] = 0
            if ends[cold] == 0:
                ends[cold] = 1
        if sweep >= measure_from:
            b = min((sweep - measure_from) // block_len, blocks.shape[3] - 1)
            for l in range(n_l):
                for t in range(n_b):
                    r = where[run, l, t]
                    h = cur_c[r] + lamws[l] * cur_w[r]
                    sum_h[run, l, t] += h
                    sum_h2[run, l, t] += h * h
                    blocks[run, l, t, b] += h
            n_h[run] += 1


@compiled
def _flat(hist, ln_g, flatness):
    """Whether the histogram over the visited cells (ln g ≠ 0) has min ≥ flatness · mean."""
    low, total, count = np.inf, 0.0, 0
    for c in range(hist.shape[0]):
        for b in range(hist.shape[1]):
            if ln_g[c, b] != 0.0:
                low = min(low, hist[c, b])
                total += hist[c, b]
                count += 1
    return count > 0 and low >= flatness * total / count


def wang_landau(st, rng, run, r, cur_c, cur_w, cmax, steps, cells,
                ln_g, hist, schedule, flatness, check_every, front, grid, proposals):
    """Wang–Landau over (complexity, error bin) cells with the 1/t schedule: walker r of run ``run``.

    Accept a move from cell a to b with min(1, g(a)/g(b) · Hastings); every step adds ln f to
    the current cell. ln f halves whenever the histogram over the cells visited so far is flat
    (min ≥ ``flatness`` · mean), until it falls below 1/t (t = steps / visited cells), after which
    ln f = 1/t. ``schedule[run]`` = (ln f, phase (0 halving, 1: 1/t), steps, visited cells,
    halvings); a run stops early once ln f < ``schedule[run, 5]`` (the final ln f).
    """
    scale, offset, bins = cells[0], cells[1], ln_g.shape[2]
    sched = schedule[run]
    for _ in range(steps):
        if sched[0] < sched[5]:
            break
        c0, b0 = cur_c[r], level_of(cur_w[r], scale, offset, bins)
        status, dc, dw, logq = propose(st, rng, r, 0.0, 0.0, 0.0, cmax)
        proposals[run] += 1
        if status == 1:
            b1 = level_of(cur_w[r] + dw, scale, offset, bins)
            if math.log(uniform(rng, r)) < ln_g[run, c0, b0] - ln_g[run, c0 + dc, b1] + logq:
                commit(st, rng, r)
                cur_c[r] += dc
                cur_w[r] += dw
                c0, b0 = cur_c[r], b1
                _record(st, front, grid, run, r, cur_c[r], cur_w[r], proposals[run])
            else:
                reject(st, rng, r)
        elif status != 0:
            reject(st, rng, r)
        if hist[run, c0, b0] == 0 and ln_g[run, c0, b0] == 0.0:
            sched[3] += 1
        ln_g[run, c0, b0] += sched[0]
        hist[run, c0, b0] += 1
        sched[2] += 1
        if sched[1] == 1:
            sched[0] = sched[3] / sched[2]
        elif sched[2] % check_every == 0:
            if _flat(hist[run], ln_g[run], flatness):
                sched[0] /= 2.0
                sched[4] += 1
                hist[run] = 0
                if sched[0] < sched[3] / sched[2]:
                    sched[1] = 1
                    sched[0] = sched[3] / sched[2]


def bind(propose, commit, reject, snapshot) -> tuple:
    """(tempering, wang_landau, record_states) compiled on one class's moves."""
    scope = dict(globals(), propose=propose, commit=commit, reject=reject, snapshot=snapshot)

    def compile_(function, **options):
        clone = types.FunctionType(function.__code__, scope, function.__name__)
        clone.__module__, clone.__qualname__ = __name__, function.__qualname__
        return njit(cache=True, error_model="numpy", **options)(clone)

    scope["_record"] = compile_(_record)
    return compile_(tempering, nogil=True), compile_(wang_landau, nogil=True), compile_(record_states)
