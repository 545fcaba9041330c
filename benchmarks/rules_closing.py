"""The least correct rule list (small parsimony on the trie) against the tree DP's error-0 step,
on seeded instance families nobody tuned for: equal sizes (both exact), and the time of each,
measured in this run. Per family: mean and worst of the parsimony's time over the DP's.

Run: python benchmarks/rules_closing.py [--seeds 100:110]
"""

from __future__ import annotations

import argparse
from statistics import mean
from time import perf_counter

from phasediag import dp_diagram, load_programs, load_task
from phasediag.programs.rules.construction import least_correct_rules

FAMILIES = {
    "random 16-input function": "boolean:family=random,inputs=16,seed={seed}",
    "prefix-sorting n=6 L=6, Bernoulli exceptions": "prefix-sorting:n=6,length=6,structure=bernoulli,rate=0.3,seed={seed}",
    "synthetic verbs (20,000)": "verb-conjugation:source=synthetic,verbs=20000,seed={seed}",
}


def timed(fn, *args, **kwargs):
    began = perf_counter()
    out = fn(*args, **kwargs)
    return out, perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="100:110", help="seeds LO:HI (HI excluded)")
    lo, hi = map(int, parser.parse_args().seeds.split(":"))
    dp_diagram(load_task("prefix-sorting:n=3,length=2"), load_programs("prefix-rules"))  # compile outside timings
    print(f"{'family':46} {'class':12} {'rules (mean)':>12} {'equal':>6} {'parsimony s':>12} {'DP s':>8} "
          f"{'ratio mean':>10} {'worst':>6}")
    for family, spec in FAMILIES.items():
        for name in ("prefix-rules", "suffix-rules"):
            programs = load_programs(name)
            sizes, equal, ours, theirs = [], 0, [], []
            for seed in range(lo, hi):
                task = load_task(spec.format(seed=seed))
                least, t_least = timed(least_correct_rules, programs.affix_task(task))  # its trie included
                dp, t_dp = timed(dp_diagram, task, programs, eps=[0.0])
                sizes.append(len(least))
                equal += dp.steps[-1].error == 0 and dp.steps[-1].complexity == len(least)
                ours.append(t_least)
                theirs.append(t_dp)
            ratios = [a / b for a, b in zip(ours, theirs)]
            print(f"{family:46} {name:12} {mean(sizes):12.0f} {equal:>3}/{hi - lo:<2} {mean(ours):12.3f} "
                  f"{mean(theirs):8.3f} {mean(ratios):10.2f} {max(ratios):6.2f}")


if __name__ == "__main__":
    main()
