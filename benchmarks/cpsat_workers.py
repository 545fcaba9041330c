"""CP-SAT settings for prefix-rule models: whole fronts on a fixed suite, per configuration.

Each front is walked as phasediag does (cumulative error budgets, complexity floor, warm start
from the previous witness); a front that does not finish within the cap is reported as such. The baseline is CP-SAT's own default for
this 2-core machine (2 workers); phasediag uses 1 worker with full linearization.

Run: python benchmarks/cpsat_workers.py [cap_seconds]
"""

from __future__ import annotations

import sys
from time import perf_counter

from ortools.sat.python import cp_model

from phasediag import load_task
from phasediag.programs.rules.cpsat import PORTFOLIO, RuleModel

CAP = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
SUITE = ["prefix-sorting:n=3,length=3", "prefix-sorting:n=4,length=3,structure=bernoulli,rate=0.4",
         "prefix-sorting:n=5,length=3", "prefix-sorting:n=3,length=4,structure=zipf,rate=0.8,seed=3",
         "prefix-sorting:n=4,length=4,structure=bernoulli,rate=0.3", "prefix-sorting:n=5,length=4"]
CONFIGS = {
    "CP-SAT default, 2 workers (baseline)": {"num_workers": 2},
    "core-based search, 1 worker": {"num_workers": 1, "optimize_with_core": True},
    "phasediag portfolio, 2 workers": {"num_workers": 2, "subsolvers": list(PORTFOLIO[:2])},
    "full linearization, 1 worker (phasediag)": {"num_workers": 1, "linearization_level": 2},
}


def front_seconds(spec: str, config: dict) -> float | None:
    task = load_task(spec)
    enc = RuleModel(task)
    enc.model.minimize((task.total_weight + 1) * enc.complexity + enc.wrong)
    solver = cp_model.CpSolver()
    for key, value in config.items():
        if key == "subsolvers":
            solver.parameters.subsolvers.extend(value)
        else:
            setattr(solver.parameters, key, value)
    budget, start = task.total_weight, perf_counter()
    while True:
        left = CAP - (perf_counter() - start)
        if left <= 0:
            return None
        solver.parameters.max_time_in_seconds = left
        enc.model.add(enc.wrong <= budget)
        if solver.solve(enc.model) != cp_model.OPTIMAL:
            return None
        c, w = solver.value(enc.complexity), solver.value(enc.wrong)
        if w == 0:
            return perf_counter() - start
        budget = w - 1
        enc.model.add(enc.complexity >= c + 1)
        enc.hint(enc.decode(solver))  # warm start, as phasediag does


baseline = {}
for name, config in CONFIGS.items():
    cells = []
    for spec in SUITE:
        t = front_seconds(spec, config)
        baseline.setdefault(spec, t)
        base = baseline[spec]
        ratio = ("" if t is None or t >= (base or CAP) else
                 f" (≥{CAP / t:,.0f}x baseline)" if base is None else f" ({base / t:,.0f}x baseline)")
        cells.append(f">{CAP:.0f} s" if t is None else f"{t:.2f} s{ratio}")
    print(f"{name:<42} " + " | ".join(cells), flush=True)
print("suite: " + " | ".join(SUITE))
