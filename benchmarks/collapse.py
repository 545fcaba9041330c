"""Infrared-collapse benchmark at the essay's scale: prefix-sorting n=100, length=10 (10^20
inputs) fitted on D = 10^5 draws by the exact DP.

    python benchmarks/collapse.py [--data D]

Prints the time to fit the train front and to score its programs' population errors, the
incremental scoring (one rule change per step) against scoring each program from scratch on the
same steps (the baseline, measured in this run on a spread subset and scaled), and where the train
front collapses: predicted (population-front efficiency 1/D) and measured (test error settles).
"""

from __future__ import annotations

import argparse
from time import perf_counter

import numpy as np

from phasediag import exact_diagram, load_programs, load_task
from phasediag.data import draw_sample, fit_on_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=int, default=100_000, help="training size D")
    args = parser.parse_args()
    task, rules = load_task("prefix-sorting:n=100,length=10"), load_programs("prefix-rules")

    t = perf_counter()
    sample = draw_sample(task, args.data)
    train = exact_diagram(sample, rules)
    fit_s = perf_counter() - t
    witnesses = [s.witness for s in train.steps]
    t = perf_counter()
    incremental = rules.wrong_weights(task, witnesses)
    incremental_s = perf_counter() - t
    subset = np.linspace(0, len(witnesses) - 1, 40).astype(int)
    t = perf_counter()
    scratch = [rules.wrong_weight(task, witnesses[i]) for i in subset]
    scratch_s = (perf_counter() - t) * len(witnesses) / len(subset)
    assert scratch == [incremental[i] for i in subset]

    t = perf_counter()
    d = fit_on_data(task, rules, lambda s, p: exact_diagram(s, rules, progress=p), size=args.data)
    total_s = perf_counter() - t
    c = d.data["collapse"]
    level_end = {k: (100**k - 1) // 99 for k in (1, 2, 3)}
    print(f"prefix-sorting n=100, length=10, D={args.data:,}: train front of {len(train.steps):,} steps")
    print(f"  fit (draw + exact DP on the sample)    {fit_s:8.2f} s")
    print(f"  test errors, incremental               {incremental_s:8.2f} s")
    print(f"  test errors, each from scratch (est.)  {scratch_s:8.2f} s   ratio {scratch_s / incremental_s:6.1f}x")
    print(f"  whole fit_on_data (+ population front) {total_s:8.2f} s")
    print(f"  collapse predicted at c={c['predicted_complexity']} (efficiency 1/D={c['efficiency']:.1e}), "
          f"measured at c={c['measured_complexity']} (test error {c['measured_test_error']:.6f}); "
          f"levels end at c={level_end[1]}, {level_end[2]}, {level_end[3]}")


if __name__ == "__main__":
    main()
