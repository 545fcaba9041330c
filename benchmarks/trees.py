"""Decision trees against an optimal sparse-tree solver of the field (STreeD, PyPI ``pystreed``).

STreeD (task ``cost-complex-accuracy``) minimises errors/N + α·splits for one α at a time; its
optimum is a point of the lower convex hull of phasediag's exact front,
so at every α both must reach the same objective. For each seeded instance (random Boolean functions of 4 and 5 inputs,
listed prefix-sorting tasks with random exception rates) the script computes phasediag's exact
tree front once (``--method exact``), then STreeD at each α on the same binary features
(phasediag's conditions), and prints: how many (instance, α) pairs agree on the objective, the
time of phasediag's whole front, STreeD's summed over the α values, and their ratio (mean and
worst). Instances are drawn from seeds 100.. (none of them was used to tune anything). Then the
greedy tree that closes tempered fronts at error 0, against the least correct tree and CART
(scikit-learn, skipped when absent), as size ratios (mean and worst). Last, the pick of
``exact`` (the DP or CP-SAT, by counting the DP's sub-samples first) against the faster of the two
run by name on the same task, adding random 8-input functions and synthetic lexicons (few inputs,
many tests; seeds 310.., the pick's constants were measured on 300–304): the time ratio (mean and
worst; 1 = it picked the faster, with the count's cost included).

pystreed pins scikit-learn versions that clash with verbecc's, so run it in its own environment
with the repository on the path (the script skips STreeD with a note when it is not installed)::

    python3 -m venv /tmp/bench && /tmp/bench/bin/pip install pystreed numba ortools matplotlib click rich networkx dask distributed
    PYTHONPATH=. /tmp/bench/bin/python benchmarks/trees.py [--instances 20]
"""

from __future__ import annotations

import argparse
import statistics
import time


from phasediag import exact_diagram, load_programs, load_task
from phasediag.errors import TooLargeError
from phasediag.programs.trees.dp import dp_size, patterns
from phasediag.programs.trees.tree import conditions_of
from phasediag.seeding import rng

ALPHAS = (0.005, 0.01, 0.02, 0.04)


def families(instances: int) -> dict[str, list[str]]:
    draw = rng(100)
    out: dict[str, list[str]] = {"random 4-input": [], "random 5-input": [], "prefix-sorting bernoulli": []}
    for i in range(instances):
        out["random 4-input"].append(f"boolean:family=random,inputs=4,seed={100 + i}")
        out["random 5-input"].append(f"boolean:family=random,inputs=5,seed={100 + i}")
        n, length = int(draw.integers(2, 4)), int(draw.integers(2, 4))
        rate = round(float(draw.uniform(0.15, 0.6)), 2)
        out["prefix-sorting bernoulli"].append(
            f"prefix-sorting:n={n},length={length},structure=bernoulli,rate={rate},seed={100 + i}")
    return out


def streed(task, alpha: float):
    """STreeD's tree at α: (splits, wrong weight, seconds); None when pystreed is missing."""
    try:
        from pystreed import STreeDClassifier
    except ImportError:
        return None
    table = task.table
    x = conditions_of(task).passes.astype(int)
    depth = min(x.shape[1], 8)
    model = STreeDClassifier("cost-complex-accuracy", max_depth=depth, cost_complexity=alpha, time_limit=600)
    start = time.perf_counter()
    model.fit(x, table.labels)
    seconds = time.perf_counter() - start
    wrong = int(table.weights[model.predict(x) != table.labels].sum())
    splits = _splits(model)
    return splits, wrong, seconds


def _splits(model) -> int:
    """The number of branching nodes of a fitted STreeD tree."""
    return int(model.get_tree().get_num_branching_nodes())


def cart_splits(task) -> int | None:
    """Splits of scikit-learn's CART (entropy, grown until every leaf is pure) on the same binary
    features and weights; None when scikit-learn is missing."""
    try:
        from sklearn.tree import DecisionTreeClassifier
    except ImportError:
        return None
    table = task.table
    model = DecisionTreeClassifier(criterion="entropy", random_state=0)
    model.fit(conditions_of(task).passes, table.labels, sample_weight=table.weights)
    return int((model.tree_.node_count - 1) // 2)


def closing_trees(instances: int, trees) -> None:
    """The greedy tree that closes tempered fronts at error 0 (``Trees.correct_program``) against
    the least correct tree (the DP, where it fits) and CART grown to purity, on the same seeds
    and on random 8-input functions; every greedy tree re-scored at error 0."""
    cases = families(instances) | {"random 8-input": [f"boolean:family=random,inputs=8,seed={100 + i}"
                                                      for i in range(instances)]}
    print(f"\n{'error-0 tree, family':<26} {'greedy / least mean/worst':>26} {'greedy / CART mean/worst':>25}")
    for family, specs in cases.items():
        to_least, to_cart = [], []
        for spec in specs:
            task = load_task(spec)
            tree = trees.correct_program(task)
            assert trees.wrong_weight(task, tree) == 0
            size = max(1, trees.complexity(tree))
            if dp_size(task) is not None:
                to_least.append(size / max(1, exact_diagram(task, trees, eps=[0]).steps[-1].complexity))
            cart = cart_splits(task)
            if cart is not None:
                to_cart.append(size / max(1, cart))
        cells = [f"{statistics.mean(r):.3f}/{max(r):.3f}" if r else "-" for r in (to_least, to_cart)]
        print(f"{family:<26} {cells[0]:>26} {cells[1]:>25}")


def front_seconds(spec: str, trees, method: str) -> float:
    """Wall time of one exact front on a freshly loaded task (nothing cached from another run),
    infinite where the method refuses it; CP-SAT stops at 60 s (it is then not the faster)."""
    task = load_task(spec)
    options = {"time_limit": 60.0} if method == "cpsat" else {}
    start = time.perf_counter()
    try:
        exact_diagram(task, trees, method=method, **options)
    except TooLargeError:
        return float("inf")
    return time.perf_counter() - start


def picking(instances: int, trees) -> None:
    """``exact``'s time against the faster of ``dp`` and ``cpsat`` named, per family."""
    lexicons = {"20 verbs, 4 irregular": "verbs=20,irregulars=4", "20 verbs, 2 irregular": "verbs=20,irregulars=2",
                "20 verbs, 2 classes": "verbs=20,classes=2,irregulars=2",
                "30 verbs, 2 classes": "verbs=30,classes=2,irregulars=2"}
    cases = families(instances) | {
        "random 8-input": [f"boolean:family=random,inputs=8,seed={100 + i}" for i in range(instances)]} | {
        f"lexicon {name}": [f"verb-conjugation:source=synthetic,{spec},seed={310 + i}" for i in range(instances)]
        for name, spec in lexicons.items()}
    print(f"\n{'pick of exact, family':<30} {'picked dp/cpsat':>15} {'exact (s) mean/max':>19} "
          f"{'/ faster mean/worst':>20}")
    exact_diagram(load_task(cases["random 4-input"][0]), trees)  # imports and compiles once
    for family, specs in cases.items():
        times, ratios, picks = [], [], {"dp": 0, "cpsat": 0}
        for spec in specs:
            task = load_task(spec)
            start = time.perf_counter()
            picks[exact_diagram(task, trees).method.name] += 1
            times.append(time.perf_counter() - start)
            ratios.append(times[-1] / min(front_seconds(spec, trees, "dp"), front_seconds(spec, trees, "cpsat")))
        print(f"{family:<30} {picks['dp']:>7}/{picks['cpsat']:<7} {statistics.mean(times):>9.3f}/{max(times):<9.3f} "
              f"{statistics.mean(ratios):>9.2f}/{max(ratios):<9.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=20)
    parser.add_argument("--only-pick", action="store_true", help="run only the pick of exact")
    args = parser.parse_args()
    trees = load_programs("trees")
    if args.only_pick:
        picking(args.instances, trees)
        return
    print(f"{'family':<26} {'pairs':>5} {'equal':>5} {'ours (s) mean/max':>18} {'STreeD (s) mean/max':>20} "
          f"{'ratio mean/worst':>17}")
    for family, specs in families(args.instances).items():
        equal = pairs = 0
        ours, theirs, ratios = [], [], []
        for spec in specs:
            task = load_task(spec)
            start = time.perf_counter()
            front = exact_diagram(task, trees)
            ours.append(time.perf_counter() - start)
            spent = 0.0
            for alpha in ALPHAS:
                best = min(s.wrong / task.total_weight + alpha * s.complexity for s in front.steps)
                got = streed(task, alpha)
                if got is None:
                    continue
                splits, wrong, seconds = got
                spent += seconds
                pairs += 1
                equal += abs((wrong / task.total_weight + alpha * splits) - best) < 1e-9
            if spent:
                theirs.append(spent)
                ratios.append(ours[-1] / spent)
        if not theirs:
            print(f"{family:<26} ours {statistics.mean(ours):.3f}/{max(ours):.3f} s; pystreed not installed")
            continue
        print(f"{family:<26} {pairs:>5} {equal:>5} {statistics.mean(ours):>8.3f}/{max(ours):<8.3f} "
              f"{statistics.mean(theirs):>9.3f}/{max(theirs):<9.3f} {statistics.mean(ratios):>8.2f}/{max(ratios):<8.2f}")
    rows = [len(patterns(load_task(s))[1]) for s in families(args.instances)["prefix-sorting bernoulli"]]
    print(f"(prefix-sorting instances: {min(rows)}–{max(rows)} distinct inputs; ratio = ours / STreeD summed "
          f"over α = {', '.join(map(str, ALPHAS))}; < 1 means phasediag's whole front is faster)")
    closing_trees(args.instances, trees)
    picking(args.instances, trees)


if __name__ == "__main__":
    main()
