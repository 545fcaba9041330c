"""Circuit benchmarks: the four-input census, exact synthesis against cirbo, and how much of a
random five-input ε-diagram CP-SAT proves in a fixed time.

    python benchmarks/circuits.py [--cirbo-python PATH] [--limit SECONDS]

cirbo (PyPI) is run in its own interpreter so that its dependencies stay out of phasediag's:
``python3 -m venv /tmp/cirbo && /tmp/cirbo/bin/pip install cirbo`` and pass
``--cirbo-python /tmp/cirbo/bin/python``. Each cirbo instance asks CircuitFinderSat (basis
FULL = b2, its default SAT solver) for r = 0, 1, ... gates until a circuit exists, as ours does.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from time import perf_counter

import numpy as np

from phasediag.methods import synthesis_diagram
from phasediag.programs.circuits import enumeration as en
from phasediag.programs import load_programs
from phasediag.tasks.boolean import BooleanFunction, format_table

CIRBO = """
import sys
from cirbo.core.truth_table import TruthTableModel
from cirbo.synthesis.circuit_search import CircuitFinderSat, Basis
from cirbo.synthesis.exception import NoSolutionError
table = [int(c) for c in sys.argv[1]]
for r in range(0, 64):
    try:
        CircuitFinderSat(TruthTableModel([table]), r, basis=Basis.FULL).find_circuit()
        print(r)
        break
    except NoSolutionError:
        pass
"""


def census_figures() -> None:
    en.census(3)  # compile (cached on disk after the first run)
    en.cost_table.cache_clear()
    start = perf_counter()
    counts = en.census(4)
    ours = perf_counter() - start
    assert counts[0] == [10, 60, 456, 2474, 10624, 24184, 25008, 2720]
    # baseline: the same walk made exhaustive to 7 gates, without the composition step
    en.cost_table.cache_clear()
    start = perf_counter()
    table = en.cost_table(4, "b2", max_depth=7)
    baseline = perf_counter() - start
    print(f"census, four inputs, b2, all k: {ours:.2f} s end to end "
          f"(exhaustive to {en.cost_table(4).exhaustive_depth} gates + composition); "
          f"exhaustive walk to 7 gates: {baseline:.1f} s ({table.leaves:,} last gates) -> {baseline / ours:.0f}x")


def suite(seed: int = 2026) -> list[BooleanFunction]:
    rng = np.random.default_rng(seed)
    out = [BooleanFunction(family="majority", inputs=4), BooleanFunction(family="threshold", inputs=4, k=2)]
    out += [BooleanFunction(family="table", inputs=4, table=format_table(rng.integers(0, 2, 16).astype(bool)))
            for _ in range(2)]
    out += [BooleanFunction(family="table", inputs=5, table=format_table(rng.integers(0, 2, 32).astype(bool)))
            for _ in range(2)]
    return out


def against_cirbo(cirbo_python: str | None, limit: float) -> None:
    circuits = load_programs("circuits")
    ratios = []
    print(f"exact synthesis at eps = 0, b2, {limit:.0f} s per instance and tool:")
    for task in suite():
        start = perf_counter()
        d = synthesis_diagram(task, circuits, eps=[0], time_limit=limit)
        ours = perf_counter() - start
        # unfinished: every r below the last one tried was proved too small
        size = f"{d.steps[-1].complexity}" if d.complete else f">= {d.diagnostics['largest_model_gates']} (open)"
        line = f"  {task.spec:<45} ours {ours:7.2f} s, {size} gates"
        if cirbo_python:
            bits = "".join("1" if v else "0" for v in task.truth_table)
            start = perf_counter()
            try:
                out = subprocess.run([cirbo_python, "-c", CIRBO, bits], capture_output=True, text=True,
                                     timeout=limit, check=True).stdout.strip()
                theirs = perf_counter() - start
                line += f" | cirbo {theirs:7.2f} s, {out} gates -> ratio {ours / theirs:.2f}"
            except subprocess.TimeoutExpired:
                theirs = limit
                line += f" | cirbo > {limit:.0f} s (unfinished) -> ratio <= {ours / theirs:.2f}"
            ratios.append(ours / theirs)
        print(line, flush=True)
    if ratios:
        print(f"median time ratio ours/cirbo: {statistics.median(ratios):.2f} "
              f"({sum(r < 1 for r in ratios)} of {len(ratios)} instances faster)")


def five_input_diagram(limit: float) -> None:
    circuits = load_programs("circuits")
    rng = np.random.default_rng(5)
    for _ in range(2):
        task = BooleanFunction(family="table", inputs=5, table=format_table(rng.integers(0, 2, 32).astype(bool)))
        d = synthesis_diagram(task, circuits, time_limit=limit)
        proved = [s for s in d.steps if s.status == "optimal"]
        reached = d.steps[-1]
        print(f"  {task.spec}: in {limit:.0f} s, {len(proved)} of {len(d.steps)} steps proved, error "
              f"{reached.wrong}/32 reached with {reached.complexity} gates "
              f"({'whole front' if d.complete else 'front unfinished'}; {d.diagnostics['solves']} solves)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cirbo-python", default=None, help="a Python with cirbo installed")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per instance and tool")
    args = parser.parse_args()
    census_figures()
    against_cirbo(args.cirbo_python, args.limit)
    print(f"random five-input functions, whole eps-diagram by CP-SAT within {args.limit / 2:.0f} s:")
    five_input_diagram(args.limit / 2)


if __name__ == "__main__":
    sys.exit(main())
