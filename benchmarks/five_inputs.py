"""Proving the least circuit of random five-input functions (ε = 0): phasediag's exact method
against cirbo (SAT, CaDiCaL) and ABC ``twoexact``, with the same time per function and tool.

Each tool proves C(f) by asking, for r = 1, 2, ..., whether r gates suffice, until one does
(the first yes is C(f); the no before it is the proof). Functions are seeded random truth tables
(seeds from ``--first-seed``); ``b2`` is every two-input gate, ``aig`` AND gates with free
complements (cirbo's AIG basis, ABC's ``twoexact -a``). Printed per function and basis: the size
each tool proved (``>r`` where it ran out of time after settling r − 1 gates) and its time; then
per tool how many it proved and the median time of those.

    python benchmarks/five_inputs.py [--functions 10] [--time 60] [--basis b2 aig]
        [--cirbo-python PATH] [--abc PATH]

cirbo needs python-sat, which the registry has only as pre-releases: install it into a separate
environment (``python -m venv /tmp/cirbo && /tmp/cirbo/bin/pip install --pre cirbo``) and give
``--cirbo-python /tmp/cirbo/bin/python``. A tool that is absent is skipped.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
from time import perf_counter

import numpy as np

from phasediag.programs.circuits import Circuits, synthesis_diagram
from phasediag.tasks.boolean import BooleanFunction, format_table

INPUTS = 5
CIRBO_BASES = {"b2": "FULL", "aig": "AIG"}
CIRBO = """
import sys, time
from cirbo.core.truth_table import TruthTableModel
from cirbo.synthesis.circuit_search import CircuitFinderSat, Basis
from cirbo.synthesis.exception import NoSolutionError, SolverTimeOutError
table, basis, limit = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
bits = [bool((table >> r) & 1) for r in range(32)]
start = time.perf_counter()
for r in range(1, 40):
    left = limit - (time.perf_counter() - start)
    if left < 1:
        print(f">{r - 1}"); break
    try:
        CircuitFinderSat(TruthTableModel([bits]), r, basis=Basis[basis]).find_circuit(time_limit=int(left))
        print(r); break
    except NoSolutionError:
        continue
    except SolverTimeOutError:
        print(f">{r - 1}"); break
"""


def function(seed: int) -> int:
    """A random five-input truth table (bit r = the value on row r), not constant."""
    rng = np.random.default_rng(seed)
    while True:
        table = int(rng.integers(1, (1 << 32) - 1, dtype=np.uint64))
        if table not in (0, (1 << 32) - 1):
            return table


def by_phasediag(table: int, basis: str, limit: float) -> str:
    bits = np.array([(table >> r) & 1 for r in range(1 << INPUTS)], dtype=bool)
    task = BooleanFunction(family="table", inputs=INPUTS, table=format_table(bits))
    step = synthesis_diagram(task, Circuits(basis=basis), eps=[0.0], time_limit=limit, workers=2).steps[-1]
    if step.status == "optimal" and step.wrong == 0:
        return str(step.complexity)
    return f">{(step.lower_bound or 1) - 1}"


def by_cirbo(python: str, table: int, basis: str, limit: float) -> str:
    out = subprocess.run([python, "-c", CIRBO, str(table), CIRBO_BASES[basis], str(limit)],
                         capture_output=True, text=True, timeout=limit * 2 + 60)
    return out.stdout.strip() or f"error: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else '?'}"


def by_abc(abc: str, table: int, basis: str, limit: float) -> str:
    start = perf_counter()
    for r in range(1, 40):
        left = limit - (perf_counter() - start)
        if left < 1:
            return f">{r - 1}"
        flags = "-a " if basis == "aig" else ""
        try:
            out = subprocess.run([abc, "-c", f"twoexact {flags}-I {INPUTS} -N {r} -T {int(left)} {table:08X}"],
                                 capture_output=True, text=True, timeout=left + 30).stdout
        except subprocess.TimeoutExpired:
            return f">{r - 1}"
        if "Realization of given" in out:
            return str(r)
        if "has no solution" not in out and "cannot be implemented" not in out:
            return f">{r - 1}"
    return "?"


def timed(fn, *args) -> tuple[str, float]:
    start = perf_counter()
    return fn(*args), perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--functions", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--time", type=float, default=60.0, help="seconds per function, basis and tool")
    parser.add_argument("--basis", nargs="*", default=["b2", "aig"], choices=list(CIRBO_BASES))
    parser.add_argument("--cirbo-python", default=sys.executable)
    parser.add_argument("--abc", default=shutil.which("berkeley-abc") or shutil.which("abc"))
    args = parser.parse_args()
    cirbo = subprocess.run([args.cirbo_python, "-c", "import cirbo"], capture_output=True).returncode == 0
    tools = {"phasediag": lambda t, b: timed(by_phasediag, t, b, args.time)}
    if cirbo:
        tools["cirbo"] = lambda t, b: timed(by_cirbo, args.cirbo_python, t, b, args.time)
    if args.abc:
        tools["abc"] = lambda t, b: timed(by_abc, args.abc, t, b, args.time)
    print(f"five-input functions, {args.time:g} s per function, basis and tool; tools: {', '.join(tools)}"
          + ("" if cirbo else " (cirbo not found: give --cirbo-python)"))
    print(f"{'function':>10} {'basis':>5} " + " ".join(f"{name:>16}" for name in tools))
    results = {(name, b): [] for name in tools for b in args.basis}
    for seed in range(args.first_seed, args.first_seed + args.functions):
        table = function(seed)
        for basis in args.basis:
            row = []
            for name, run in tools.items():
                size, took = run(table, basis)
                results[name, basis].append((size, took))
                row.append(f"{size:>6} {took:7.1f} s")
            agreed = {size for size, _ in (results[n, basis][-1] for n in tools) if size.isdigit()}
            print(f"{table:>10x} {basis:>5} " + " ".join(f"{cell:>16}" for cell in row)
                  + ("" if len(agreed) <= 1 else "   DISAGREE"), flush=True)
    for (name, basis), rows in results.items():
        proved = [took for size, took in rows if size.isdigit()]
        median = f"{statistics.median(proved):.1f} s" if proved else "-"
        print(f"{name:>10} {basis:>4}: proved {len(proved)}/{len(rows)}, median time of those {median}")


if __name__ == "__main__":
    main()
