"""Held-out quality of the tempered sampler: seeded instance families it was never tuned on, each
scored against an exact oracle, with two baselines run in the same process on the same moves.

Families (``--instances`` seeded instances each, seeds from ``--first-seed``; the test suite
uses seeds below 100, the benchmark 100 and up):

- ``prefix-bernoulli`` / ``prefix-zipf``: prefix-sorting, n in 3..6, length in 3..6 (at most
  ``MAX_INPUTS`` inputs), random rate (and α for zipf); prefix rules against the tree DP.
- ``verbs``: sub-lexicons of 200–1,000 verbs drawn from the verbecc languages, frequency or
  uniform weights; suffix rules against the DP. ``verbs-synthetic``: generated lexicons.
- ``circuits-4``: random four-input functions (b2), every k, against the enumerator.
- ``circuits-5``: random five-input functions (b2) against CP-SAT proofs (steps it proves within
  ``--proof-limit`` s; results cached in ``~/.cache/phasediag/oracles``).

Per family and method: share of exact steps matched (mean and worst instance), steps below the
exact front (must be 0), mean and worst complexity excess over matched-or-above steps, time per
instance. Methods: ``tempered`` (``sample_diagram`` with default settings), ``greedy`` (from the
kernel's initial program, the empty rule list or a random circuit genotype, commit the best of
GREEDY_DRAWS proposals — most wrong weight removed per unit of complexity — until none improves,
recording every program on the way) and ``annealing``
(plain simulated annealing at each λ of the sampler's default ladder, β geometric from hot to
cold, the sampler's proposal budget shared between the λ).

    python benchmarks/sampler_quality.py [--family NAME ...] [--instances 20] [--first-seed 100]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
from pathlib import Path
from time import perf_counter

import numpy as np

from phasediag import exact_diagram, load_programs, load_task
from phasediag.methods.tempered import BETA_HOT, MOVES_PER_EXCHANGE, SamplerParams, _plan, _start, _stats, \
    geometric, sample_diagram
from phasediag.sampling.chains import Ladder, Sweeps
from phasediag.tasks.table import table_task
from phasediag.tasks.verb_conjugation import LANGUAGES

MAX_INPUTS = 50_000
GREEDY_DRAWS = 400
CACHE = Path.home() / ".cache" / "phasediag" / "oracles"


# --- instance families ---------------------------------------------------------------------------
def prefix_instance(structure: str):
    def make(seed: int):
        r = random.Random(seed)
        while True:
            n, length = r.randint(3, 6), r.randint(3, 6)
            if n ** length <= MAX_INPUTS:
                break
        rate = round(r.uniform(0.1, 0.5), 2)
        extra = f",alpha={round(r.uniform(0.5, 2.0), 2)}" if structure == "zipf" else ""
        spec = f"prefix-sorting:n={n},length={length},structure={structure},rate={rate}{extra},seed={seed}"
        return spec, load_task(spec), "prefix-rules"
    return make


_LEXICONS: dict = {}


def verbs_instance(seed: int):
    r = random.Random(seed)
    language, weights = r.choice(sorted(LANGUAGES)), r.choice(("frequency", "uniform"))
    key = (language, weights)
    if key not in _LEXICONS:
        _LEXICONS[key] = load_task(f"verb-conjugation:source={language},weights={weights}").lexicon
    lex = _LEXICONS[key]
    size = r.randint(200, min(1000, len(lex.words)))
    pick = sorted(r.sample(range(len(lex.words)), size))
    task = table_task([lex.words[i] for i in pick], [lex.labels[i] for i in pick], [lex.weights[i] for i in pick],
                      name=f"{language}-{weights}-{size}-{seed}")
    return f"{language} {weights} {size} verbs (seed {seed})", task, "suffix-rules"


def synthetic_verbs_instance(seed: int):
    r = random.Random(seed)
    spec = (f"verb-conjugation:source=synthetic,verbs={r.randint(200, 1000)},classes={r.randint(2, 8)},"
            f"irregulars={r.randint(0, 100)},zipf={round(r.uniform(0, 1.5), 2)},seed={seed}")
    return spec, load_task(spec), "suffix-rules"


def circuit_instance(inputs: int):
    def make(seed: int):
        spec = f"boolean:family=random,inputs={inputs},seed={seed}"
        return spec, load_task(spec), "circuits"
    return make


FAMILIES = {
    "prefix-bernoulli": prefix_instance("bernoulli"),
    "prefix-zipf": prefix_instance("zipf"),
    "verbs": verbs_instance,
    "verbs-synthetic": synthetic_verbs_instance,
    "circuits-4": circuit_instance(4),
    "circuits-5": circuit_instance(5),
}


# --- the oracle ----------------------------------------------------------------------------------
def oracle(task, programs, proof_limit: float) -> list[tuple[int, int]]:
    """The exact front's proved steps (complexity, wrong weight), cached by task and class."""
    key = hashlib.sha256(f"{task.spec}|{programs.spec}|{task.total_weight}".encode()).hexdigest()[:20]
    path = CACHE / f"{key}.json"
    if path.exists():
        return [tuple(s) for s in json.loads(path.read_text())]
    five_input_circuits = programs.name == "circuits" and task.n_inputs == 32
    options = {"method": "cpsat", "time_limit": proof_limit} if five_input_circuits else {}
    d = exact_diagram(task, programs, **options)
    steps = [(s.complexity, wrong(s, task)) for s in d.steps if s.status == "optimal"]
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(steps))
    return steps


def wrong(step, task) -> float:
    """A step's wrong weight (from its error where the step does not state it)."""
    return step.wrong if step.wrong is not None else step.error * task.total_weight


def score(exact: list[tuple[int, int]], found: list[tuple[int, float]]) -> dict:
    """Matched share, steps below, and the complexity excess at each exact step."""
    excess, below = [], 0
    for c, w in exact:
        reach = [k for k, v in found if v <= w * (1 + 1e-12) + 1e-9]
        got = min(reach) if reach else None
        if got is not None and got < c:
            below += 1
        excess.append(None if got is None else got - c)
    known = [e for e in excess if e is not None]
    return {"matched": sum(e == 0 for e in excess) / max(1, len(exact)), "below": below,
            "missing": sum(e is None for e in excess), "mean_excess": float(np.mean(known)) if known else math.nan,
            "max_excess": max(known) if known else math.nan}


# --- the baselines -------------------------------------------------------------------------------
def greedy(task, programs, budget: int, seed: int) -> list[tuple[int, float]]:
    """Best-of-GREEDY_DRAWS descent from the kernel's initial program (see the module docstring)."""
    params = SamplerParams(sampler="tempering", chains=1, betas=[1.0], lambdas=[1.0], settle=False, seed=seed)
    kernel = programs.sampler(task, None)
    run = _start(kernel, params, _plan(kernel, task, params), None, lambda *a: None)
    st, rng, moves = run.state, run.rng, kernel.moves
    c, w = moves.init(st, rng, 0)  # not the sampler's seed (a correct circuit): it could only shrink
    c, w = int(c), float(w)
    found, used = [(c, w)], 0
    while used < budget:
        best, best_key = None, (0.0, 0.0)
        for _ in range(GREEDY_DRAWS):
            saved = rng[0].copy()
            status, dc, dw, _ = moves.propose(st, rng, 0, 0.0, 0.0, 0.0, kernel.capacity)
            used += 1
            if status != 0:
                moves.reject(st, rng, 0)
            if status == 1 and dw < 0:
                key = (1.0, -dw) if dc <= 0 else (0.0, -dw / dc)
                if key > best_key:
                    best, best_key = saved, key
        if best is None:
            break
        rng[0] = best
        status, dc, dw, _ = moves.propose(st, rng, 0, 0.0, 0.0, 0.0, kernel.capacity)
        moves.commit(st, rng, 0)
        c, w = c + int(dc), w + float(dw)
        found.append((c, w))
    return found


def annealing(task, programs, budget: int, seed: int) -> list[tuple[int, float]]:
    """Simulated annealing at each λ of the default ladder, budget/λ proposals each, β geometric
    from BETA_HOT to the kernel's coldest β in 32 stages; the best program per error level."""
    kernel = programs.sampler(task, None)
    lambdas = geometric(*kernel.lambda_range, 12)
    params = SamplerParams(sampler="tempering", chains=1, betas=[1.0], lambdas=lambdas, settle=False, seed=seed)
    plan = _plan(kernel, task, params)
    run = _start(kernel, params, plan, None, lambda *a: None)
    stages = 32
    sweeps = max(1, budget // (len(lambdas) * stages * MOVES_PER_EXCHANGE))
    where = np.arange(len(lambdas), dtype=np.int64).reshape(1, len(lambdas), 1)
    stats = _stats(1, len(lambdas), 1, len(lambdas), 1)
    for beta in geometric(BETA_HOT, kernel.beta_cold, stages):
        ladder = Ladder(where, np.array([beta]), np.array(lambdas) / kernel.total, 0)
        kernel.loops.tempering(run.state, run.rng, 0, ladder, run.walkers, run.records,
                               Sweeps(kernel.capacity, sweeps, MOVES_PER_EXCHANGE, 0, 1 << 62, 1), stats)
    rec = run.records
    keep = rec.complexity[0] < np.iinfo(np.int64).max
    return list(zip(rec.complexity[0][keep].tolist(), rec.wrong[0][keep].tolist()))


# --- the run -------------------------------------------------------------------------------------
METHODS = ("tempered", "greedy", "annealing")


def run_instance(make, seed: int, proof_limit: float) -> tuple[str, dict]:
    name, task, class_name = make(seed)
    programs = load_programs(class_name)
    exact = oracle(task, programs, proof_limit)
    out = {}
    t0 = perf_counter()
    sampled = sample_diagram(task, programs, seed=seed)
    out["tempered"] = dict(score(exact, [(s.complexity, wrong(s, task)) for s in sampled.steps]), time=perf_counter() - t0)
    budget = int(sampled.diagnostics["proposals"])
    for method, fn in (("greedy", greedy), ("annealing", annealing)):
        t0 = perf_counter()
        out[method] = dict(score(exact, fn(task, programs, budget, seed)), time=perf_counter() - t0)
    out["steps"] = len(exact)
    return name, out


def summary(rows: list[dict], method: str) -> str:
    m = [r[method] for r in rows]
    matched = [x["matched"] for x in m]
    excess = [x["mean_excess"] for x in m if math.isfinite(x["mean_excess"])]
    worst = [x["max_excess"] for x in m if math.isfinite(x["max_excess"])]
    times = [x["time"] for x in m]
    return (f"{method:<10} matched mean {np.mean(matched):6.1%} worst {min(matched):6.1%} | below "
            f"{sum(x['below'] for x in m)} | excess mean {np.mean(excess) if excess else math.nan:5.2f} worst "
            f"{max(worst) if worst else math.nan:3.0f} | instances >=95%: {sum(v >= 0.95 for v in matched)}/{len(m)} "
            f"| time mean {np.mean(times):5.1f} s worst {max(times):5.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", nargs="*", choices=list(FAMILIES), default=list(FAMILIES))
    parser.add_argument("--instances", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--proof-limit", type=float, default=300.0, help="CP-SAT seconds per five-input oracle")
    args = parser.parse_args()
    for family in args.family:
        print(f"== {family}: {args.instances} instances, seeds {args.first_seed}.. ==", flush=True)
        rows = []
        for seed in range(args.first_seed, args.first_seed + args.instances):
            name, out = run_instance(FAMILIES[family], seed, args.proof_limit)
            rows.append(out)
            t = out["tempered"]
            print(f"  {name}: {out['steps']} exact steps; tempered {t['matched']:.1%} (below {t['below']}, "
                  f"max excess {t['max_excess']}) in {t['time']:.1f} s; greedy {out['greedy']['matched']:.1%}; "
                  f"annealing {out['annealing']['matched']:.1%}", flush=True)
        for method in METHODS:
            print("  " + summary(rows, method), flush=True)


if __name__ == "__main__":
    main()
