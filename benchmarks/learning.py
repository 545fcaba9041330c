"""Learning functions of many inputs from a sample (the IWLS 2020 "learning from examples" set-up):
circuits fitted on D training rows, scored on fresh test rows.

Instances are generated from seeds: m ∈ {24, 32, 48, 64} uniform input bits and a hidden target of
few relevant inputs — a majority of 3, 5 or 7 of them, a random 3-term DNF, or a random function
of 4 of them (a junta) — so a small circuit generalises and a memorised one does not. For each:

- phasediag: the tempered circuit front (aig) on the training rows, default settings but for
  ``--time`` seconds, scored on the test rows; printed: the ε = 0 circuit's size and test error
  (what memorising every training row gives), and the least test error on the front with its size;
- baselines in the same run: scikit-learn's CART decision tree (fully grown; and the least test
  error over trees of 2..256 leaves, chosen the same way), and the constant (majority label).

Both "least test error" columns pick by the test set, so they compare the fronts, not a model
selection procedure. Also printed: the time per instance.

    python benchmarks/learning.py [--instances 8] [--first-seed 0] [--train 2000] [--test 10000] [--time 30]
"""

from __future__ import annotations

import argparse
import statistics
from time import perf_counter

import numpy as np

from phasediag import load_programs, sample_diagram
from phasediag.tasks import table_task

KINDS = ("majority", "dnf", "junta")


def target(seed: int):
    """(m, description, f) for instance ``seed``: f maps an (N, m) 0/1 array to N labels."""
    draw = np.random.default_rng(seed)
    m = int(draw.choice([24, 32, 48, 64]))
    kind = KINDS[seed % len(KINDS)]
    if kind == "majority":
        k = int(draw.choice([3, 5, 7]))
        chosen = draw.choice(m, size=k, replace=False)
        return m, f"majority of {k}", lambda x: (2 * x[:, chosen].sum(axis=1) > k).astype(int)
    if kind == "dnf":
        terms = [(draw.choice(m, size=int(draw.integers(2, 4)), replace=False), draw.integers(0, 2, 3)) for _ in range(3)]

        def dnf(x):
            out = np.zeros(len(x), dtype=bool)
            for variables, values in terms:
                out |= (x[:, variables] == values[: len(variables)]).all(axis=1)
            return out.astype(int)
        return m, "3-term DNF", dnf
    chosen, table = draw.choice(m, size=4, replace=False), draw.integers(0, 2, 16)
    return m, "4-input junta", lambda x: table[(x[:, chosen] << np.arange(3, -1, -1)).sum(axis=1)]


def rows(f, m: int, size: int, draw: np.random.Generator, distinct: bool):
    x = draw.integers(0, 2, size=(size, m))
    if distinct:
        x = np.unique(x, axis=0)
    return x, f(x)


def cart(x, y, xt, yt):
    """(test error, leaves) of the fully grown tree, and the least test error over 2..256 leaves."""
    try:
        from sklearn.tree import DecisionTreeClassifier
    except ImportError:
        return None
    full = DecisionTreeClassifier(random_state=0).fit(x, y)
    best = min((1 - DecisionTreeClassifier(max_leaf_nodes=n, random_state=0).fit(x, y).score(xt, yt), n)
               for n in (2, 4, 8, 16, 32, 64, 128, 256))
    return 1 - full.score(xt, yt), full.get_n_leaves(), best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=8)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--train", type=int, default=2000)
    parser.add_argument("--test", type=int, default=10_000)
    parser.add_argument("--time", type=float, default=30.0)
    args = parser.parse_args()
    circuits = load_programs("circuits:basis=aig")
    print(f"{'seed':>4} {'m':>3} {'target':<14} | {'ε=0 gates':>9} {'test':>6} | {'best test':>9} {'gates':>5} "
          f"{'time s':>6} | {'CART full':>9} {'leaves':>6} {'CART best':>9} {'leaves':>6} | {'constant':>8}")
    ours, trees, memo = [], [], []
    for seed in range(args.first_seed, args.first_seed + args.instances):
        m, name, f = target(seed)
        draw = np.random.default_rng(10_000 + seed)
        x, y = rows(f, m, args.train, draw, distinct=True)
        xt, yt = rows(f, m, args.test, draw, distinct=False)
        train = table_task(x.astype(np.uint8), y.astype(np.uint8)[:, None], name=f"train{seed}")
        start = perf_counter()
        diagram = sample_diagram(train, circuits, time_limit=args.time, seed=seed)
        elapsed = perf_counter() - start
        errors = [_test_error(s.witness, xt, yt) for s in diagram.steps]
        best = min(zip(errors, (s.complexity for s in diagram.steps)))
        last = diagram.steps[-1]
        constant = min(yt.mean(), 1 - yt.mean())
        tree = cart(x, y, xt, yt)
        tree_text = (f"{tree[0]:>9.4f} {tree[1]:>6} {tree[2][0]:>9.4f} {tree[2][1]:>6}" if tree else f"{'absent':>34}")
        print(f"{seed:>4} {m:>3} {name:<14} | {last.complexity:>9} {errors[-1]:>6.4f} | {best[0]:>9.4f} {best[1]:>5} "
              f"{elapsed:>6.1f} | {tree_text} | {constant:>8.4f}", flush=True)
        ours.append(best[0])
        memo.append(errors[-1])
        if tree:
            trees.append(tree[2][0])
    print(f"\nleast test error on the front: mean {statistics.mean(ours):.4f}, worst {max(ours):.4f}; "
          f"ε=0 circuit: mean {statistics.mean(memo):.4f}")
    if trees:
        wins = sum(a <= b + 1e-12 for a, b in zip(ours, trees))
        print(f"CART best: mean {statistics.mean(trees):.4f}, worst {max(trees):.4f}; phasediag at most CART's "
              f"on {wins} of {len(trees)}; ratio of means {statistics.mean(ours) / max(statistics.mean(trees), 1e-12):.2f}")


def _test_error(circuit, x, y) -> float:
    """Fraction of test rows the circuit gets wrong (evaluated on the rows' inputs)."""
    return float((circuit.output_codes(x.T.astype(np.uint8)) != y).mean())


if __name__ == "__main__":
    main()
