"""Tempered sampling of a phase diagram (DESIGN.md §2.3): Wang–Landau and parallel tempering.

Both samplers walk the program class with the moves it supplies and record the best program per
error level; the merged Pareto front of those records is the sampled diagram, every step an upper
bound on C(ε) (status ``sampled``) whose witness is re-scored exactly. Wang–Landau also gives ln g
over (complexity, error) cells and so the tempered curves at any (β, λ); parallel tempering over
a (β, λ) grid with energy H = c + λ·ε is the canonical cross-check of those curves. Scalarised
energies alone reach only the convex hull of the front; the best-per-level records reach the rest.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from time import perf_counter
from typing import Sequence

import numpy as np

from ..diagram import MethodInfo, PhaseDiagram, Step, TaskInfo
from ..errors import ParameterError
from ..sampling.density import combine_runs, split_rhat, stitch_windows, tempered_curves
from ..sampling._random import streams
from ..front import Progress, answering, eps_budgets

__all__ = ["sample_diagram", "geometric", "SAMPLERS", "DEFAULT_BETAS"]

SAMPLERS = ("auto", "both", "wang-landau", "tempering")
#: Default inverse temperatures (per unit of complexity): 8 values, geometric from BETA_HOT to the
#: program class's ``beta_cold``.
BETA_HOT, DEFAULT_BETAS = 0.1, 8
#: Default λ ladder: 12 values, geometric from 1 to the program class's ``lambda_top``.
DEFAULT_LAMBDAS = 12
#: ``auto`` runs Wang–Landau only when it has at most this many cells.
WL_MAX_CELLS = 50_000
#: Wang–Landau splits its error bins into overlapping windows (replica exchange between them) when
#: it has more cells than this: about this many cells per window, at most WL_MAX_WINDOWS windows.
WL_WINDOW_CELLS, WL_MAX_WINDOWS = 1_000, 16
WL_EXCHANGE_EVERY = 100
#: Bytes of witness slots (best program per error level) for all runs together.
FRONT_BYTES = 1 << 30
MOVES_PER_EXCHANGE = 20
#: Settling gives one λ at most this many times ``steps`` proposals per run.
SETTLE_MAX = 512
BLOCKS = 64
BURN_IN = 0.2
_NO_PROGRAM = np.iinfo(np.int64).max


def geometric(lo: float, hi: float, n: int) -> tuple[float, ...]:
    """n values from lo to hi in geometric progression (just lo when n = 1)."""
    if n == 1:
        return (float(lo),)
    if lo <= 0 or hi <= 0:
        return (float(lo), float(hi)) if n == 2 else tuple(float(x) for x in np.linspace(lo, hi, n))
    return tuple(float(x) for x in np.geomspace(lo, hi, n))


def _grid(values: Sequence[float] | None, default: tuple[float, ...], name: str) -> np.ndarray:
    grid = default if values is None else tuple(values)
    if not grid:
        raise ParameterError(f"The {name} grid is empty; give at least one value.")
    for v in grid:
        if not (math.isfinite(v) and v > 0):
            raise ParameterError(f"Every {name} must be a positive finite number. Got {v}.")
    return np.array(sorted(set(float(v) for v in grid)))


def _available_memory() -> int:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def sample_diagram(task, programs, *, sampler: str = "auto", steps: int = 20_000, chains: int = 4,
                   betas: Sequence[float] | None = None, lambdas: Sequence[float] | None = None,
                   max_complexity: int | None = None, eps: Sequence[float] | None = None, seed: int = 0,
                   windows: int | None = None, settle: bool = True, time_limit: float | None = None,
                   progress: Progress | None = None) -> PhaseDiagram:
    """The sampled phase diagram of ``programs`` on ``task``.

    ``chains`` independent runs, each with a parallel-tempering grid of len(betas)·len(lambdas)
    replicas making ``steps`` proposals each, and/or one Wang–Landau walker making as many
    proposals as a whole tempering run. ``sampler``: ``tempering``, ``wang-landau``, ``both`` or
    ``auto`` (both when Wang–Landau has at most WL_MAX_CELLS cells, else tempering). Wang–Landau
    runs ``windows`` overlapping error windows with replica exchange (default: one per about
    WL_WINDOW_CELLS cells); each window's walker gets an equal share of the budget. ``settle``:
    after tempering, walk each run's coldest replica up the λ ladder (:func:`_run_settling`). Complexity is
    capped at ``max_complexity`` (rules; gates of the circuit genotype). Reproducible from
    ``seed``; ``time_limit`` (s) ends sampling early; Ctrl-C keeps what was found (incomplete).
    """
    start = perf_counter()
    if sampler not in SAMPLERS:
        raise ParameterError(f"Unknown sampler '{sampler}'. Allowed: {', '.join(SAMPLERS)}.")
    if steps < 1 or chains < 1:
        raise ParameterError(f"steps and chains must be at least 1. Got steps={steps}, chains={chains}.")
    if windows is not None and windows < 1:
        raise ParameterError(f"windows must be at least 1. Got {windows}.")
    if max_complexity is not None and max_complexity < 1:
        raise ParameterError(f"max_complexity must be at least 1 for the sampler. Got {max_complexity}.")
    kernel = programs.sampler(task, max_complexity)
    betas = _grid(betas, geometric(BETA_HOT, kernel.beta_cold, DEFAULT_BETAS), "beta (inverse temperature)")
    lambdas = _grid(lambdas, geometric(1.0, kernel.lambda_top, DEFAULT_LAMBDAS), "lambda")
    budgets = eps_budgets(eps, task.total_weight)
    cap = kernel.capacity
    wl_bins, wl_scale, wl_offset, wl_errors = _cells(kernel)
    use_wl = sampler in ("both", "wang-landau") or (sampler == "auto" and (cap + 1) * wl_bins <= WL_MAX_CELLS)
    windows = _windows(wl_bins, cap, windows) if use_wl else np.zeros((0, 2), np.int64)
    use_pt = sampler != "wang-landau"
    n_l, n_b = len(lambdas), len(betas)
    levels, grid = _front_levels(kernel, chains, n_l)
    columns = levels + n_l
    pt = chains * n_l * n_b if use_pt else 0
    replicas = pt + chains * len(windows)
    need = (replicas * kernel.replica_bytes() + chains * columns * kernel.slot_bytes()
            + chains * len(windows) * (cap + 1) * wl_bins * 16)
    have = _available_memory()
    if need > 0.8 * have:
        raise ParameterError(f"The sampler needs about {need / 2**30:.1f} GiB ({replicas} replicas of up to "
                             f"{cap} in complexity); {have / 2**30:.1f} GiB is available. Lower "
                             f"--max-complexity, --chains or the beta/lambda grids.")

    init = kernel.moves.init
    record_states = kernel.loops.record_states
    st = kernel.allocate(replicas, chains * columns)
    rng = streams(seed, replicas)
    cur_c, cur_w = np.zeros(replicas, np.int64), np.zeros(replicas)
    for r in range(replicas):
        cur_c[r], cur_w[r] = init(st, rng, r)
    owner = np.concatenate([np.repeat(np.arange(chains), pt // chains), np.repeat(np.arange(chains), len(windows))])
    front = (np.full((chains, columns), _NO_PROGRAM, np.int64), np.full((chains, columns), np.inf),
             np.zeros((chains, columns), np.int64))
    proposals = np.zeros(chains, np.int64)
    record_states(st, front, grid, owner, cur_c, cur_w, proposals)
    deadline = None if time_limit is None else start + time_limit
    report = progress or (lambda *a: None)
    diagnostics: dict = {"samplers": [s for s, used in (("wang-landau", use_wl), ("tempering", use_pt)) if used]}
    complete, timed_out = True, False
    pt_out = wl_out = settle_out = None
    try:
        if use_pt:
            pt_out, timed_out = _run_tempering(kernel, st, rng, cur_c, cur_w, betas, lambdas, chains, steps,
                                               front, grid, proposals, deadline, report)
            if settle and not timed_out:
                settle_out, timed_out = _run_settling(kernel, st, rng, cur_c, cur_w, pt_out[3], betas[-1], lambdas,
                                                      steps, front, grid, proposals, deadline, report)
        if use_wl and not timed_out:
            wl_out, timed_out = _run_wang_landau(kernel, st, rng, cur_c, cur_w, pt, chains, steps * n_l * n_b,
                                                 windows, (wl_scale, wl_offset), wl_bins, front, grid, proposals,
                                                 deadline, report)
    except KeyboardInterrupt:
        complete = False

    steps_out, found = _front_steps(kernel, task, programs, st, front, budgets, report)
    diagnostics.update({
        "proposals": int(proposals.sum()), "proposals_per_run": proposals.tolist(),
        "stopped_by_time_limit": bool(timed_out), "found_after": found,
        "front_levels": {"levels": levels, "exact": bool(grid[1] == 0.5)},
        "runs_agree": _runs_agree(front, steps_out, kernel.total),
        "note": "Every step is an upper bound on C(eps) found by sampling. Parallel tempering with energy "
                "c + lambda*error reaches only the convex hull of the front; the best program per error "
                "level (both samplers) reaches the rest.",
    })
    if pt_out is not None:
        diagnostics["tempering"] = _tempering_diagnostics(*pt_out[:3], betas, lambdas)
    if settle_out is not None:
        diagnostics["settling"] = {"beta": float(betas[-1]), "proposals": settle_out[0].tolist(),
                                   "settled": settle_out[1].tolist()}
    if wl_out is not None:
        stitched = [stitch_windows(run_ln_g) for run_ln_g in wl_out[0]]
        density = combine_runs(np.array([ln_g for ln_g, _ in stitched]), wl_errors, kernel.log_size())
        diagnostics["wang_landau"] = _wang_landau_diagnostics(*wl_out, windows, [n for _, n in stitched], density)
        if not all(diagnostics["wang_landau"]["converged"]):
            diagnostics.setdefault("warnings", []).append(_unconverged(diagnostics["wang_landau"], windows, cap, wl_bins))
        diagnostics["density_of_states"] = density.to_json()
        if np.isfinite(density.ln_g).any():
            fine = geometric(betas[0], betas[-1], 48)
            diagnostics["tempered_curves"] = [vars(tempered_curves(density, fine, lam)) for lam in lambdas]
    import numba

    method = MethodInfo("tempered", {"sampler": sampler, "samplers": diagnostics["samplers"], "steps": steps,
                                     "chains": chains, "windows": len(windows) or None,
                                     "betas": betas.tolist(), "lambdas": lambdas.tolist(),
                                     "max_complexity": cap, "eps": list(eps) if eps else None,
                                     "numba": numba.__version__},
                        seed=seed, time_limit=time_limit)
    return PhaseDiagram(TaskInfo.of(task), programs.spec, method, steps_out, perf_counter() - start,
                        diagnostics=diagnostics, complete=complete)


# --- grids of error levels ----------------------------------------------------------------------
def _front_levels(kernel, chains: int, n_lambdas: int) -> tuple[int, np.ndarray]:
    """Error levels for the best-program records: every wrong count 0..top (+1 overflow level)
    when weights are exact integers and the slots fit FRONT_BYTES, else equal bins over [0, top]
    (top: the wrong weight of the best constant label); one ground-state record per λ follows
    them. Returns (levels, (scale, offset, levels))."""
    top, slots = kernel.baseline, FRONT_BYTES // (chains * kernel.slot_bytes()) - n_lambdas
    if kernel.exact and top + 2 <= 1 << 16 and top + 2 <= slots:
        return int(top) + 2, np.array([1.0, 0.5, int(top) + 2])
    levels = int(min(4096, max(64, slots)))
    return levels, np.array([(levels - 1) / max(top, 1e-300), 0.0, levels])


def _cells(kernel) -> tuple[int, float, float, np.ndarray]:
    """Wang–Landau error bins over [0, total]: single wrong counts up to 256 of them, else 64
    equal bins. Returns (bins, scale, offset, error of each bin)."""
    total = kernel.total
    if kernel.exact and total + 1 <= 256:
        bins = int(total) + 1
        return bins, 1.0, 0.5, np.arange(bins) / total
    bins = 64
    return bins, bins / total * (1 - 1e-12), 0.0, (np.arange(bins) + 0.5) / bins


def _windows(bins: int, cap: int, windows: int | None) -> np.ndarray:
    """Error windows [lo, hi] (bins, inclusive) for Wang–Landau: ``windows`` of them (default:
    cells / WL_WINDOW_CELLS, at most WL_MAX_WINDOWS), each overlapping the next by half."""
    if windows is None:
        windows = min(WL_MAX_WINDOWS, max(1, math.ceil((cap + 1) * bins / WL_WINDOW_CELLS)))
    windows = min(windows, max(1, bins // 2))
    width = math.ceil(2 * bins / (windows + 1)) if windows > 1 else bins
    lo = np.minimum(np.arange(windows) * max(1, width // 2), bins - width)
    return np.stack([lo, lo + width - 1], axis=1).astype(np.int64)


# --- the runs ------------------------------------------------------------------------------------
def _chunks(total: int, deadline: float | None, report: Progress, stage: str, run_chunk) -> bool:
    """Call ``run_chunk(n)`` until ``total`` units are done, sizing chunks to about half a second;
    returns True when the deadline stopped it."""
    done, size = 0, 1
    report(stage, 0, total)
    while done < total:
        if deadline is not None and perf_counter() >= deadline:
            return True
        n = min(size, total - done)
        t0 = perf_counter()
        run_chunk(done, n)
        done += n
        report(stage, done, total)
        elapsed = perf_counter() - t0
        size = max(1, int(n * min(4.0, 0.5 / elapsed))) if elapsed > 0 else size * 4
    return False


def _parallel(runs: int, work) -> None:
    """``work(run)`` for every run, on as many threads as Numba may use (the loops release the GIL)."""
    import numba

    threads = min(runs, numba.config.NUMBA_NUM_THREADS)
    if threads == 1:
        for run in range(runs):
            work(run)
        return
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(runs)))


def _run_tempering(kernel, st, rng, cur_c, cur_w, betas, lambdas, chains, steps, front, grid, proposals,
                   deadline, report):
    tempering = kernel.loops.tempering
    n_l, n_b = len(lambdas), len(betas)
    where = np.arange(chains * n_l * n_b, dtype=np.int64).reshape(chains, n_l, n_b)
    lamws = lambdas / kernel.total
    sweeps = max(1, math.ceil(steps / MOVES_PER_EXCHANGE))
    moves = min(MOVES_PER_EXCHANGE, steps)
    measure_from = int(sweeps * BURN_IN)
    block_len = max(1, (sweeps - measure_from) // BLOCKS)
    shape = (chains, n_l, n_b)
    ends = np.full(len(cur_c), -1, np.int64)
    ends[where[:, :, 0].ravel()] = 0
    counts = (np.zeros(shape, np.int64), np.zeros(shape, np.int64), np.zeros((chains, n_l, max(n_b - 1, 1)), np.int64),
              np.zeros((chains, n_l, max(n_b - 1, 1)), np.int64), ends, np.zeros((chains, n_l), np.int64))
    energy = (np.zeros(shape), np.zeros(shape), np.zeros(chains, np.int64), np.zeros(shape + (BLOCKS,)))

    def chunk(done: int, n: int) -> None:
        _parallel(chains, lambda run: tempering(
            st, rng, run, where, betas, lamws, 0, cur_c, cur_w, kernel.capacity,
            n, moves, done, measure_from, block_len, front, grid, proposals, counts, energy))

    timed_out = _chunks(sweeps, deadline, report, "tempering", chunk)
    return (counts, energy, block_len, where[:, 0, n_b - 1].copy()), timed_out


def _run_settling(kernel, st, rng, cur_c, cur_w, walkers, beta, lambdas, steps, front, grid, proposals,
                  deadline, report):
    """Walk each run's coldest replica of the smallest λ (``walkers[run]``) up the λ ladder at β:
    at each λ, segments of steps, 2·steps, 4·steps, … proposals, until a segment lowers its energy
    c + λ·ε by less than 1 (one rule or gate) or SETTLE_MAX·steps are spent. Each λ starts from the
    previous one's program, so the front is followed to the capacity (deep levels of many rules
    need far more proposals than one tempering replica gets). Returns (proposals, settled) per
    (run, λ) and whether the deadline stopped it."""
    tempering = kernel.loops.tempering
    chains, n_l = len(walkers), len(lambdas)
    where, betas = walkers.reshape(chains, 1, 1).copy(), np.array([beta])
    one = (chains, 1, 1)
    counts = (np.zeros(one, np.int64), np.zeros(one, np.int64), np.zeros(one, np.int64), np.zeros(one, np.int64),
              np.full(len(cur_c), -1, np.int64), np.zeros((chains, 1), np.int64))
    energy = (np.zeros(one), np.zeros(one), np.zeros(chains, np.int64), np.zeros(one + (1,)))
    used, settled = np.zeros((chains, n_l), np.int64), np.zeros((chains, n_l), bool)
    never = np.iinfo(np.int64).max
    report("settling", 0, chains * n_l)
    for l, lam in enumerate(lambdas):
        lamw = np.array([lam / kernel.total])
        active, length = list(range(chains)), steps
        while active:
            before = cur_c[walkers[active]] + lamw[0] * cur_w[walkers[active]]
            sweeps = max(1, math.ceil(min(length, SETTLE_MAX * steps - used[active[0], l]) / MOVES_PER_EXCHANGE))

            def chunk(done: int, n: int) -> None:
                _parallel(len(active), lambda i: tempering(
                    st, rng, active[i], where, betas, lamw, l, cur_c, cur_w, kernel.capacity,
                    n, MOVES_PER_EXCHANGE, 0, never, 1, front, grid, proposals, counts, energy))

            if _chunks(sweeps, deadline, lambda *a: None, "settling", chunk):
                return (used, settled), True
            used[active, l] += sweeps * MOVES_PER_EXCHANGE
            gain = before - (cur_c[walkers[active]] + lamw[0] * cur_w[walkers[active]])
            settled[active, l] = gain < 1
            active = [run for run, g in zip(active, gain) if g >= 1 and used[run, l] < SETTLE_MAX * steps]
            length *= 2
        report("settling", (l + 1) * chains, chains * n_l)
    return (used, settled), False


def _run_wang_landau(kernel, st, rng, cur_c, cur_w, first, chains, steps, windows, cells, bins, front, grid,
                     proposals, deadline, report):
    """Windowed Wang–Landau: run ``run``'s walkers are replicas first + run·windows + w, each
    making steps / windows proposals."""
    wang_landau = kernel.loops.wang_landau
    cap, n_w = kernel.capacity, len(windows)
    ln_g = np.zeros((chains, n_w, cap + 1, bins))
    hist = np.zeros((chains, n_w, cap + 1, bins), np.int64)
    schedule = np.zeros((chains, n_w, 6))
    schedule[:, :, 0], schedule[:, :, 5] = 1.0, 1e-8
    slots = first + np.arange(chains * n_w, dtype=np.int64).reshape(chains, n_w)
    swaps = np.zeros((chains, max(n_w - 1, 1), 2), np.int64)
    cells = np.array(cells)

    def chunk(done: int, n: int) -> None:
        _parallel(chains, lambda run: wang_landau(
            st, rng, run, slots, cur_c, cur_w, cap, n, cells, windows,
            ln_g, hist, schedule, 0.8, 10_000, WL_EXCHANGE_EVERY, swaps, front, grid, proposals))

    timed_out = _chunks(max(1, steps // n_w), deadline, report, "wang-landau", chunk)
    return (ln_g, hist, schedule, swaps), timed_out


# --- results -------------------------------------------------------------------------------------
def _front_steps(kernel, task, programs, st, front, budgets, report):
    """The Pareto front of all runs' records, witnesses re-scored exactly (listed tasks: every
    step; closed-form tasks: up to 64 spread steps, to relative 1e-9)."""
    front_c, front_w, front_t = front
    runs, lvs = np.nonzero(front_c < _NO_PROGRAM)
    order = np.lexsort((front_t[runs, lvs], front_w[runs, lvs], front_c[runs, lvs]))
    picked, best = [], np.inf
    for i in order:
        run, lv = runs[i], lvs[i]
        if front_w[run, lv] < best:
            best = front_w[run, lv]
            picked.append((int(front_c[run, lv]), float(front_w[run, lv]), int(front_t[run, lv]),
                           run * front_c.shape[1] + lv))
    if budgets:
        picked = answering(picked, budgets)
    total = task.total_weight
    listed = kernel.exact
    check = set(range(len(picked))) if listed else set(np.linspace(0, len(picked) - 1, min(64, len(picked))).astype(int))
    steps, found = [], []
    for i, (c, w, t, slot) in enumerate(picked):
        witness = kernel.witness(st, slot)
        if programs.complexity(witness) != c:
            raise RuntimeError(f"sampler bug: a witness recorded at complexity {c} has {programs.complexity(witness)}")
        wrong = None
        if i in check:
            exact = _exact_wrong(task, programs, witness, listed)
            if abs(exact - w) > (0.5 if listed else 1e-9 * total):
                raise RuntimeError(f"sampler bug: a witness scored {w} wrong re-evaluates to {exact}")
            wrong = exact if listed else None
        steps.append(Step(c, (wrong if wrong is not None else w) / total, wrong, total if listed else None,
                          "sampled", witness))
        found.append(t)
        report("witnesses", i + 1, len(picked))
    return steps, found


def _exact_wrong(task, programs, witness, listed: bool) -> int:
    if listed:
        table = task.table
        return int(table.weights[programs.predict(task, witness) != table.labels].sum())
    return programs.wrong_weight(task, witness)


def _runs_agree(front, steps, total: float) -> float | None:
    """Fraction of the merged steps at which every run on its own reaches the same C(ε)
    (records are wrong weights in units of ``total``)."""
    front_c, front_w, _ = front
    if not steps:
        return None
    agree = 0
    for s in steps:
        w = s.wrong if s.wrong is not None else s.error * total
        per_run = {int(np.min(np.where(front_w[run] <= w * (1 + 1e-12) + 1e-9, front_c[run], _NO_PROGRAM)))
                   for run in range(front_c.shape[0])}
        agree += per_run == {s.complexity}
    return agree / len(steps)


def _tempering_diagnostics(counts, energy, block_len, betas, lambdas) -> dict:
    accepted, tried, swap_acc, swap_try, _, trips = counts
    sum_h, sum_h2, n_h, blocks = energy
    with np.errstate(all="ignore"):
        acceptance = accepted.sum(0) / tried.sum(0)
        swaps = swap_acc.sum(0) / swap_try.sum(0)
        samples = max(int(n_h.min()), 0)
        n = n_h[:, None, None]
        mean = (sum_h / n).mean(0)  # per run, then averaged: differences between runs go to R-hat
        var = (sum_h2 / n - (sum_h / n) ** 2).mean(0)
    filled = min(BLOCKS, samples // block_len)
    rhat = [[split_rhat(blocks[:, l, t, :filled] / block_len) for t in range(len(betas))] for l in range(len(lambdas))]
    finite = [x for row in rhat for x in row if math.isfinite(x)]

    def table(a):
        return [[None if not math.isfinite(v) else round(float(v), 6) for v in row] for row in np.atleast_2d(a)]

    return {
        "betas": betas.tolist(), "lambdas": lambdas.tolist(), "moves_between_exchanges": MOVES_PER_EXCHANGE,
        "acceptance": table(acceptance), "swap_rates": table(swaps) if len(betas) > 1 else None,
        "round_trips": trips.sum(0).tolist(), "samples_per_chain": samples,
        "r_hat": table(rhat), "r_hat_max": max(finite) if finite else None,
        "mean_energy": table(mean), "heat_capacity": table(betas[None, :] ** 2 * var),
    }


def _wang_landau_diagnostics(ln_g, hist, schedule, swaps, windows, stitched, density) -> dict:
    """Per run and window: ln f, schedule phase, halvings, steps, visited cells and flatness;
    per run: windows joined into one ln g; swap rates between neighbouring windows."""
    flat = [[None] * len(windows) for _ in range(hist.shape[0])]
    for run in range(hist.shape[0]):
        for w in range(len(windows)):
            seen = hist[run, w][ln_g[run, w] != 0]
            flat[run][w] = round(float(seen.min() / seen.mean()), 4) if seen.size and seen.mean() > 0 else None
    spread = density.spread[np.isfinite(density.spread)]
    with np.errstate(all="ignore"):
        rates = swaps[:, :, 1].sum(0) / swaps[:, :, 0].sum(0)

    def per_run(a):
        return a.tolist() if len(windows) > 1 else a[:, 0].tolist()

    return {
        "windows": windows.tolist(), "ln_f": per_run(schedule[:, :, 0]),
        "schedule": per_run(np.where(schedule[:, :, 1] > 0, "1/t", "halving")),
        "halvings": per_run(schedule[:, :, 4].astype(int)), "steps": per_run(schedule[:, :, 2].astype(int)),
        "visited_cells": per_run(schedule[:, :, 3].astype(int)),
        "flatness": flat if len(windows) > 1 else [f[0] for f in flat],
        "converged": [bool((schedule[run, :, 1] > 0).all()) for run in range(schedule.shape[0])],
        "windows_joined": stitched,
        "swap_rates": [None if not math.isfinite(x) else round(float(x), 4) for x in rates] if len(windows) > 1 else None,
        "runs_rms_spread": float(np.sqrt(np.mean(spread**2))) if spread.size else None,
    }


def _unconverged(wl: dict, windows: np.ndarray, cap: int, bins: int) -> str:
    """The warning for a Wang–Landau run that never reached its 1/t phase."""
    ln_f = np.max(wl["ln_f"])
    return (f"Wang–Landau did not converge: in {wl['converged'].count(False)} of {len(wl['converged'])} runs ln f "
            f"was still halving (largest ln f {ln_f:.3g}) over {(cap + 1) * bins:,} cells in {len(windows)} "
            f"window(s). Its ln g, the entropy map and the tempered curves are rough; raise --steps (the "
            f"front is unaffected: every step is still a checked upper bound).")
