"""The two samplers as Numba loops over any program class's moves.

A class supplies compiled ``propose``, ``commit``, ``reject`` and ``snapshot`` functions over its
state tuple (see :mod:`.rule_moves`, :mod:`.circuit_moves`), and :func:`bind` compiles these
loops with those functions as their globals: one cached specialisation per class (passing the
functions as arguments instead would make the loops impossible to cache); the loops own the
acceptance rules, the replica bookkeeping and the record of the best program per error level. Independent
runs are independent calls (compiled without the GIL, so a thread pool runs them in parallel),
each with its own random streams, so results do not depend on the number of threads. Wrong weights are in the task's weight units; λ enters as λ/total.

The loops' arguments are named tuples of arrays (:class:`Walkers`, :class:`Records`,
:class:`Ladder`, :class:`Sweeps`, :class:`TemperingStats`, :class:`WangLandau`), compiled as
plain structs. Records of the best programs have one column per error level and one per λ of the
ladder (see :class:`Records`); the program itself goes to witness slot ``run·columns + column``.
"""

from __future__ import annotations

import hashlib
import inspect
import math
import types
from typing import Callable, NamedTuple

import numpy as np

from ..jit import njit
from ..streams import COMPILED, compiled, uniform

__all__ = ["Moves", "Loops", "Walkers", "Records", "Ladder", "Sweeps", "TemperingStats", "WangLandau", "bind",
           "bind_functions", "level_of"]

#: A class's moves, bound in by :func:`bind` (the loops below read them as globals).
propose = commit = reject = snapshot = None


class Moves(NamedTuple):
    """A program class's moves, compiled functions over its state tuple ``st``:

    - ``init(st, rng, r) -> (complexity, wrong)``: a starting program for replica r;
    - ``propose(st, rng, r, beta, lamw, lnu, cmax) -> (status, Δc, Δwrong, log Hastings)``: draw
      a move and score it (status 0: no valid move, 1: scored, 2: certain to be rejected at β, λ);
    - ``commit(st, rng, r)`` / ``reject(st, rng, r)``: keep or undo the move proposed;
    - ``snapshot(st, r, slot)``: copy replica r's program into witness slot ``slot``.
    """

    init: Callable
    propose: Callable
    commit: Callable
    reject: Callable
    snapshot: Callable


class Loops(NamedTuple):
    """The samplers compiled on one class's :class:`Moves` (see :func:`tempering`,
    :func:`wang_landau`, :func:`record_states`)."""

    tempering: Callable
    wang_landau: Callable
    record_states: Callable

class Walkers(NamedTuple):
    """The current program of every replica: its complexity and wrong weight."""

    complexity: np.ndarray  # (replicas,) int64
    wrong: np.ndarray       # (replicas,) float64


class Records(NamedTuple):
    """The best programs each run has seen. Columns 0..levels−1 are error levels (``grid`` =
    (scale, offset, levels): wrong weight w is level ⌊w·scale + offset⌋), column ``level``
    holding the least complexity seen there (ties: the least wrong weight); column levels + l
    holds the least energy c + λ_l·ε seen at λ_l of the ladder, the ground state there, exact
    in complexity however coarse the levels. ``found`` is the run's proposal count when a record
    was set; ``proposals[run]`` counts the run's proposals."""

    complexity: np.ndarray  # (runs, columns) int64
    wrong: np.ndarray       # (runs, columns) float64
    found: np.ndarray       # (runs, columns) int64
    grid: np.ndarray        # (3,) float64
    proposals: np.ndarray   # (runs,) int64


class Ladder(NamedTuple):
    """A tempering grid: ``where[run, l, t]`` is the replica at (β_t, λ_l); λ enters as λ/total
    (``lamws``); λ_l is number ``lam0 + l`` of the ladder (its ground-state record)."""

    where: np.ndarray   # (runs, n_lambdas, n_betas) int64
    betas: np.ndarray
    lamws: np.ndarray
    lam0: int


class Sweeps(NamedTuple):
    """One call of :func:`tempering`: ``sweeps`` sweeps of ``moves`` proposals per replica at
    complexity ≤ ``cmax``, numbered from ``first``; energies are measured from sweep
    ``measure_from`` in blocks of ``block_len`` sweeps."""

    cmax: int
    sweeps: int
    moves: int
    first: int
    measure_from: int
    block_len: int


class TemperingStats(NamedTuple):
    """Per (run, λ, β): moves accepted and tried; per (run, λ, β pair): swaps accepted and tried;
    per replica: which end of the β ladder it last touched (-1 none, 0 hot, 1 cold); per (run, λ):
    round trips; Σ H, Σ H² and block sums of H over the measured sweeps, and how many."""

    accepted: np.ndarray
    tried: np.ndarray
    swaps_accepted: np.ndarray
    swaps_tried: np.ndarray
    ends: np.ndarray
    round_trips: np.ndarray
    sum_h: np.ndarray
    sum_h2: np.ndarray
    samples: np.ndarray
    blocks: np.ndarray


class WangLandau(NamedTuple):
    """Windowed Wang–Landau (:func:`wang_landau`): the walker ``slots[run, w]`` of each error
    window ``windows[w]`` = [lo, hi] (bins), error bins of wrong weight w: ⌊w·cells[0] +
    cells[1]⌋; per (run, window): ln g and the histogram over (complexity, bin) cells, the
    ``schedule`` (ln f, phase (0 halving, 1: 1/t), steps, visited cells, halvings, final ln f)
    and swaps (tried, accepted) with the next window. Flatness ``flatness`` is checked every
    ``check_every`` steps, neighbouring windows exchange every ``exchange_every``."""

    slots: np.ndarray
    windows: np.ndarray
    cells: np.ndarray
    ln_g: np.ndarray
    hist: np.ndarray
    schedule: np.ndarray
    swaps: np.ndarray
    cmax: int
    flatness: float
    check_every: int
    exchange_every: int


@compiled
def level_of(w, scale, offset, levels):
    """The error level (front) or error bin (Wang–Landau) of wrong weight w."""
    return min(max(int(w * scale + offset), 0), levels - 1)


def _keep(st, records, run, r, col, c, w):
    records.complexity[run, col], records.wrong[run, col] = c, w
    records.found[run, col] = records.proposals[run]
    snapshot(st, r, run * records.complexity.shape[1] + col)


def _record(st, records, run, r, c, w):
    grid = records.grid
    lv = level_of(w, grid[0], grid[1], int(grid[2]))
    if c < records.complexity[run, lv] or (c == records.complexity[run, lv] and w < records.wrong[run, lv]):
        _keep(st, records, run, r, lv, c, w)


def _record_ground(st, records, run, r, l, lamw, c, w):
    col = int(records.grid[2]) + l
    if c + lamw * w < records.complexity[run, col] + lamw * records.wrong[run, col]:
        _keep(st, records, run, r, col, c, w)


def record_states(st, records, owner, walkers):
    """Record the current program of every replica r (of run ``owner[r]``)."""
    for r in range(owner.shape[0]):
        _record(st, records, owner[r], r, walkers.complexity[r], walkers.wrong[r])


def tempering(st, rng, run, ladder, walkers, records, sweeps, stats):
    """Parallel tempering for one run (:class:`Sweeps`): each sweep makes ``moves`` proposals for
    every replica ``ladder.where[run, l, t]`` at (β_t, λ_l), target ∝ exp(−β(c + λ·wrong/total)),
    then even/odd exchanges between neighbouring β at each λ (pairs (t, t+1) with t ≡ sweep mod 2)."""
    where, betas, lamws = ladder.where, ladder.betas, ladder.lamws
    cur_c, cur_w = walkers.complexity, walkers.wrong
    _, n_l, n_b = where.shape
    for s in range(sweeps.sweeps):
        sweep = sweeps.first + s
        for l in range(n_l):
            for t in range(n_b):
                r = where[run, l, t]
                beta, lamw = betas[t], lamws[l]
                for _ in range(sweeps.moves):
                    lnu = math.log(uniform(rng, r))
                    status, dc, dw, logq = propose(st, rng, r, beta, lamw, lnu, sweeps.cmax)
                    records.proposals[run] += 1
                    stats.tried[run, l, t] += 1
                    if status == 1 and lnu < -beta * (dc + lamw * dw) + logq:
                        commit(st, rng, r)
                        cur_c[r] += dc
                        cur_w[r] += dw
                        stats.accepted[run, l, t] += 1
                        _record(st, records, run, r, cur_c[r], cur_w[r])
                        _record_ground(st, records, run, r, ladder.lam0 + l, lamw, cur_c[r], cur_w[r])
                    elif status != 0:
                        reject(st, rng, r)
        for l in range(n_l):
            for t in range(sweep % 2, n_b - 1, 2):
                r1, r2 = where[run, l, t], where[run, l, t + 1]
                h1 = cur_c[r1] + lamws[l] * cur_w[r1]
                h2 = cur_c[r2] + lamws[l] * cur_w[r2]
                stats.swaps_tried[run, l, t] += 1
                if math.log(uniform(rng, r1)) < (betas[t + 1] - betas[t]) * (h2 - h1):
                    where[run, l, t], where[run, l, t + 1] = r2, r1
                    stats.swaps_accepted[run, l, t] += 1
            hot, cold = where[run, l, 0], where[run, l, n_b - 1]
            if stats.ends[hot] != 0:  # arrived at the hot end (1: after visiting the cold end)
                stats.round_trips[run, l] += stats.ends[hot] == 1
                stats.ends[hot] = 0
            if stats.ends[cold] == 0:
                stats.ends[cold] = 1
        if sweep >= sweeps.measure_from:
            b = min((sweep - sweeps.measure_from) // sweeps.block_len, stats.blocks.shape[3] - 1)
            for l in range(n_l):
                for t in range(n_b):
                    r = where[run, l, t]
                    h = cur_c[r] + lamws[l] * cur_w[r]
                    stats.sum_h[run, l, t] += h
                    stats.sum_h2[run, l, t] += h * h
                    stats.blocks[run, l, t, b] += h
            stats.samples[run] += 1


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
    return count > 0 and low >= max(1.0, flatness * total / count)


@compiled
def _outside(b, lo, hi):
    """How many error bins b lies outside the window [lo, hi] (0: inside)."""
    return lo - b if b < lo else (b - hi if b > hi else 0)


def wang_landau(st, rng, run, walkers, records, wl, steps):
    """Replica-exchange Wang–Landau over (complexity, error bin) cells with the 1/t schedule, for
    one run (:class:`WangLandau`): the walker of each error window w = [lo, hi] (one window of
    all bins is plain Wang–Landau) makes ``steps`` proposals with its own ln g.

    Until a walker first enters its window it accepts any move that does not take it further
    away. Inside, it accepts a move from cell a to b in the window with min(1, g(a)/g(b) ·
    Hastings) and refuses moves out of the window; every step adds ln f to the current cell.
    ln f halves whenever the histogram over the window's visited cells is flat (min ≥
    flatness · mean), until it falls below 1/t (t = steps / visited cells), after which ln f
    = 1/t. A window stops once ln f < its final ln f. Every ``exchange_every`` steps,
    neighbouring windows (w, w+1), alternately even and odd w, swap walkers that both sit in
    their overlap with probability min(1, g_w(x)·g_w+1(y) / (g_w(y)·g_w+1(x))).
    """
    cur_c, cur_w = walkers.complexity, walkers.wrong
    slots, windows, ln_g, hist, schedule, swaps = wl.slots, wl.windows, wl.ln_g, wl.hist, wl.schedule, wl.swaps
    scale, offset, bins = wl.cells[0], wl.cells[1], ln_g.shape[3]
    n_w = windows.shape[0]
    for step in range(steps):
        running = False
        for w in range(n_w):
            sched = schedule[run, w]
            if sched[0] < sched[5]:
                continue
            running = True
            r, lo, hi = slots[run, w], windows[w, 0], windows[w, 1]
            c0, b0 = cur_c[r], level_of(cur_w[r], scale, offset, bins)
            away = _outside(b0, lo, hi)
            status, dc, dw, logq = propose(st, rng, r, 0.0, 0.0, 0.0, wl.cmax)
            records.proposals[run] += 1
            if status == 1:
                b1 = level_of(cur_w[r] + dw, scale, offset, bins)
                if away > 0:
                    ok = _outside(b1, lo, hi) <= away
                else:
                    ok = _outside(b1, lo, hi) == 0 and \
                        math.log(uniform(rng, r)) < ln_g[run, w, c0, b0] - ln_g[run, w, c0 + dc, b1] + logq
                if ok:
                    commit(st, rng, r)
                    cur_c[r] += dc
                    cur_w[r] += dw
                    c0, b0 = cur_c[r], b1
                    _record(st, records, run, r, cur_c[r], cur_w[r])
                else:
                    reject(st, rng, r)
            elif status != 0:
                reject(st, rng, r)
            if _outside(b0, lo, hi) > 0:
                continue
            if hist[run, w, c0, b0] == 0 and ln_g[run, w, c0, b0] == 0.0:
                sched[3] += 1
            ln_g[run, w, c0, b0] += sched[0]
            hist[run, w, c0, b0] += 1
            sched[2] += 1
            if sched[1] == 1:
                sched[0] = sched[3] / sched[2]
            elif sched[2] % wl.check_every == 0:
                if _flat(hist[run, w], ln_g[run, w], wl.flatness):
                    sched[0] /= 2.0
                    sched[4] += 1
                    hist[run, w] = 0
                    if sched[0] < sched[3] / sched[2]:
                        sched[1] = 1
                        sched[0] = sched[3] / sched[2]
        if not running:
            break
        if (step + 1) % wl.exchange_every == 0:
            for w in range((step // wl.exchange_every) % 2, n_w - 1, 2):
                r1, r2 = slots[run, w], slots[run, w + 1]
                x_c, x_b = cur_c[r1], level_of(cur_w[r1], scale, offset, bins)
                y_c, y_b = cur_c[r2], level_of(cur_w[r2], scale, offset, bins)
                if _outside(x_b, windows[w + 1, 0], windows[w, 1]) > 0 or \
                        _outside(y_b, windows[w + 1, 0], windows[w, 1]) > 0:
                    continue
                swaps[run, w, 0] += 1
                if math.log(uniform(rng, r1)) < (ln_g[run, w, x_c, x_b] - ln_g[run, w, y_c, y_b]
                                                 + ln_g[run, w + 1, y_c, y_b] - ln_g[run, w + 1, x_c, x_b]):
                    slots[run, w], slots[run, w + 1] = r2, r1
                    swaps[run, w, 1] += 1


def _fingerprint(*functions) -> str:
    """A hash of the source the functions are compiled from: their files, and the files and names
    of every compiled function their globals hold (the moves a loop calls, the law a move calls).
    Numba keys a cached function on its own file only, so without it an edit to the moves, or
    another law bound into them, would reuse stale compiled code."""
    files, names = set(), set()
    for f in functions:
        py = getattr(f, "py_func", f)
        files.add(inspect.getsourcefile(py))
        for v in py.__globals__.values():
            if hasattr(v, "py_func"):
                files.add(inspect.getsourcefile(v.py_func))
                names.add(f"{v.py_func.__module__}.{v.py_func.__qualname__}")
    digest = hashlib.sha1()
    for name in sorted(files):
        with open(name, "rb") as f:
            digest.update(f.read())
    digest.update(" ".join(sorted(names)).encode())
    return digest.hexdigest()[:12]


def bind_functions(functions: dict, bound: dict, **options) -> dict:
    """Compile a copy of each of ``functions`` (name → function, compiled or plain, all of one
    module) whose globals are the module's with ``bound`` (name → compiled function) put in, and
    whose calls to each other go to the copies: one cached specialisation per set of bound
    functions (passing functions as arguments instead would make the callers impossible to
    cache), with the options of :data:`~phasediag.streams.compiled` (without Numba's runtime: no
    allocation). ``options[name]``: extra njit options for that function."""
    plain = {name: getattr(f, "py_func", f) for name, f in functions.items()}
    scope = dict(next(iter(plain.values())).__globals__, **bound)
    tag = _fingerprint(*plain.values(), *bound.values())
    out = {}
    for name, f in plain.items():
        clone = types.FunctionType(f.__code__, scope, f.__name__)
        clone.__module__, clone.__qualname__ = f.__module__, f"{f.__qualname__}_{tag}"
        out[name] = njit(**COMPILED, **options.get(name, {}))(clone)
    scope.update(out)
    return out


def bind(moves: Moves) -> Loops:
    """The samplers compiled on one class's moves."""
    loops = {name: globals()[name] for name in ("_keep", "_record", "_record_ground", "record_states",
                                                 "tempering", "wang_landau")}
    nogil = {"nogil": True}
    out = bind_functions(loops, moves._asdict(), tempering=nogil, wang_landau=nogil)
    return Loops(out["tempering"], out["wang_landau"], out["record_states"])
