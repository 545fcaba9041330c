"""The tempered sampler on seeded instances nobody tuned it on (seeds below 100; the benchmark,
benchmarks/sampler_quality.py, uses 100 and up), against the exact fronts: with default settings
it matches at least 95% of the exact steps and never goes below one. Wang–Landau with default
settings reaches its 1/t phase and the exact density of states; where both samplers run, their
heat-capacity curves agree."""

from __future__ import annotations

import random

import numpy as np
import pytest

from phasediag import exact_density, exact_diagram, load_programs, load_task
from phasediag.compare import compare
from phasediag.methods.tempered import sample_diagram
from phasediag.sampling import DensityOfStates, tempered_curves


def _prefix_spec(seed: int) -> str:
    r = random.Random(seed)
    structure = r.choice(("bernoulli", "zipf"))
    extra = f",alpha={round(r.uniform(0.5, 2.0), 2)}" if structure == "zipf" else ""
    return (f"prefix-sorting:n=3,length={r.randint(3, 4)},structure={structure},rate={round(r.uniform(0.1, 0.5), 2)}"
            f"{extra},seed={seed}")


INSTANCES = [
    *[(_prefix_spec(seed), "prefix-rules") for seed in (11, 12, 13)],
    ("verb-conjugation:source=synthetic,verbs=120,classes=3,irregulars=12,zipf=1.0,seed=14", "suffix-rules"),
    ("boolean:family=random,inputs=4,seed=15", "circuits"),
]


@pytest.mark.parametrize("spec,class_name", INSTANCES)
def test_the_sampled_front_matches_the_exact_one(spec, class_name):
    """Default settings (tempering only: Wang–Landau does not change the front): ≥ 95% of the
    exact steps matched, none below."""
    task, programs = load_task(spec), load_programs(class_name)
    exact = exact_diagram(task, programs)
    judged = compare(exact, sample_diagram(task, programs, sampler="tempering", seed=7))
    assert not judged.below
    assert judged.matched >= 0.95, [(s.complexity, s.sampled) for s in judged.steps if s.verdict != "matched"]


def test_wang_landau_converges_on_the_exact_density_with_default_settings():
    """n=2, length=4: 31 rule counts × 17 wrong counts. Every run reaches its 1/t phase, no
    warning is given, and ln g is within 0.1 rms of the tree DP's count (constant fixed)."""
    task, rules = load_task("prefix-sorting:n=2,length=4"), load_programs("prefix-rules")
    d = sample_diagram(task, rules, sampler="wang-landau", seed=4)
    assert all(d.diagnostics["wang_landau"]["converged"]) and "warnings" not in d.diagnostics
    exact = exact_density(task, rules)
    estimate = DensityOfStates.from_json(d.diagnostics["density_of_states"])
    assert np.array_equal(np.isfinite(estimate.ln_g), np.isfinite(exact.ln_g))
    diff = (estimate.ln_g - exact.ln_g)[np.isfinite(exact.ln_g)]
    assert np.sqrt(np.mean((diff - diff.mean()) ** 2)) <= 0.1


def test_tempering_and_wang_landau_heat_capacities_agree():
    """Both samplers on one space: the heat capacity β²·Var(c + λε) measured by parallel
    tempering at each (β, λ) of its grid and the one computed from Wang–Landau's ln g agree
    within 10% of the curve's peak (and both match the exact density's)."""
    task, rules = load_task("prefix-sorting:n=2,length=4"), load_programs("prefix-rules")
    d = sample_diagram(task, rules, sampler="both", seed=6, betas=[0.3, 0.7, 1.5, 3.0], lambdas=[2.0, 8.0])
    assert all(d.diagnostics["wang_landau"]["converged"])
    pt = d.diagnostics["tempering"]
    density = DensityOfStates.from_json(d.diagnostics["density_of_states"])
    exact = exact_density(task, rules)
    for l, lam in enumerate(pt["lambdas"]):
        measured = np.array(pt["heat_capacity"][l])
        from_wl = np.array(tempered_curves(density, pt["betas"], lam).heat_capacity)
        truth = np.array(tempered_curves(exact, pt["betas"], lam).heat_capacity)
        scale = truth.max()
        assert np.abs(from_wl - truth).max() <= 0.1 * scale, (lam, from_wl, truth)
        assert np.abs(measured - truth).max() <= 0.1 * scale, (lam, measured, truth)
        assert np.abs(measured - from_wl).max() <= 0.1 * scale, (lam, measured, from_wl)
