"""Tempered-sampler benchmarks: proposals per second per core for both program classes, against
the same chains run as plain Python; the default run at n=100, length=10 with and without
settling up the λ ladder (its level structure and time); and the best circuit found in equal
wall time against the PyPI package hal-cgp.

    python benchmarks/tempered.py [--hal-python PATH] [--seconds S] [--skip-large]

The plain-Python reference is *the same code* with Numba switched off (``NUMBA_DISABLE_JIT=1``,
in a subprocess), so both make the identical chain of proposals. hal-cgp is run in its own
interpreter: ``python3 -m venv /tmp/hal && /tmp/hal/bin/pip install --no-deps hal-cgp &&
/tmp/hal/bin/pip install numpy sympy`` (its pinned numpy 1.18 no longer builds), then pass
``--hal-python /tmp/hal/bin/python``. It evolves a CGP genome of the same size over the same ten
b2 gates with its (1+4) evolution strategy, fitness = −(100·wrong rows + active gates).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from time import perf_counter

from phasediag import views
from phasediag.analysis import transitions
from phasediag.methods.tempered import sample_diagram
from phasediag.programs import load_programs
from phasediag.tasks import load_task

CASES = [  # (label, task, program class, complexity cap)
    ("rules: prefix-sorting n=5, L=5", "prefix-sorting:n=5,length=5", "prefix-rules", 200),
    ("rules: prefix-sorting n=100, L=10 (closed form)", "prefix-sorting:n=100,length=10", "prefix-rules", 200),
    ("circuits: majority of 4 (16 rows)", "boolean:family=majority,inputs=4", "circuits", 20),
    ("circuits: parity of 10 (1,024 rows)", "boolean:family=parity,inputs=10", "circuits", 40),
]

RATE = """
import json, sys
from time import perf_counter
from phasediag.methods.tempered import sample_diagram
from phasediag.programs import load_programs
from phasediag.tasks import load_task
spec, programs, cap, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
task, klass = load_task(spec), load_programs(programs)
def run(steps):
    return sample_diagram(task, klass, sampler="tempering", chains=1, steps=steps, betas=[0.5, 2.0],
                          lambdas=[10.0, 1000.0], max_complexity=cap, seed=0)
run(10)  # compiles, or loads the compiled code from the cache: not part of the rate
t = perf_counter()
d = run(steps)
print(json.dumps([d.diagnostics["proposals"], perf_counter() - t]))
"""


def rate(spec: str, programs: str, cap: int, steps: int, jit: bool) -> float:
    """Proposals per second of one chain (one core), in a fresh interpreter."""
    env = dict(os.environ, NUMBA_DISABLE_JIT="0" if jit else "1", NUMBA_NUM_THREADS="1")
    run = [sys.executable, "-c", RATE, spec, programs, str(cap), str(steps)]
    if jit:  # fill the cache first, so that no run pays for compiling
        subprocess.run(run, env=env, check=True, capture_output=True)
    out = subprocess.run(run, env=env, check=True, capture_output=True, text=True).stdout
    proposals, seconds = json.loads(out.strip().splitlines()[-1])
    return proposals / seconds


HAL = r"""
import json, sys, time
import numpy as np
import cgp
from cgp.cartesian_graph import CartesianGraph

table, m, gates, seconds, seed = int(sys.argv[1], 16), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
rows = 1 << m
target = np.array([(table >> (rows - 1 - r)) & 1 for r in range(rows)])
inputs = [np.array([(r >> (m - 1 - j)) & 1 for r in range(rows)]) for j in range(m)]

def op(name, expr):
    return type(name, (cgp.OperatorNode,), {"_arity": 2, "_def_output": expr})

B2 = (op("And", "x_0 * x_1"), op("Or", "x_0 + x_1 - x_0 * x_1"), op("Xor", "x_0 + x_1 - 2 * x_0 * x_1"),
      op("Nand", "1 - x_0 * x_1"), op("Nor", "(1 - x_0) * (1 - x_1)"), op("Xnor", "1 - x_0 - x_1 + 2 * x_0 * x_1"),
      op("AndNot", "x_0 * (1 - x_1)"), op("NotAnd", "(1 - x_0) * x_1"), op("OrNot", "1 - (1 - x_0) * x_1"),
      op("NotOr", "1 - x_0 * (1 - x_1)"))  # exact on 0/1 (hal-cgp checks its nodes with floats)
best = {"gates": None, "evaluations": 0}

def active_gates(ind):
    graph = CartesianGraph(ind.genome)
    return sum(len(nodes) for col, nodes in graph._determine_active_nodes().items() if col >= 0 and col < gates)

def objective(ind):
    if not ind.fitness_is_None():
        return ind
    f = ind.to_func()
    out = np.rint([np.ravel(f(*map(float, row)))[0] for row in zip(*inputs)]).astype(np.int64)
    wrong = int((out != target).sum())
    size = active_gates(ind)
    ind.fitness = -(100.0 * wrong + size)
    best["evaluations"] += 1
    if wrong == 0 and (best["gates"] is None or size < best["gates"]):
        best["gates"] = size
    return ind

genome = dict(n_inputs=m, n_outputs=1, n_columns=gates, n_rows=1, levels_back=None, primitives=B2)
pop = cgp.Population(n_parents=1, seed=seed, genome_params=genome)
ea = cgp.ea.MuPlusLambda(n_offsprings=4, mutation_rate=0.1)
start = time.perf_counter()
ea.initialize_fitness_parents(pop, objective)
while time.perf_counter() - start < seconds:
    pop = ea.step(pop, objective)
print(json.dumps(best))
"""


def hal_best(python: str, table: str, m: int, gates: int, seconds: float, seed: int) -> dict:
    out = subprocess.run([python, "-c", HAL, table, str(m), str(gates), str(seconds), str(seed)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def ours_best(spec: str, gates: int, seconds: float, seed: int) -> dict:
    task, circuits = load_task(spec), load_programs("circuits")
    sample_diagram(task, circuits, steps=10, max_complexity=gates, seed=seed)  # compile or load the cache
    d = sample_diagram(task, circuits, steps=10**9, max_complexity=gates, seed=seed, time_limit=seconds)
    exact = [s.complexity for s in d.steps if s.wrong == 0]
    return {"gates": exact[0] if exact else None, "evaluations": d.diagnostics["proposals"]}


def large() -> None:
    """The README's n=100, length=10 command (default settings), with and without settling, against
    the exact level law: the error after the first K levels is (1 − (1 − 2/n)^(L−K))/2."""
    task, rules = load_task("prefix-sorting:n=100,length=10"), load_programs("prefix-rules")
    law = {c: (1 - (1 - 2 / 100) ** (10 - k)) / 2 for k, c in ((1, 1), (2, 101), (3, 10_101))}
    print("prefix-sorting n=100, length=10, default settings (2 threads); exact level law at c = 1, 101, 10101")
    for label, settle in (("tempering alone", False), ("tempering + settling", True)):
        t = perf_counter()
        d = sample_diagram(task, rules, settle=settle)
        seconds = perf_counter() - t
        at = {s.complexity: s.error for s in d.steps}
        levels = "  ".join(f"c={c}: {'-' if c not in at else f'{at[c] / e - 1:+.1e}'}" for c, e in law.items())
        print(f"  {label:22s} {seconds:6.1f} s  {d.diagnostics['proposals']:>11,} proposals  last step c="
              f"{d.steps[-1].complexity:<6d} transitions {[t.complexity for t in transitions(d)]}  "
              f"relative error excess at {levels}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hal-python", default=None, help="python of a venv with hal-cgp installed")
    parser.add_argument("--seconds", type=float, default=20.0, help="wall time per tool and function (hal-cgp part)")
    parser.add_argument("--skip-large", action="store_true", help="skip the n=100, length=10 runs (about 2 min)")
    args = parser.parse_args()

    print("proposals per second on one core (one chain, parallel tempering; reference = the same code "
          "with NUMBA_DISABLE_JIT=1)")
    for label, spec, programs, cap in CASES:
        fast = rate(spec, programs, cap, 500_000, jit=True)
        slow = rate(spec, programs, cap, 1_000, jit=False)
        print(f"  {label:48s} numba {fast:12,.0f}/s   python {slow:9,.0f}/s   ratio {fast / slow:7.0f}x")

    if not args.skip_large:
        large()
    if args.hal_python is None:
        print("hal-cgp comparison skipped (pass --hal-python)")
        return
    print(f"least gates of an exact circuit (error 0) found in {args.seconds:g} s, genome of 20 gates, 3 seeds")
    for name, spec in (("majority of 4", "boolean:family=majority,inputs=4"),
                       ("random 0x90be", "boolean:inputs=4,table=0x90be"),
                       ("random 0xc777", "boolean:inputs=4,table=0xc777")):
        bits = "".join(str(int(b)) for b in views.boolean_encoding(load_task(spec)).target)  # row 0 first (Knuth's order)
        table = hex(int(bits, 2))
        ours = [ours_best(spec, 20, args.seconds, seed) for seed in range(3)]
        hal = [hal_best(args.hal_python, table, 4, 20, args.seconds, seed) for seed in range(3)]
        print(f"  {name:16s} phasediag gates {[o['gates'] for o in ours]} ({ours[0]['evaluations']:,} proposals)   "
              f"hal-cgp gates {[h['gates'] for h in hal]} ({hal[0]['evaluations']:,} evaluations)")


if __name__ == "__main__":
    main()
