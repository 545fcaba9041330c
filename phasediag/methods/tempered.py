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
from ..sampling.density import combine_runs, split_rhat, tempered_curves
from ..sampling._random import streams
from ._common import Progress, answering, eps_budgets

__all__ = ["sample_diagram", "geometric", "SAMPLERS", "DEFAULT_BETAS"]

SAMPLERS = ("auto", "both", "wang-landau", "tempering")
#: Default inverse temperatures (per unit of complexity): 8 values, geometric from BETA_HOT to the
#: program class's ``beta_cold``.
BETA_HOT, DEFAULT_BETAS = 0.1, 8
#: Default λ ladder: 12 values, geometric from 1 to the program class's ``lambda_top``.
DEFAULT_LAMBDAS = 12
#: ``auto`` runs Wang–Landau only when it has at most this many cells.
WL_MAX_CELLS = 50_000
#: Bytes of witness slots (best program per error level) for all runs together.
FRONT_BYTES = 1 << 30
MOVES_PER_EXCHANGE = 20
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
                   time_limit: float | None = None, progress: Progress | None = None) -> PhaseDiagram:
    """The sampled phase diagram of ``programs`` on ``task``.

    ``chains`` independent runs, each with a parallel-tempering grid of len(betas)·len(lambdas)
    replicas making ``steps`` proposals each, and/or one Wang–Landau walker making as many
    proposals as a whole tempering run. ``sampler``: ``tempering``, ``wang-landau``, ``both`` or
    ``auto`` (both when Wang–Landau has at most WL_MAX_CELLS cells, else tempering). Complexity is
    capped at ``max_complexity`` (rules; gates of the circuit genotype). Reproducible from
    ``seed``; ``time_limit`` (s) ends sampling early; Ctrl-C keeps what was found (incomplete).
    """
    start = perf_counter()
    if sampler not in SAMPLERS:
        raise ParameterError(f"Unknown sampler '{sampler}'. Allowed: {', '.join(SAMPLERS)}.")
    if steps < 1 or chains < 1:
        raise ParameterError(f"steps and chains must be at least 1. Got steps={steps}, chains={chains}.")
    if max_complexity is not None and max_complexity < 1:
        raise ParameterError(f"max_complexity must be at least 1 for the sampler. Got {max_complexity}.")
    kernel = programs.sampler(task, max_complexity)
    betas = _grid(betas, geometric(BETA_HOT, kernel.beta_cold, DEFAULT_BETAS), "beta (inverse temperature)")
    lambdas = _grid(lambdas, geometric(1.0, kernel.lambda_top, DEFAULT_LAMBDAS), "lambda")
    budgets = eps_budgets(eps, task.total_weight)
    cap = kernel.capacity
    wl_bins, wl_scale, wl_offset, wl_errors = _cells(kernel)
    use_wl = sampler in ("both", "wang-landau") or (sampler == "auto" and (cap + 1) * wl_bins <= WL_MAX_CELLS)
    use_pt = sampler != "wang-landau"
    levels, grid = _front_levels(kernel, chains)
    n_l, n_b = len(lambdas), len(betas)
    pt = chains * n_l * n_b if use_pt else 0
    replicas = pt + (chains if use_wl else 0)
    need = (replicas * kernel.replica_bytes() + chains * levels * kernel.slot_bytes()
            + (chains * (cap + 1) * wl_bins * 16 if use_wl else 0))
    have = _available_memory()
    if need > 0.8 * have:
        raise ParameterError(f"The sampler needs about {need / 2**30:.1f} GiB ({replicas} replicas of up to "
                             f"{cap} in complexity); {have / 2**30:.1f} GiB is available. Lower "
                             f"--max-complexity, --chains or the beta/lambda grids.")

    init = kernel.functions[0]
    record_states = kernel.samplers[2]
    st = kernel.allocate(replicas, chains * levels)
    rng = streams(seed, replicas)
    cur_c, cur_w = np.zeros(replicas, np.int64), np.zeros(replicas)
    for r in range(replicas):
        cur_c[r], cur_w[r] = init(st, rng, r)
    owner = np.concatenate([np.repeat(np.arange(chains), pt // chains), np.arange(chains if use_wl else 0)])
    front = (np.full((chains, levels), _NO_PROGRAM, np.int64), np.full((chains, levels), np.inf),
             np.zeros((chains, levels), np.int64))
    proposals = np.zeros(chains, np.int64)
    record_states(st, front, grid, owner, cur_c, cur_w, proposals)
    deadline = None if time_limit is None else start + time_limit
    report = progress or (lambda *a: None)
    diagnostics: dict = {"samplers": [s for s, used in (("wang-landau", use_wl), ("tempering", use_pt)) if used]}
    complete, timed_out = True, False
    pt_out = wl_out = None
    try:
        if use_pt:
            pt_out, timed_out = _run_tempering(kernel, st, rng, cur_c, cur_w, betas, lambdas, chains, steps,
                                               front, grid, proposals, deadline, report)
        if use_wl and not timed_out:
            wl_out, timed_out = _run_wang_landau(kernel, st, rng, cur_c, cur_w, pt, chains, steps * n_l * n_b,
                                                 wl_bins, (wl_scale, wl_offset), front, grid, proposals,
                                                 deadline, report)
    except KeyboardInterrupt:
        complete = False

    steps_out, found = _front_steps(kernel, task, programs, st, front, levels, budgets, report)
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
        diagnostics["tempering"] = _tempering_diagnostics(*pt_out, betas, lambdas)
    if wl_out is not None:
        density = combine_runs(wl_out[0], wl_errors, kernel.log_size())
        diagnostics["wang_landau"] = _wang_landau_diagnostics(*wl_out, density)
        diagnostics["density_of_states"] = density.to_json()
        fine = geometric(betas[0], betas[-1], 48)
        diagnostics["tempered_curves"] = [vars(tempered_curves(density, fine, lam)) for lam in lambdas]
    import numba

    method = MethodInfo("tempered", {"sampler": sampler, "samplers": diagnostics["samplers"], "steps": steps,
                                     "chains": chains, "betas": betas.tolist(), "lambdas": lambdas.tolist(),
                                     "max_complexity": cap, "eps": list(eps) if eps else None,
                                     "numba": numba.__version__},
                        seed=seed, time_limit=time_limit)
    return PhaseDiagram(TaskInfo.of(task), programs.spec, method, steps_out, perf_counter() - start,
                        diagnostics=diagnostics, complete=complete)


# --- grids of error levels ----------------------------------------------------------------------
def _front_levels(kernel, chains: int) -> tuple[int, np.ndarray]:
    """Error levels for the best-program records: every wrong count 0..top (+1 overflow level)
    when weights are exact integers and the slots fit FRONT_BYTES, else equal bins over [0, top]
    (top: the wrong weight of the best constant label). Returns (levels, (scale, offset))."""
    top = kernel.baseline
    if kernel.exact and top + 2 <= 1 << 16 and chains * (top + 2) * kernel.slot_bytes() <= FRONT_BYTES:
        return int(top) + 2, np.array([1.0, 0.5])
    levels = int(min(4096, max(64, FRONT_BYTES // (chains * kernel.slot_bytes()))))
    return levels, np.array([(levels - 1) / max(top, 1e-300), 0.0])


def _cells(kernel) -> tuple[int, float, float, np.ndarray]:
    """Wang–Landau error bins over [0, total]: single wrong counts up to 256 of them, else 64
    equal bins. Returns (bins, scale, offset, error of each bin)."""
    total = kernel.total
    if kernel.exact and total + 1 <= 256:
        bins = int(total) + 1
        return bins, 1.0, 0.5, np.arange(bins) / total
    bins = 64
    return bins, bins / total * (1 - 1e-12), 0.0, (np.arange(bins) + 0.5) / bins


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
    tempering = kernel.samplers[0]
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
            st, rng, run, where, betas, lamws, cur_c, cur_w, kernel.capacity,
            n, moves, done, measure_from, block_len, front, grid, proposals, counts, energy))

    timed_out = _chunks(sweeps, deadline, report, "tempering", chunk)
    return (counts, energy, block_len), timed_out


def _run_wang_landau(kernel, st, rng, cur_c, cur_w, first, chains, steps, bins, cells, front, grid, proposals,
                     deadline, report):
    wang_landau = kernel.samplers[1]
    cap = kernel.capacity
    ln_g = np.zeros((chains, cap + 1, bins))
    hist = np.zeros((chains, cap + 1, bins), np.int64)
    schedule = np.zeros((chains, 6))
    schedule[:, 0], schedule[:, 5] = 1.0, 1e-8
    cells = np.array(cells)

    def chunk(done: int, n: int) -> None:
        _parallel(chains, lambda run: wang_landau(
            st, rng, run, first + run, cur_c, cur_w, cap, n, cells,
            ln_g, hist, schedule, 0.8, 10_000, front, grid, proposals))

    timed_out = _chunks(steps, deadline, report, "wang-landau", chunk)
    return (ln_g, hist, schedule), timed_out


# --- results -------------------------------------------------------------------------------------
def _front_steps(kernel, task, programs, st, front, levels, budgets, report):
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
            picked.append((int(front_c[run, lv]), float(front_w[run, lv]), int(front_t[run, lv]), run * levels + lv))
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


def _wang_landau_diagnostics(ln_g, hist, schedule, density) -> dict:
    flat = []
    for run in range(hist.shape[0]):
        seen = hist[run][ln_g[run] != 0]
        flat.append(round(float(seen.min() / seen.mean()), 4) if seen.size and seen.mean() > 0 else None)
    spread = density.spread[np.isfinite(density.spread)]
    return {
        "ln_f": schedule[:, 0].tolist(), "schedule": ["1/t" if p else "halving" for p in schedule[:, 1]],
        "halvings": schedule[:, 4].astype(int).tolist(), "steps": schedule[:, 2].astype(int).tolist(),
        "visited_cells": schedule[:, 3].astype(int).tolist(), "flatness": flat,
        "runs_rms_spread": float(np.sqrt(np.mean(spread**2))) if spread.size else None,
    }
