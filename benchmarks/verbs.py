"""Verb conjugation at full size; prints timings and ratios measured in this run.

1. French (verbecc, 7,011 verbs, wordfreq weights): the exact suffix-rule front up to 200 rules by
   the tree DP, load time apart, and the same front by CP-SAT for as many steps as it proves in
   the same time budget (the baseline), with the two fronts checked equal where both exist.
2. Every verbecc language: lexicon load and the DP front up to 200 rules.

Run: python benchmarks/verbs.py
"""

from __future__ import annotations

from time import perf_counter

from phasediag import cpsat_diagram, dp_diagram, load_programs, load_task
from phasediag.tasks.verb_conjugation import LANGUAGES

suffix = load_programs("suffix-rules")
dp_diagram(load_task("verb-conjugation:source=synthetic,verbs=50"), suffix)  # compile the kernel outside the timings


def timed(fn, *args, **kwargs):
    start = perf_counter()
    out = fn(*args, **kwargs)
    return out, perf_counter() - start


print("== French, frequency weights: the front up to 200 rules ==")
french, t_load = timed(load_task, "verb-conjugation")
d, t_dp = timed(dp_diagram, french, suffix, max_complexity=200)
general, memorised = suffix.roles(french, d.steps[-1].witness)
print(f"load (verbecc XML + wordfreq): {t_load:.2f} s; DP + witnesses: {t_dp:.2f} s for {len(d.steps)} steps "
      f"(to c={d.steps[-1].complexity}, error {d.steps[-1].error:.3g}); last witness {general} general, "
      f"{memorised} memorised rules")
budget = 60.0
sat, t_sat = timed(cpsat_diagram, french, suffix, max_complexity=200, time_limit=budget)
proved = [s for s in sat.steps if s.status == "optimal"]
assert [(s.complexity, s.error) for s in proved] == [(s.complexity, s.error) for s in d.steps[:len(proved)]]
rate_dp, rate_sat = len(d.steps) / t_dp, max(len(proved), 1) / t_sat
print(f"CP-SAT ({sat.diagnostics['model_nodes']:,} trie nodes) in {budget:.0f} s: {len(proved)} steps proved, "
      f"equal to the DP's; steps per second DP {rate_dp:.1f} vs CP-SAT {'<' if not proved else ''}{rate_sat:.2f} "
      f"-> DP {'>' if not proved else ''}{rate_dp / rate_sat:,.0f}x faster")

print("\n== every verbecc language: the front up to 200 rules ==")
for language in LANGUAGES:
    task, t_load = timed(load_task, f"verb-conjugation:source={language}")
    d, t_dp = timed(dp_diagram, task, suffix, max_complexity=200)
    general, memorised = suffix.roles(task, d.steps[-1].witness)
    print(f"{language:<11} {task.n_inputs:>6,} verbs {len(task.labels):>4} templates: load {t_load:5.2f} s, "
          f"DP {t_dp:5.2f} s, error {d.steps[0].error:.3f} -> {d.steps[-1].error:.4f} at c={d.steps[-1].complexity} "
          f"({general} general, {memorised} memorised)")
