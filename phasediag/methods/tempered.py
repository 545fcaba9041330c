"""Tempered sampling of a phase diagram (DESIGN.md §2.3): Wang–Landau and parallel tempering.

Both samplers walk the program class with the moves it supplies and record the best program per
error level; the merged Pareto front of those records is the sampled diagram, every step an upper
bound on C(ε) (status ``sampled``) whose witness is re-scored exactly. Wang–Landau also gives ln g
over (complexity, error) cells and so the tempered curves at any (β, λ); parallel tempering over
a (β, λ) grid with energy H = c + λ·ε is the canonical cross-check of those curves. Scalarised
energies alone reach only the convex hull of the front; the best-per-level records reach the rest.
"""

from __future__ import annotations

import functools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from time import perf_counter
from typing import Sequence

import numba
import numpy as np

from ..diagram import MethodInfo, PhaseDiagram, Step, TaskInfo
from ..errors import ParameterError
from ..forks import Forked, forks
from ..interrupts import Interrupted
from ..sampling.chains import Ladder, Records, Sweeps, TemperingStats, Walkers, WangLandau
from ..sampling.density import combine_runs, split_rhat, stitch_windows, tempered_curves
from ..streams import streams
from ..front import Progress, answering, bounded, closed, closing_step, eps_budgets
from ..params import check_number

__all__ = ["sample_diagram", "SamplerParams", "geometric", "SAMPLERS", "DEFAULT_BETAS"]

SAMPLERS = ("auto", "both", "wang-landau", "tempering")
#: Default proposals per tempering replica.
DEFAULT_STEPS = 20_000
#: Default inverse temperatures (per unit of complexity): 8 values, geometric from BETA_HOT to the
#: program class's ``beta_cold``.
BETA_HOT, DEFAULT_BETAS = 0.1, 8
#: Default λ ladder: 12 values, geometric over the program class's ``lambda_range``. Settling
#: on a listed task walks a denser ladder over the same range: ratio SETTLE_RATIO, at most
#: SETTLE_LAMBDAS values (each front step between two λ is reached only in passing).
DEFAULT_LAMBDAS, SETTLE_RATIO, SETTLE_LAMBDAS = 12, 1.25, 96
#: ``auto`` runs Wang–Landau only when it has at most this many cells, each weighted by the
#: kernel's ``proposal_cost`` (its default budget, WL_STEPS_PER_CELL proposals per cell and run,
#: converges there in about a minute; a circuit on many rows costs as many times more).
WL_MAX_CELLS = 6_000
#: Each Wang–Landau run makes at least this many proposals per cell: enough on the spaces measured
#: (prefix-sorting n=3..4, length 2..3) for the 1/t phase and ln g within 0.1 rms of the exact count.
WL_STEPS_PER_CELL = 5_000
#: Windows not in their 1/t phase by then go on alone, for up to WL_EXTEND times that budget again.
WL_EXTEND = 2
#: Wang–Landau splits its error bins into overlapping windows (replica exchange between them) when
#: it has more cells than this: about this many cells per window, at most WL_MAX_WINDOWS windows.
WL_WINDOW_CELLS, WL_MAX_WINDOWS = 10_000, 16
WL_EXCHANGE_EVERY = 100
#: ln f halves when every visited cell of a window has min ≥ max(1, WL_FLATNESS·mean) visits since
#: the last halving (WL_FLATNESS = 0: the 1/t criterion of Belardinelli and Pereyra, 2007).
WL_FLATNESS = 0.0
#: A window stops once its ln f falls below this (the step budget ends the 1/t phase first).
WL_FINAL_LN_F = 1e-8
#: Bytes of witness slots (best program per error level) for all runs together.
FRONT_BYTES = 1 << 30
MOVES_PER_EXCHANGE = 20
#: Shrinking the least correct program (see ``_shrunk``): spare units of its genotype, the inverse
#: temperatures of its replicas (per unit of complexity), and the most a proposal may cost for it
#: to be run (four words of rows: functions of up to 8 inputs; on a large sample the error-0
#: program is a memoriser that shrinks by about 1% in minutes, measured on 6,400 rows). Beyond
#: it the class's restructuring has the whole second half.
POLISH_SLACK, POLISH_BETAS, POLISH_MAX_COST = 8, (1.0, 2.0, 4.0, 8.0), 4.0
#: Share of ``time_limit`` after which the class's construction of a correct program (where it
#: has one) starts nothing more: the sampler starts from it.
CONSTRUCTION_SHARE = 0.25
#: The shrinking run of the least correct program has the last (1 - RESYNTHESIS_SHARE) / 2 of
#: ``time_limit``; the class restructures it (:meth:`~phasediag.programs.base.ProgramClass.resynthesised`)
#: until then. At 10 s on 13 IWLS and held-out functions a restructuring of 7/8 of the second half
#: rather than 1/2 was never worse (ex28, ex49: 45, 48 → 39 ANDs; ex02 91 → 89); the shrinking run
#: had taken one gate off one.
RESYNTHESIS_SHARE = 0.875
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


#: The range of the ladders: β·(c + λ·ε) and β² must stay within floats.
LADDER_RANGE = {"beta": (1e-6, 1e6), "lambda": (1e-12, 1e30)}


def _grid(values: Sequence[float] | None, default: tuple[float, ...], name: str) -> np.ndarray:
    grid = default if values is None else tuple(values)
    if not grid:
        raise ParameterError(f"The {name} grid is empty; give at least one value.")
    low, high = LADDER_RANGE[name.split()[0]]
    for v in grid:
        if not (math.isfinite(v) and v > 0):
            raise ParameterError(f"Every {name} must be a positive finite number. Got {v}.")
        if not low <= v <= high:
            raise ParameterError(f"Every {name} must be in [{low:g}, {high:g}] (beyond, energies overflow floats). "
                                 f"Got {v:g}.")
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


@dataclass(frozen=True)
class SamplerParams:
    """How a tempered run samples; every field has a default (see :func:`sample_diagram`).

    ``sampler``: ``tempering``, ``wang-landau``, ``both`` or ``auto`` (both when Wang–Landau has
    at most WL_MAX_CELLS cells, weighted by the kernel's proposal cost, else tempering).
    ``steps``: proposals per tempering replica; each
    Wang–Landau run makes as many as a whole tempering run, or steps/DEFAULT_STEPS times
    WL_STEPS_PER_CELL per cell when that is more. ``chains``: independent runs.
    ``betas``/``lambdas``: the ladders (default: geometric, ends from the kernel). ``windows``:
    Wang–Landau error windows (default: one per about WL_WINDOW_CELLS cells). ``settle``: walk each
    run's coldest replica up the λ ladder after tempering (None: unless the class sweeps the front
    by exact local moves, as rule lists on listed tasks; those sweeps do its work, measured 3–4×
    faster at equal steps matched). ``max_complexity`` caps complexity;
    ``eps`` keeps the steps giving C(ε); ``seed`` makes the run reproducible; ``time_limit`` (s)
    ends sampling early.
    """

    sampler: str = "auto"
    steps: int = DEFAULT_STEPS
    chains: int = 4
    betas: Sequence[float] | None = None
    lambdas: Sequence[float] | None = None
    windows: int | None = None
    settle: bool | None = None
    max_complexity: int | None = None
    eps: Sequence[float] | None = None
    seed: int = 0
    time_limit: float | None = None

    def __post_init__(self) -> None:
        if self.sampler not in SAMPLERS:
            raise ParameterError(f"Unknown sampler '{self.sampler}'. Allowed: {', '.join(SAMPLERS)}.")
        if self.steps < 1 or self.chains < 1:
            raise ParameterError(f"steps and chains must be at least 1. Got steps={self.steps}, chains={self.chains}.")
        if self.windows is not None and self.windows < 1:
            raise ParameterError(f"windows must be at least 1. Got {self.windows}.")
        if self.max_complexity is not None and self.max_complexity < 1:
            raise ParameterError("The sampler's complexity cap (--max-complexity, max_complexity) must be at least 1: "
                                 f"at 0 no move is possible (the exact methods give that step). Got {self.max_complexity}.")
        for name in ("steps", "chains", "windows", "max_complexity", "seed"):
            check_number(name, getattr(self, name))
        check_number("time_limit", self.time_limit, low=1e-9)


@dataclass(frozen=True, eq=False)
class _Plan:
    """What a run will do, fixed before anything is allocated: the ladders, the Wang–Landau
    cells and windows, the record columns and how many replicas."""

    betas: np.ndarray
    lambdas: np.ndarray
    settle_lambdas: np.ndarray
    budgets: list[int]
    use_pt: bool
    use_wl: bool
    bins: int
    cells: np.ndarray      # (scale, offset) of the Wang–Landau error bins
    bin_errors: np.ndarray
    windows: np.ndarray
    levels: int
    grid: np.ndarray
    pt_replicas: int

    @property
    def columns(self) -> int:
        """Record columns: the error levels, then the ground state at each λ of tempering and of
        settling."""
        return self.levels + len(self.lambdas) + len(self.settle_lambdas)


@dataclass(eq=False)
class _Run:
    """A run in progress: the kernel's state, the random streams, the walkers and the records."""

    kernel: object
    params: SamplerParams
    plan: _Plan
    state: tuple
    rng: np.ndarray
    walkers: Walkers
    records: Records
    deadline: float | None
    report: Progress
    threads: int


def sample_diagram(task, programs, params: SamplerParams | None = None, *, progress: Progress | None = None,
                   **options) -> PhaseDiagram:
    """The sampled phase diagram of ``programs`` on ``task``.

    ``params`` (or the same fields as keyword ``options``, see :class:`SamplerParams`): ``chains``
    independent runs, each with a parallel-tempering grid of len(betas)·len(lambdas) replicas
    making ``steps`` proposals each, and/or windowed Wang–Landau walkers making as many proposals
    as a whole tempering run. Complexity is capped at ``max_complexity`` (rules; gates of the
    circuit genotype; splits). Reproducible from ``seed``; ``time_limit`` (s) ends sampling early;
    Ctrl-C keeps what was found (incomplete).
    """
    start = perf_counter()
    params = replace(params or SamplerParams(), **options)
    # built once per task: the sampler's kernel starts from this one
    programs.correct_program(task, None if params.time_limit is None else start + params.time_limit * CONSTRUCTION_SHARE)
    kernel = programs.sampler(task, params.max_complexity)
    plan = _plan(kernel, task, params)
    # the least correct program, from the class's construction, is shrunk: restructured by the
    # class, then in a run of its own (a genotype the size of the program, every replica at error
    # 0) in the last (1 - RESYNTHESIS_SHARE) / 2 of the time, where proposals cost at most
    # POLISH_MAX_COST. With a deadline and a second core the restructuring runs beside the sampler
    # (forked, on half the cores) until then, and the sampler's cores join it (walks of their own)
    # once sampling is done; else after it, from half the time.
    polishes = kernel.constructed is not None and params.max_complexity is None
    restructure = polishes and programs.resynthesises(task, kernel.constructed)
    shrink = polishes and kernel.proposal_cost <= POLISH_MAX_COST
    polish = restructure or shrink
    end = None if params.time_limit is None else start + params.time_limit
    restructured_by = end - (1 - RESYNTHESIS_SHARE) * params.time_limit / 2 if end is not None and shrink else end
    cores = numba.config.NUMBA_NUM_THREADS
    beside = (_beside(programs, task, kernel.constructed, restructured_by, params.seed, cores // 2)
              if restructure and end is not None and cores > 1 else None)
    sampled_by = (end if end is None or not polish else restructured_by if beside is not None
                  else start + params.time_limit / 2)
    report = progress or (lambda *a: None)
    run = _start(kernel, params, plan, sampled_by, report, cores - cores // 2 if beside is not None else cores)
    complete, timed_out = True, False
    pt_out = wl_out = settle_out = None
    closing, shrinking, front, sweeps = kernel.constructed, None, None, None
    try:
        if plan.use_pt:
            pt_out, timed_out = _run_tempering(run)
            if len(plan.settle_lambdas) and not timed_out:
                settle_out, timed_out = _run_settling(run, pt_out[2])
        if plan.use_wl and not timed_out:
            wl_out, timed_out = _run_wang_landau(run)
        if polish:
            if restructure:  # the construction restructures well (the sampler's circuits, tuned by local moves, barely)
                report("resynthesising the error-0 program", 0, None)
                if beside is None:
                    closing = programs.resynthesised(task, closing, restructured_by, params.seed)
                else:
                    # the sampler is done: its cores restructure too, from the next seeds, until then
                    here = (programs.resynthesised(task, closing, restructured_by, params.seed + cores // 2,
                                                   cores - cores // 2) if perf_counter() < restructured_by else closing)
                    try:
                        closing = beside.result()
                    except ChildProcessError:  # it died (killed, out of memory): the construction
                        pass
                    closing = min(closing, here, key=programs.complexity)
            resynthesised = programs.complexity(closing)
            found_correct = _least_correct(kernel, run)
            if found_correct is not None and programs.complexity(found_correct) < resynthesised:
                closing = found_correct
            before = programs.complexity(closing)
            if shrink:
                closing = _shrunk(task, programs, closing, params, end, report)
            shrinking = {"constructed": programs.complexity(kernel.constructed), "resynthesised": resynthesised,
                         "from": before, "to": programs.complexity(closing)}
        if _sweeps(kernel):
            report("sweeping the front", 0, None)
            began = perf_counter()
            front, improved = kernel.improve_front(run.state, _recorded_front(run.records), end)
            sweeps = {"improved": improved, "seconds": round(perf_counter() - began, 3)}
    except KeyboardInterrupt as stop:  # what the restructuring had found counts
        complete = False
        found = [stop.found if isinstance(stop, Interrupted) else None, beside and beside.interrupted(), closing]
        closing = min((c for c in found if c is not None), key=programs.complexity, default=None)
    finally:
        if beside is not None:
            beside.stop()
    steps_out, found = _front_steps(kernel, task, programs, run.state, front or _recorded_front(run.records),
                                    plan.budgets, run.report, params.max_complexity, closing)
    diagnostics = _diagnostics(run, steps_out, found, timed_out, pt_out, settle_out, wl_out)
    if shrinking is not None:
        diagnostics["shrinking_error_0"] = shrinking
    if sweeps is not None:
        diagnostics["sweeps"] = sweeps
    method = MethodInfo("tempered", {"sampler": params.sampler, "samplers": diagnostics["samplers"],
                                     "steps": params.steps, "chains": params.chains,
                                     "windows": len(plan.windows) or None, "betas": plan.betas.tolist(),
                                     "lambdas": plan.lambdas.tolist(), "max_complexity": kernel.capacity,
                                     "eps": list(params.eps) if params.eps else None, "numba": numba.__version__},
                        seed=params.seed, time_limit=params.time_limit)
    return PhaseDiagram(TaskInfo.of(task), programs.spec, method, steps_out, perf_counter() - start,
                        diagnostics=diagnostics, complete=complete)


def _plan(kernel, task, params: SamplerParams) -> _Plan:
    """The ladders, cells, windows and records of a run, refused up front if they do not fit in
    memory."""
    betas = _grid(params.betas, geometric(BETA_HOT, kernel.beta_cold, DEFAULT_BETAS), "beta (inverse temperature)")
    lambdas = _grid(params.lambdas, geometric(*kernel.lambda_range, DEFAULT_LAMBDAS), "lambda")
    settle = _settle_ladder(kernel, params, lambdas)
    cap, chains = kernel.capacity, params.chains
    bins, scale, offset, errors = _cells(kernel)
    affordable = (cap + 1) * bins * kernel.proposal_cost <= WL_MAX_CELLS
    use_wl = params.sampler in ("both", "wang-landau") or (params.sampler == "auto" and affordable)
    windows = _windows(bins, cap, params.windows) if use_wl else np.zeros((0, 2), np.int64)
    use_pt = params.sampler != "wang-landau"
    levels, grid = _front_levels(kernel, chains, len(lambdas) + len(settle))
    plan = _Plan(betas, lambdas, settle, eps_budgets(params.eps, task.total_weight), use_pt, use_wl, bins,
                 np.array([scale, offset]), errors, windows, levels, grid,
                 chains * len(lambdas) * len(betas) if use_pt else 0)
    replicas = plan.pt_replicas + chains * len(windows)
    need = (replicas * kernel.replica_bytes() + chains * plan.columns * kernel.slot_bytes()
            + chains * len(windows) * (cap + 1) * bins * 16)
    have = _available_memory()
    if need > 0.8 * have:
        raise ParameterError(f"The sampler needs about {need / 2**30:.1f} GiB ({replicas} replicas of up to "
                             f"{cap} in complexity); {have / 2**30:.1f} GiB is available. Lower "
                             f"--max-complexity, --chains or the beta/lambda grids.")
    return plan


def _sweeps(kernel) -> bool:
    """Whether the kernel's front is swept by exact local moves (a listed task's)."""
    return kernel.improve_front is not None and kernel.exact


def _settle_ladder(kernel, params: SamplerParams, lambdas: np.ndarray) -> np.ndarray:
    """The λ values settling walks: none without settling (by default, none where the front is
    swept), the tempering ladder when it was given or the task is a closed form, else a
    ratio-SETTLE_RATIO ladder over the kernel's range."""
    settle = params.settle if params.settle is not None else not _sweeps(kernel)
    if not settle or params.sampler == "wang-landau":
        return np.zeros(0)
    if params.lambdas is not None or not kernel.exact:
        return lambdas
    lo, hi = kernel.lambda_range
    return np.array(geometric(lo, hi, min(SETTLE_LAMBDAS, 2 + math.ceil(math.log(hi / lo) / math.log(SETTLE_RATIO)))))


def _start(kernel, params: SamplerParams, plan: _Plan, deadline: float | None, report: Progress,
           threads: int) -> _Run:
    """Allocate the state, start every replica from the kernel's initial program, record them;
    the runs go on up to ``threads`` threads."""
    chains, columns = params.chains, plan.columns
    replicas = plan.pt_replicas + chains * len(plan.windows)
    state = kernel.allocate(replicas, chains * columns)
    rng = streams(params.seed, replicas)
    walkers = Walkers(np.zeros(replicas, np.int64), np.zeros(replicas))
    for r in range(replicas):
        walkers.complexity[r], walkers.wrong[r] = kernel.moves.init(state, rng, r)
        if kernel.start is not None:
            walkers.complexity[r], walkers.wrong[r] = kernel.seed(state, r)
    records = Records(np.full((chains, columns), _NO_PROGRAM, np.int64), np.full((chains, columns), np.inf),
                      np.zeros((chains, columns), np.int64), plan.grid, np.zeros(chains, np.int64))
    owner = np.concatenate([np.repeat(np.arange(chains), plan.pt_replicas // chains),
                            np.repeat(np.arange(chains), len(plan.windows))])
    kernel.loops.record_states(state, records, owner, walkers)
    return _Run(kernel, params, plan, state, rng, walkers, records, deadline, report, threads)


def _diagnostics(run: _Run, steps_out, found, timed_out, pt_out, settle_out, wl_out) -> dict:
    """What the run reports with its diagram: proposals, records, agreement of runs, and each
    sampler's own statistics (tempering, settling, Wang–Landau with ln g and tempered curves)."""
    plan, kernel, records = run.plan, run.kernel, run.records
    diagnostics: dict = {
        "samplers": [s for s, used in (("wang-landau", plan.use_wl), ("tempering", plan.use_pt)) if used],
        "proposals": int(records.proposals.sum()), "proposals_per_run": records.proposals.tolist(),
        "stopped_by_time_limit": bool(timed_out), "found_after": found,
        "front_levels": {"levels": plan.levels, "exact": bool(plan.grid[1] == 0.5)},
        "runs_agree": _runs_agree(records, steps_out, kernel.total),
        "note": "Every step is an upper bound on C(eps) found by sampling. Parallel tempering with energy "
                "c + lambda*error reaches only the convex hull of the front; the best program per error "
                "level (both samplers) reaches the rest.",
    }
    if kernel.warning is not None:
        diagnostics.setdefault("warnings", []).append(kernel.warning)
    betas, lambdas = plan.betas, plan.lambdas
    if pt_out is not None:
        diagnostics["tempering"] = _tempering_diagnostics(pt_out[0], pt_out[1], betas, lambdas)
    if settle_out is not None:
        diagnostics["settling"] = {"beta": float(betas[-1]), "lambdas": plan.settle_lambdas.tolist(),
                                   "proposals": settle_out[0].tolist(),
                                   "settled": settle_out[1].tolist()}
    if wl_out is not None:
        cap = kernel.capacity
        stitched = [stitch_windows(run_ln_g) for run_ln_g in wl_out.ln_g]
        density = combine_runs(np.array([ln_g for ln_g, _ in stitched]), plan.bin_errors, kernel.log_size(),
                               kernel.log_counts())
        diagnostics["wang_landau"] = _wang_landau_diagnostics(wl_out, [n for _, n in stitched], density)
        if not all(diagnostics["wang_landau"]["converged"]):
            diagnostics.setdefault("warnings", []).append(
                _unconverged(diagnostics["wang_landau"], plan.windows, cap, plan.bins))
        diagnostics["density_of_states"] = density.to_json()
        if np.isfinite(density.ln_g).any():
            fine = geometric(betas[0], betas[-1], 48)
            diagnostics["tempered_curves"] = [vars(tempered_curves(density, fine, lam)) for lam in lambdas]
    return diagnostics


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
    """Call ``run_chunk(n)`` until ``total`` units are done, sizing chunks to about half a second
    (or the time left before ``deadline``); returns True when the deadline stopped it."""
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
        now = perf_counter()
        elapsed, target = now - t0, 0.5 if deadline is None else min(0.5, deadline - now)
        size = max(1, int(n * min(4.0, target / elapsed))) if elapsed > 0 else size * 4
    return False


def _parallel(threads: int, runs: int, work) -> None:
    """``work(run)`` for every run, on up to ``threads`` threads (the loops release the GIL)."""
    threads = min(runs, threads)
    if threads == 1:
        for run in range(runs):
            work(run)
        return
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(runs)))


def _stats(chains: int, n_l: int, n_b: int, replicas: int, blocks: int) -> TemperingStats:
    shape, pairs = (chains, n_l, n_b), (chains, n_l, max(n_b - 1, 1))
    return TemperingStats(np.zeros(shape, np.int64), np.zeros(shape, np.int64), np.zeros(pairs, np.int64),
                          np.zeros(pairs, np.int64), np.full(replicas, -1, np.int64), np.zeros((chains, n_l), np.int64),
                          np.zeros(shape), np.zeros(shape), np.zeros(chains, np.int64), np.zeros(shape + (blocks,)))


def _run_tempering(run: _Run, stage: str = "tempering"):
    """Parallel tempering over the (β, λ) grid of every run (progress reported as ``stage``).
    Returns ((stats, block length, each run's coldest replica at the smallest λ), whether the
    deadline stopped it)."""
    plan, params, kernel = run.plan, run.params, run.kernel
    chains, n_l, n_b = params.chains, len(plan.lambdas), len(plan.betas)
    where = np.arange(chains * n_l * n_b, dtype=np.int64).reshape(chains, n_l, n_b)
    ladder = Ladder(where, plan.betas, plan.lambdas / kernel.total, 0)
    sweeps = max(1, math.ceil(params.steps / MOVES_PER_EXCHANGE))
    measure_from = int(sweeps * BURN_IN)
    block_len = max(1, (sweeps - measure_from) // BLOCKS)
    stats = _stats(chains, n_l, n_b, len(run.walkers.complexity), BLOCKS)
    stats.ends[where[:, :, 0].ravel()] = 0
    tempering = kernel.loops.tempering

    def chunk(done: int, n: int) -> None:
        schedule = Sweeps(kernel.capacity, n, min(MOVES_PER_EXCHANGE, params.steps), done, measure_from, block_len)
        _parallel(run.threads, chains, lambda c: tempering(run.state, run.rng, c, ladder, run.walkers, run.records,
                                                           schedule, stats))

    timed_out = _chunks(sweeps, run.deadline, run.report, stage, chunk)
    return (stats, block_len, where[:, 0, n_b - 1].copy()), timed_out


def _shrunk(task, programs, program, params: SamplerParams, deadline: float | None, report: Progress):
    """The least correct program parallel tempering finds from ``program`` on a genotype that
    holds it (POLISH_SLACK spare units): every replica at the top of the kernel's λ range, where
    one wrong input outweighs the whole genotype, so the walk stays at error 0 and drifts through
    neutral rewirings to fewer units, at the POLISH_BETAS; ``params.steps`` proposals per replica,
    until ``deadline``. ``program`` where nothing smaller is found."""
    size = programs.complexity(program)
    kernel = programs.sampler(task, size + POLISH_SLACK)
    kernel.start = program  # it fits: every replica starts from it
    shrink = replace(params, sampler="tempering", betas=POLISH_BETAS, lambdas=(kernel.lambda_range[1],), settle=False,
                     windows=None, eps=None, max_complexity=size + POLISH_SLACK)
    run = _start(kernel, shrink, _plan(kernel, task, shrink), deadline, report, numba.config.NUMBA_NUM_THREADS)
    _run_tempering(run, stage="shrinking the error-0 program")
    found = _least_correct(kernel, run)
    return found if found is not None and programs.complexity(found) < size else program


def _beside(programs, task, program, deadline: float, seed: int, cores: int) -> Forked | None:
    """The class's restructuring of ``program`` until ``deadline`` on ``cores`` cores, started in
    a forked process; None where none can start."""
    if not forks():
        return None
    try:
        return Forked(functools.partial(programs.resynthesised, task, program, deadline, seed, cores))
    except OSError:
        return None


def _least_correct(kernel, run: _Run):
    """The least complex program with no wrong weight that ``run`` recorded, or None."""
    complexity, wrong = run.records.complexity, run.records.wrong
    runs, levels = np.nonzero((wrong <= 0) & (complexity < _NO_PROGRAM))
    if not len(runs):
        return None
    best = int(np.argmin(complexity[runs, levels]))
    return kernel.witness(run.state, int(runs[best]) * complexity.shape[1] + int(levels[best]))


def _run_settling(run: _Run, walkers: np.ndarray):
    """Walk each run's coldest replica of the smallest λ (``walkers[run]``) up the settling λ
    ladder at the coldest β: at each λ, segments of steps, 2·steps, 4·steps, … proposals, until a
    segment lowers its energy c + λ·ε by less than 1 (one unit of complexity) or SETTLE_MAX·steps
    are spent. Each λ starts from the previous one's program, so the front is followed to the
    capacity (deep levels of many rules need far more proposals than one tempering replica gets),
    and the programs passed on the way are the best-per-level records between the λ's ground
    states. (Restarting a λ from a tempering replica of lower energy there loses those: measured,
    it halved the steps matched on prefix-sorting bernoulli instances.) Returns (proposals,
    settled) per (run, λ) and whether the deadline stopped it."""
    plan, params, kernel = run.plan, run.params, run.kernel
    chains, lambdas, steps = len(walkers), plan.settle_lambdas, params.steps
    cur_c, cur_w = run.walkers
    stats = _stats(chains, 1, 1, len(cur_c), 1)
    used, settled = np.zeros((chains, len(lambdas)), np.int64), np.zeros((chains, len(lambdas)), bool)
    never = np.iinfo(np.int64).max
    tempering = kernel.loops.tempering
    run.report("settling", 0, chains * len(lambdas))
    for l, lam in enumerate(lambdas):
        lamw = lam / kernel.total
        ladder = Ladder(walkers.reshape(chains, 1, 1).copy(), plan.betas[-1:], np.array([lamw]),
                        len(plan.lambdas) + l)
        active, length = list(range(chains)), steps

        def alive(*_) -> None:  # a λ can take minutes: the count so far, repeated, in logs too
            run.report("settling", l * chains, chains * len(lambdas))

        while active:
            before = cur_c[walkers[active]] + lamw * cur_w[walkers[active]]
            sweeps = max(1, math.ceil(min(length, SETTLE_MAX * steps - used[active[0], l]) / MOVES_PER_EXCHANGE))

            def chunk(done: int, n: int) -> None:
                schedule = Sweeps(kernel.capacity, n, MOVES_PER_EXCHANGE, 0, never, 1)
                _parallel(run.threads, len(active), lambda i: tempering(run.state, run.rng, active[i], ladder,
                                                                        run.walkers, run.records, schedule, stats))

            if _chunks(sweeps, run.deadline, alive, "settling", chunk):
                return (used, settled), True
            used[active, l] += sweeps * MOVES_PER_EXCHANGE
            gain = before - (cur_c[walkers[active]] + lamw * cur_w[walkers[active]])
            settled[active, l] = gain < 1
            active = [c for c, g in zip(active, gain) if g >= 1 and used[c, l] < SETTLE_MAX * steps]
            length *= 2
        run.report("settling", (l + 1) * chains, chains * len(lambdas))
    return (used, settled), False


def _run_wang_landau(run: _Run):
    """Windowed Wang–Landau: run c's walkers are the replicas after the tempering grids, one per
    window, each making (steps · grid size) / windows proposals; the windows not yet in their 1/t
    phase then go on alone, for up to WL_EXTEND times as many (each stops as it gets there). Returns (the
    :class:`~phasediag.sampling.chains.WangLandau` record, whether the deadline stopped it)."""
    plan, params, kernel = run.plan, run.params, run.kernel
    chains, windows, cap, bins = params.chains, plan.windows, kernel.capacity, plan.bins
    n_w = len(windows)
    schedule = np.zeros((chains, n_w, 6))
    schedule[:, :, 0], schedule[:, :, 5] = 1.0, WL_FINAL_LN_F
    wl = WangLandau(plan.pt_replicas + np.arange(chains * n_w, dtype=np.int64).reshape(chains, n_w), windows,
                    plan.cells, np.zeros((chains, n_w, cap + 1, bins)), np.zeros((chains, n_w, cap + 1, bins), np.int64),
                    schedule, np.zeros((chains, max(n_w - 1, 1), 2), np.int64), cap, WL_FLATNESS, 10_000, WL_EXCHANGE_EVERY)
    wang_landau = kernel.loops.wang_landau
    per_step = max(len(plan.lambdas) * len(plan.betas), WL_STEPS_PER_CELL * (cap + 1) * bins // DEFAULT_STEPS)
    steps = params.steps * per_step

    def chunk(done: int, n: int) -> None:
        _parallel(run.threads, chains, lambda c: wang_landau(run.state, run.rng, c, run.walkers, run.records, wl, n))

    timed_out = _chunks(max(1, steps // n_w), run.deadline, run.report, "wang-landau", chunk)
    stop = wl.schedule[:, :, 5]

    def unsettled(done: int, n: int) -> None:
        stop[wl.schedule[:, :, 1] > 0] = np.inf  # a window in its 1/t phase stops
        chunk(done, n)

    if not timed_out and not (wl.schedule[:, :, 1] > 0).all():
        timed_out = _chunks(max(1, WL_EXTEND * steps // n_w), run.deadline, run.report, "wang-landau", unsettled)
        stop[:] = WL_FINAL_LN_F
    return wl, timed_out


# --- results -------------------------------------------------------------------------------------
def _recorded_front(records: Records) -> list[tuple[int, float, int, int]]:
    """The Pareto front of all runs' records: (complexity, wrong, found after, witness slot)."""
    front_c, front_w, front_t = records.complexity, records.wrong, records.found
    runs, lvs = np.nonzero(front_c < _NO_PROGRAM)
    order = np.lexsort((front_t[runs, lvs], front_w[runs, lvs], front_c[runs, lvs]))
    picked, best = [], np.inf
    for i in order:
        run, lv = runs[i], lvs[i]
        if front_w[run, lv] < best:
            best = front_w[run, lv]
            picked.append((int(front_c[run, lv]), float(front_w[run, lv]), int(front_t[run, lv]),
                           run * front_c.shape[1] + lv))
    return picked


def _front_steps(kernel, task, programs, st, picked, budgets, report, max_complexity=None, closing=None):
    """The steps of the front ``picked`` (:func:`_recorded_front`, witness slots or programs),
    witnesses re-scored exactly (listed tasks: every step; closed-form tasks: up to 64 spread
    steps, to relative 1e-9), closed at error 0 by ``closing``, the class's constructed program
    or a shrunk one, where that improves on it (:func:`~phasediag.front.closing_step`); a
    re-scored error-0 step that is smaller takes the closing step's proved lower bound."""
    closing = closing_step(task, programs, program=closing)
    if closing is not None:
        picked = closed(picked, (closing[0], 0.0, 0, closing[2]), max_complexity)
    if budgets:
        picked = answering(picked, budgets)
    total = task.total_weight
    listed = kernel.exact
    check = set(range(len(picked))) if listed else set(np.linspace(0, len(picked) - 1, min(64, len(picked))).astype(int))
    witnesses = []
    for i, (c, w, t, slot) in enumerate(picked):
        witness = slot if not isinstance(slot, (int, np.integer)) else kernel.witness(st, slot)
        if not isinstance(witness, Step) and programs.complexity(witness) != c:
            raise RuntimeError(f"sampler bug: a witness recorded at complexity {c} has {programs.complexity(witness)}")
        witnesses.append(witness)
        report("witnesses", i + 1, len(picked))
    # the closing step was checked when it was made; the rest in one pass (a class scores a
    # front by the changes from step to step where it can)
    rescored = [i for i in sorted(check) if not isinstance(witnesses[i], Step)]
    exact = dict(zip(rescored, programs.wrong_weights(task, [witnesses[i] for i in rescored])))
    steps, found = [], []
    for i, ((c, w, t, _), witness) in enumerate(zip(picked, witnesses)):
        found.append(t)
        if isinstance(witness, Step):
            steps.append(witness)
            continue
        if i in exact and abs(exact[i] - w) > (0.5 if listed else 1e-9 * total):
            raise RuntimeError(f"sampler bug: a witness scored {w} wrong re-evaluates to {exact[i]}")
        wrong = exact[i] if listed else None
        steps.append(Step(c, (wrong if wrong is not None else w) / total, wrong, total if listed else None,
                          "sampled", witness))
    if closing is not None and steps and steps[-1].wrong == 0 and steps[-1].status == "sampled":
        # a sampled error-0 step smaller than the closing one has the same proved lower bound
        lower = closing[2].complexity if closing[2].status == "optimal" else closing[2].lower_bound or 0
        steps[-1] = bounded(steps[-1], lower)
    return steps, found


def _runs_agree(records: Records, steps, total: float) -> float | None:
    """Fraction of the merged steps at which every run on its own reaches the same C(ε)
    (records are wrong weights in units of ``total``)."""
    front_c, front_w = records.complexity, records.wrong
    if not steps:
        return None
    agree = 0
    for s in steps:
        w = s.wrong if s.wrong is not None else s.error * total
        per_run = {int(np.min(np.where(front_w[run] <= w * (1 + 1e-12) + 1e-9, front_c[run], _NO_PROGRAM)))
                   for run in range(front_c.shape[0])}
        agree += per_run == {s.complexity}
    return agree / len(steps)


def _tempering_diagnostics(stats: TemperingStats, block_len: int, betas, lambdas) -> dict:
    accepted, tried, swap_acc, swap_try, trips = (stats.accepted, stats.tried, stats.swaps_accepted,
                                                  stats.swaps_tried, stats.round_trips)
    sum_h, sum_h2, n_h, blocks = stats.sum_h, stats.sum_h2, stats.samples, stats.blocks
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


def _wang_landau_diagnostics(wl: WangLandau, stitched, density) -> dict:
    """Per run and window: ln f, schedule phase, halvings, steps, visited cells and flatness;
    per run: windows joined into one ln g; swap rates between neighbouring windows."""
    ln_g, hist, schedule, swaps, windows = wl.ln_g, wl.hist, wl.schedule, wl.swaps, wl.windows
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
