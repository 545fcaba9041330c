"""The time limit on functions of many inputs: tempered circuit fronts of 10–16-input functions.

    python benchmarks/many_inputs.py [--inputs 12 14 16] [--outputs 1 2] [--time 30] [--seeds 2]

For each size, seeded functions of two kinds: random truth tables (the worst case: the
Shannon construction has thousands of gates) and sums of 12 random cubes of 3–5 literals (what
extraction builds small). Each is given to the tempered sampler (``circuits:basis=aig``, default
settings) with ``--time``; the construction of the error-0 circuit may use a quarter of it
(the first construction is always finished). Printed per function: the wall time and its ratio
to the limit, the error-0 size and the proposals the sampler made; then the evaluation of the
error-0 circuit on every row, bit-parallel (as scoring does) against row arrays
(:meth:`~phasediag.programs.circuits.circuit.Circuit.node_tables`) in the same run; then the
worst and median time ratios.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path
from time import perf_counter

import numpy as np

from phasediag.methods import sample_diagram
from phasediag.programs import load_programs
from phasediag.programs.circuits import BASES
from phasediag.programs.circuits.construction import synthesise
from phasediag.tasks import load_task


def truth_file(folder: Path, name: str, m: int, k: int, kind: str, seed: int) -> Path:
    """A ``.truth`` file (one line per output, the leftmost character minterm 11…1) of k seeded
    functions of m inputs."""
    draw = np.random.default_rng(seed)
    rows = np.arange(1 << m)
    lines = []
    for _ in range(k):
        if kind == "random":
            values = draw.random(1 << m) < 0.5
        else:
            values = np.zeros(1 << m, dtype=bool)
            for _ in range(12):
                chosen = draw.choice(m, int(draw.integers(3, 6)), replace=False)
                polarity = draw.integers(0, 2, len(chosen))
                values |= (((rows[:, None] >> chosen) & 1) == polarity).all(axis=1)
        lines.append("".join("1" if v else "0" for v in values[::-1]))
    path = folder / f"{name}.truth"
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, nargs="+", default=[12, 14, 16])
    parser.add_argument("--outputs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--time", type=float, default=30.0, help="--time-limit per function (s)")
    parser.add_argument("--seeds", type=int, default=2, help="functions per size, kind and outputs")
    args = parser.parse_args()
    synthesise([0x6996_6996], 5, BASES["aig"])  # the four-input library, built once before the clock
    print(f"{'function':22} {'wall s':>7} {'/limit':>7} {'gates':>7} {'proposals':>10} "
          f"{'eval s':>7} {'rows s':>7} {'speed-up':>9}")
    ratios, speedups = [], []
    with tempfile.TemporaryDirectory() as folder:
        for m in args.inputs:
            for k in args.outputs:
                for kind in ("random", "cubes"):
                    for seed in range(args.seeds):
                        name = f"{kind}-{m}in-{k}out-s{seed}"
                        path = truth_file(Path(folder), name, m, k, kind, 1000 * m + 10 * k + seed)
                        programs = load_programs("circuits:basis=aig")
                        task = load_task(f"table:path={path}")
                        start = perf_counter()
                        front = sample_diagram(task, programs, time_limit=args.time)
                        wall = perf_counter() - start
                        circuit = front.steps[-1].witness
                        began = perf_counter()
                        fast = circuit.output_tables()
                        fast_s = perf_counter() - began
                        began = perf_counter()
                        values = circuit.node_tables()
                        slow = np.array([values[o] ^ n if o >= 0 else np.full(values.shape[1], n)
                                         for o, n in zip(circuit.outputs, circuit.negated)])
                        slow_s = perf_counter() - began
                        if not np.array_equal(fast, slow) or front.steps[-1].error != 0:
                            raise SystemExit(f"{name}: the error-0 circuit does not evaluate consistently")
                        ratios.append(wall / args.time)
                        speedups.append(slow_s / fast_s)
                        print(f"{name:22} {wall:7.1f} {wall / args.time:7.2f} {len(circuit):7} "
                              f"{front.diagnostics['proposals']:10} {fast_s:7.2f} {slow_s:7.2f} {slow_s / fast_s:9.1f}",
                              flush=True)
    print(f"time / limit: median {statistics.median(ratios):.2f}, worst {max(ratios):.2f}; "
          f"bit-parallel evaluation {statistics.median(speedups):.1f}x faster (median)")


if __name__ == "__main__":
    main()
