"""A sweep on a local Dask cluster against the same points computed one after another.

The grid: the six verbecc languages × two weightings, suffix-rule fronts to 200 rules by the DP
(12 diagrams). Baseline: every point computed in this process, in order. Then run_sweep on a
LocalCluster of 2 worker processes, cluster start-up and file writing included, and a rerun that
finds every point done. Ratios are against the baseline of this run.

Run: python benchmarks/sweep.py
"""

from __future__ import annotations

import os
import tempfile
from time import perf_counter

from phasediag.io import read_diagram
from phasediag.sweep import grid_from_toml, run_sweep
from phasediag.tasks.verb_conjugation import LANGUAGES

def main() -> None:
    grid = grid_from_toml({"task": {"family": "verb-conjugation", "source": list(LANGUAGES),
                                    "weights": ["frequency", "uniform"]},
                           "run": {"programs": "suffix-rules", "max_complexity": 200}})
    points = grid.points()
    points[0].compute()  # compile the DP kernel outside the timings

    start = perf_counter()
    serial = [p.compute() for p in points]
    t_serial = perf_counter() - start
    print(f"{len(points)} points one after another: {t_serial:.1f} s")

    with tempfile.TemporaryDirectory() as folder:
        start = perf_counter()
        report = run_sweep(grid, folder, workers=2)
        t_sweep = perf_counter() - start
        start = perf_counter()
        again = run_sweep(grid, folder)
        t_rerun = perf_counter() - start
        same = all([(s.complexity, s.wrong) for s in read_diagram(os.path.join(folder, p.file_name)).steps] ==
                   [(s.complexity, s.wrong) for s in d.steps] for p, d in zip(points, serial))
    print(f"run_sweep on a 2-worker LocalCluster: {t_sweep:.1f} s ({t_serial / t_sweep:.2f}× the serial run), "
          f"{report.computed} computed, fronts equal to the serial ones: {same}")
    print(f"rerun with every point done: {t_rerun:.2f} s ({again.done} skipped, {again.computed} computed)")


if __name__ == "__main__":  # the local cluster's worker processes import this module
    main()
