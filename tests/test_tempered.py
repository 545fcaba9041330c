"""The tempered samplers: sampled fronts against exact ones, Wang–Landau's ln g against exact
counts, parallel tempering against Wang–Landau, and the compare command's verdicts."""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest

from phasediag import views
from phasediag import exact_diagram, load_programs, load_task
from phasediag.compare import compare
from phasediag.diagram import PhaseDiagram, Step
from phasediag.errors import ParameterError
from phasediag.io import diagram_from_json, diagram_to_json
from phasediag.methods.tempered import sample_diagram
from phasediag.programs.circuits import Circuit, ordered_gate
from phasediag.analysis import transitions
from phasediag.sampling import DensityOfStates, split_rhat, stitch_windows, tempered_curves
from phasediag.streams import streams
from phasediag.programs.rules.moves import RuleKernel

SMALL = dict(steps=3000, betas=[0.2, 0.6, 2.0, 6.0], lambdas=None, seed=1)


def _c_of(diagram: PhaseDiagram, wrong: int, total: int) -> int | None:
    return min((s.complexity for s in diagram.steps if Fraction(s.wrong, s.total) <= Fraction(wrong, total)),
               default=None)


def _agreement(task, programs, cap, **options):
    exact = exact_diagram(task, programs, max_complexity=cap)
    sampled = sample_diagram(task, programs, max_complexity=cap, **{**SMALL, **options})
    below = [s.complexity for s in exact.steps if _c_of(sampled, s.wrong, s.total) < s.complexity]
    matched = sum(_c_of(sampled, s.wrong, s.total) == s.complexity for s in exact.steps) / len(exact.steps)
    return sampled, below, matched


def _longest_match(task, witness) -> np.ndarray:
    """Labels by brute force: each input takes the label of its longest matching rule."""
    rules = {task.parse_affix(a): task.labels.index(y) for a, y in witness.rules.items()}
    out = []
    for codes in task.table.codes:
        x = tuple(int(c) for c in codes if c >= 0)
        label = task.labels.index(witness.default)
        for d in range(1, len(x) + 1):
            label = rules.get(x[:d], label)
        out.append(label)
    return np.array(out)


@pytest.mark.parametrize("spec,cap", [
    ("prefix-sorting:n=3,length=4", 14),
    ("prefix-sorting:n=4,length=3,structure=bernoulli,rate=0.3", 12),
    ("prefix-sorting:n=5,length=3", 10),
    ("prefix-sorting:n=6,length=2,structure=bernoulli,rate=0.4", 10),
])
def test_sampled_rules_reach_the_exact_front(spec, cap):
    task = load_task(spec)
    rules = load_programs("prefix-rules")
    sampled, below, matched = _agreement(task, rules, cap)
    assert below == [], "a sampled step below a proved optimum"
    assert matched >= 0.95
    table = task.table
    for s in sampled.steps:
        assert s.status == "sampled" and len(s.witness) == s.complexity
        assert int(table.weights[_longest_match(task, s.witness) != table.labels].sum()) == s.wrong


@pytest.mark.parametrize("spec,basis", [
    ("boolean:family=majority,inputs=3", "b2"),
    ("boolean:family=random,inputs=3,seed=4", "aig"),
    ("boolean:family=random,inputs=4,seed=1", "b2"),
    ("boolean:family=random,inputs=4,seed=2", "b2"),
])
def test_sampled_circuits_reach_the_exact_front(spec, basis):
    task = load_task(spec)
    circuits = load_programs(f"circuits:basis={basis}")
    sampled, below, matched = _agreement(task, circuits, 10, steps=20_000, betas=None)
    assert below == []
    assert matched >= 0.95
    target, weights = views.boolean_encoding(task).target, views.boolean_encoding(task).weights
    for s in sampled.steps:
        circuits.check(s.witness)
        assert len(s.witness) == s.complexity
        assert int(weights[s.witness.output_codes() != target].sum()) == s.wrong


def _rule_lists(task, programs=None):
    """Every affix-rule list over the task's affixes, as (rules, wrong weight), by longest match:
    each affix has no rule or a rule with any label, the default any label. ``programs``
    (default prefix-rules) names the affixes: suffix-rules enumerate the reversed task's."""
    table = (programs.affix_task(task) if programs is not None else task).table
    inputs = [tuple(int(c) for c in codes if c >= 0) for codes in table.codes]
    affixes = sorted({x[:d] for x in inputs for d in range(1, len(x) + 1)})
    k = len(task.labels)
    for default in range(k):
        for choice in itertools.product((None, *range(k)), repeat=len(affixes)):
            rules = {a: y for a, y in zip(affixes, choice) if y is not None}
            wrong = 0
            for x, y, w in zip(inputs, table.labels, table.weights):
                got = default
                for d in range(1, len(x) + 1):
                    got = rules.get(x[:d], got)
                wrong += int(w) * (got != y)
            yield rules, wrong


def _exact_rule_counts(task, programs=None) -> Counter:
    """How many rule lists have each (rules, wrong weight)."""
    return Counter((len(rules), wrong) for rules, wrong in _rule_lists(task, programs))


def _exact_genotype_counts(task, funcs: tuple[int, ...], gates: int) -> Counter:
    """(active gates, wrong rows) of every CGP genotype with ``gates`` gates over two inputs."""
    m = views.boolean_encoding(task).inputs
    target = views.boolean_encoding(task).target
    gene_choices = [[(f, a, b) for f in funcs for a in range(m + g) for b in range(m + g) if a != b]
                    for g in range(gates)]
    counts = Counter()
    for genes in itertools.product(*gene_choices):
        for out in range(-1, m + gates):
            active, stack = set(), [out] if out >= m else []
            while stack:
                node = stack.pop()
                if node not in active:
                    active.add(node)
                    _, a, b = genes[node - m]
                    stack += [v for v in (a, b) if v >= m]
            new = {j: j for j in range(m)}
            kept = []
            for node in sorted(active):
                f, a, b = genes[node - m]
                kept.append(ordered_gate(f, new[a], new[b]))
                new[node] = m + len(kept) - 1
            circuit = Circuit(m, tuple(kept), (new[out] if out >= 0 else -1,), (False,))
            codes = circuit.output_codes()
            for neg in (0, 1):
                counts[len(kept), int(((codes ^ neg) != target).sum())] += 1
    return counts


def _rms_after_shift(estimate: DensityOfStates, exact: Counter) -> float:
    total = sum(exact.values())
    diffs = []
    for (c, wrong), count in exact.items():
        assert not math.isnan(estimate.ln_g[c, wrong]), f"cell {(c, wrong)} never visited"
        diffs.append(estimate.ln_g[c, wrong] - math.log(count))
    diffs = np.array(diffs)
    # the estimate is normalised to the class size; the shift left is the test's "additive constant"
    assert abs(np.log(np.exp(estimate.ln_g[np.isfinite(estimate.ln_g)]).sum()) - math.log(total)) < 1e-6
    return float(np.sqrt(np.mean((diffs - diffs.mean()) ** 2)))


def test_wang_landau_counts_rule_lists():
    task = load_task("prefix-sorting:n=2,length=2")
    d = sample_diagram(task, load_programs("prefix-rules"), sampler="wang-landau", steps=40_000, seed=3)
    density = DensityOfStates.from_json(d.diagnostics["density_of_states"])
    assert _rms_after_shift(density, _exact_rule_counts(task)) <= 0.05


def test_wang_landau_counts_circuit_genotypes():
    task = load_task("boolean:inputs=2,table=0x6")
    circuits = load_programs("circuits")
    d = sample_diagram(task, circuits, sampler="wang-landau", steps=40_000, max_complexity=2, seed=3)
    density = DensityOfStates.from_json(d.diagnostics["density_of_states"])
    exact = _exact_genotype_counts(task, circuits.basis.ops, 2)
    assert sum(exact.values()) == 20 * 60 * 5 * 2  # gene choices: 10·2, 10·6, outputs 5 × complement 2
    assert _rms_after_shift(density, exact) <= 0.05


def test_tempering_and_wang_landau_agree_with_exact_averages():
    """⟨H⟩ at each (β, λ) of the grid: measured by parallel tempering, and computed from Wang–
    Landau's ln g, both equal the exact Boltzmann average over every rule list."""
    task = load_task("prefix-sorting:n=2,length=2")
    counts = _exact_rule_counts(task)
    d = sample_diagram(task, load_programs("prefix-rules"), sampler="both", steps=40_000, seed=5,
                       betas=[0.3, 1.0, 3.0], lambdas=[1.0, 4.0])
    pt = d.diagnostics["tempering"]
    density = DensityOfStates.from_json(d.diagnostics["density_of_states"])
    for l, lam in enumerate(pt["lambdas"]):
        exact = []
        for beta in pt["betas"]:
            weights = {cell: n * math.exp(-beta * (cell[0] + lam * cell[1] / 4)) for cell, n in counts.items()}
            exact.append(sum(w * (c + lam * e / 4) for (c, e), w in weights.items()) / sum(weights.values()))
        curves = tempered_curves(density, pt["betas"], lam)
        from_density = [c + lam * e for c, e in zip(curves.mean_complexity, curves.mean_error)]
        assert np.allclose(pt["mean_energy"][l], exact, atol=0.06), (lam, pt["mean_energy"][l], exact)
        assert np.allclose(from_density, exact, atol=0.1), (lam, from_density, exact)
    assert pt["r_hat_max"] < 1.1


@pytest.mark.parametrize("spec,closed", [
    ("prefix-sorting:n=2,length=2", False),
    ("prefix-sorting:n=2,length=2", True),
    ("prefix-sorting:n=2,length=2,structure=bernoulli,rate=0.5,seed=3", False),
])
def test_rule_moves_sample_the_boltzmann_law(spec, closed):
    """Metropolis–Hastings over the rule moves puts a rule on each prefix as often as the exact
    Boltzmann law ∝ exp(−β(c + λw)) over all rule lists does: every proposal's Hastings ratio is
    right, for the listed law and for the closed form (whose prefix draws differ)."""
    task = load_task(spec)
    beta, lamw = 0.5, 0.5
    z, has_rule = 0.0, Counter()
    for rules, wrong in _rule_lists(task):
        p = math.exp(-beta * (len(rules) + lamw * wrong))
        z += p
        for prefix in rules:
            has_rule[prefix] += p
    kernel = RuleKernel(task, closed_form=closed)
    init, propose, commit, reject, _ = kernel.moves
    state, rng = kernel.allocate(1, 1), streams(7, 1)
    c, w = init(state, rng, 0)
    seen, steps = Counter(), 300_000
    draws = np.log(np.random.default_rng(0).random(steps))
    for step, lnu in enumerate(draws):
        status, dc, dw, logq = propose(state, rng, 0, beta, lamw, lnu, kernel.capacity)
        if status == 1 and lnu < -beta * (dc + lamw * dw) + logq:
            commit(state, rng, 0)
            c, w = c + dc, w + dw
        if step % 5 == 0:
            rows, n = state.rows[0], state.n_rules[0]
            for row in rows[:n]:
                seen[tuple(int(a) for a in row if a >= 0)] += 5 / steps
    gap = max(abs(seen[prefix] - p / z) for prefix, p in has_rule.items())
    assert gap < 0.03, {prefix: (round(seen[prefix], 3), round(p / z, 3)) for prefix, p in has_rule.items()}


def test_tempered_curves_of_a_two_level_system():
    """Two programs, (c=0, ε=1) and (c=1, ε=0): closed-form averages and heat capacity."""
    density = DensityOfStates(np.array([[np.nan, 0.0], [0.0, np.nan]]), np.array([0.0, 1.0]),
                              np.full((2, 2), np.nan))
    lam, betas = 3.0, [0.1, 0.5, 2.0]
    curves = tempered_curves(density, betas, lam)
    for beta, c, e, heat in zip(betas, curves.mean_complexity, curves.mean_error, curves.heat_capacity):
        p1 = 1 / (1 + math.exp(-beta * (lam - 1)))  # weight of the one-rule program (H = 1 vs λ)
        assert c == pytest.approx(p1) and e == pytest.approx(1 - p1)
        assert heat == pytest.approx(beta**2 * (lam - 1) ** 2 * p1 * (1 - p1))


def test_split_rhat():
    rng = np.random.default_rng(0)
    assert split_rhat(rng.normal(size=(4, 400))) == pytest.approx(1.0, abs=0.02)
    assert split_rhat(rng.normal(size=(4, 400)) + np.arange(4)[:, None]) > 1.5


def test_closed_form_scoring_matches_the_listed_task(rules):
    """The kernel's incremental error under the closed-form law equals exact re-scoring."""
    task = load_task("prefix-sorting:n=4,length=4")
    kernel = RuleKernel(task, 30, closed_form=True)
    assert not kernel.exact
    state = kernel.allocate(1, 1)
    init, propose, commit, reject, snapshot = kernel.moves
    rng = streams(2, 1)
    c, w = init(state, rng, 0)
    for step in range(4000):
        status, dc, dw, logq = propose(state, rng, 0, 0.0, 0.0, 0.0, 30)
        if status == 1 and (dw <= 0 or step % 2):
            commit(state, rng, 0)
            c, w = c + dc, w + dw
        if step % 400 == 0:
            snapshot(state, 0, 0)
            witness = kernel.witness(state, 0)
            assert len(witness) == c and rules.wrong_weight(task, witness) == w


def test_essay_scale_uses_the_exact_population_error():
    """n=100, length=10 (10^20 inputs): sampled steps never beat the exact DP, and the empty
    program's error is the closed form (1 − (1 − 2/n)^L)/2."""
    task = load_task("prefix-sorting:n=100,length=10")
    rules = load_programs("prefix-rules")
    d = sample_diagram(task, rules, max_complexity=101, steps=400, betas=[1.0, 5.0], lambdas=[1e3, 1e5], seed=0)
    assert d.steps[0].complexity == 0
    assert d.steps[0].error == pytest.approx((1 - 0.98**10) / 2, rel=1e-12)
    exact = exact_diagram(task, rules, max_complexity=101)
    for s in d.steps:
        assert s.error >= min(e.error for e in exact.steps if e.complexity <= s.complexity) * (1 - 1e-12)
    assert any(s.complexity == 1 for s in d.steps), "the level-1 rule is the first thing to learn"


def test_same_seed_same_diagram():
    task, circuits = load_task("boolean:family=majority,inputs=3"), load_programs("circuits")
    a, b = (sample_diagram(task, circuits, steps=500, seed=7, max_complexity=6) for _ in range(2))
    assert [(s.complexity, s.wrong) for s in a.steps] == [(s.complexity, s.wrong) for s in b.steps]
    assert a.diagnostics["found_after"] == b.diagnostics["found_after"]


def test_round_trip_keeps_the_density_and_curves():
    task = load_task("prefix-sorting:n=2,length=2")
    d = sample_diagram(task, load_programs("prefix-rules"), steps=500, seed=1)
    obj = json.loads(json.dumps(diagram_to_json(d), allow_nan=False))
    back = diagram_from_json(obj)
    assert back.diagnostics["density_of_states"] == d.diagnostics["density_of_states"]
    assert [(s.complexity, s.wrong, s.status) for s in back.steps] == [(s.complexity, s.wrong, s.status) for s in d.steps]


@pytest.mark.parametrize("options,message", [
    ({"betas": []}, "grid is empty"),
    ({"lambdas": [1.0, -2.0]}, "positive"),
    ({"betas": [0.0]}, "positive"),
    ({"steps": 0}, "at least 1"),
    ({"chains": 0}, "at least 1"),
    ({"max_complexity": 10**9}, "GiB"),
    ({"sampler": "gibbs"}, "Unknown sampler"),
    ({"windows": 0}, "windows must be at least 1"),
])
def test_bad_sampler_settings(options, message):
    with pytest.raises(ParameterError, match=message):
        sample_diagram(load_task("prefix-sorting:n=100,length=10"), load_programs("prefix-rules"), **options)


def test_compare_verdicts():
    task = load_task("prefix-sorting:n=3,length=3")
    exact = exact_diagram(task, load_programs("prefix-rules"))
    same = compare(exact, exact)
    assert same.matched == 1.0 and same.max_excess == 0 and not same.below
    # a "sampled" diagram that claims the last error one rule cheaper than proved possible
    last = exact.steps[-1]
    fake = PhaseDiagram(exact.task, exact.programs, exact.method,
                        [Step(s.complexity, s.error, s.wrong, s.total, "sampled", s.witness) for s in exact.steps[:-2]]
                        + [Step(last.complexity - 1, last.error, last.wrong, last.total, "sampled", last.witness)], 0.0)
    result = compare(exact, fake)
    assert [s.complexity for s in result.below] == [last.complexity]
    with pytest.raises(ParameterError, match="first diagram must be exact"):
        compare(fake, exact)  # arguments reversed
    assert result.steps[-2].verdict == "matched"  # reached by the cheaper step
    sparse = PhaseDiagram(exact.task, exact.programs, exact.method, [Step(
        s.complexity, s.error, s.wrong, s.total, "sampled", s.witness) for s in exact.steps[::2]], 0.0)
    gaps = compare(exact, sparse)
    assert gaps.max_excess == 1 and 0 < gaps.matched < 1 and not gaps.below


def _as_counts(density: DensityOfStates) -> dict:
    c, w = np.nonzero(np.isfinite(density.ln_g))
    return {(int(i), int(j)): round(math.exp(density.ln_g[i, j])) for i, j in zip(c, w)}


def test_exact_density_counts_every_rule_list(tmp_path):
    """The tree DP's counts equal brute force: prefix-sorting, and a weighted suffix-rule lexicon
    with three labels where 'b' is a prefix of 'bab' and a suffix of 'ab' (inputs end at inner affixes)."""
    from phasediag import exact_density

    rules = load_programs("prefix-rules")
    task = load_task("prefix-sorting:n=2,length=2")
    assert _as_counts(exact_density(task, rules)) == dict(_exact_rule_counts(task, rules))
    lexicon = tmp_path / "words.csv"
    lexicon.write_text("input,label,weight\nab,x,2\nb,y,3\nbab,z,1\n")
    words = load_task(f"verb-conjugation:source=file,lexicon={lexicon}")
    for programs in (rules, load_programs("suffix-rules")):
        assert _as_counts(exact_density(words, programs)) == dict(_exact_rule_counts(words, programs))


def test_wang_landau_matches_the_exact_density_beyond_brute_force():
    """n=3, length=2: 2·3^12 rule lists, counted by the tree DP, estimated by Wang–Landau."""
    from phasediag import exact_density

    task, rules = load_task("prefix-sorting:n=3,length=2"), load_programs("prefix-rules")
    exact = exact_density(task, rules)
    d = sample_diagram(task, rules, sampler="wang-landau", steps=40_000, seed=3)
    estimate = DensityOfStates.from_json(d.diagnostics["density_of_states"])
    assert estimate.ln_g.shape == exact.ln_g.shape
    assert np.array_equal(np.isfinite(estimate.ln_g), np.isfinite(exact.ln_g))
    diff = (estimate.ln_g - exact.ln_g)[np.isfinite(exact.ln_g)]
    assert np.sqrt(np.mean((diff - diff.mean()) ** 2)) <= 0.05


def test_exact_density_refuses_what_floats_cannot_hold():
    from phasediag.errors import TooLargeError
    from phasediag import exact_density

    with pytest.raises(TooLargeError, match="Use Wang–Landau"):
        exact_density(load_task("prefix-sorting:n=6,length=4"), load_programs("prefix-rules"))
    with pytest.raises(ParameterError, match="not circuits"):
        exact_density(load_task("boolean:inputs=2,table=0x6"), load_programs("circuits"))


@pytest.mark.parametrize("closed", [False, True])
def test_add_move_draws_prefixes_with_the_probability_its_hastings_ratio_uses(closed):
    """The add move's prefix draw (cut input, mixed and last-gain descents) against the
    probability q(u) its Hastings ratio uses: Σq = 1 over all prefixes, and 200,000 draws agree
    with q on every prefix within 4.5 standard errors."""
    kernel = RuleKernel(load_task("prefix-sorting:n=3,length=3"), closed_form=closed)
    law, cursor, length = kernel.law.data, np.zeros(2, np.uint64), kernel.length
    qaff, draw_affix = kernel.functions["_qaff"], kernel.functions["_draw_affix"]
    q = {}
    for depth in range(1, length + 1):
        for prefix in itertools.product(range(3), repeat=depth):
            row = np.full(length, -1, np.int16)
            row[:depth] = prefix
            q[prefix] = qaff(law, cursor, row, depth, length)
    assert math.isclose(sum(q.values()), 1.0, rel_tol=1e-12)
    rng, out, drawn, n = streams(5, 1), np.full(length, -1, np.int16), Counter(), 200_000
    for _ in range(n):
        depth = draw_affix(law, cursor, rng, 0, out, length)
        drawn[tuple(int(a) for a in out[:depth])] += 1
    assert set(drawn) <= set(q)
    assert max(abs(drawn[u] / n - p) / math.sqrt(p * (1 - p) / n) for u, p in q.items()) < 4.5


def test_windowed_wang_landau_matches_the_exact_density():
    """Replica exchange over four error windows: the stitched ln g equals the tree DP's count."""
    from phasediag import exact_density

    task, rules = load_task("prefix-sorting:n=3,length=2"), load_programs("prefix-rules")
    exact = exact_density(task, rules)
    d = sample_diagram(task, rules, sampler="wang-landau", steps=40_000, windows=4, seed=2)
    wl = d.diagnostics["wang_landau"]
    assert len(wl["windows"]) == 4 and wl["windows_joined"] == [4] * 4
    assert all(lo_next <= hi for (_, hi), (lo_next, _) in zip(wl["windows"], wl["windows"][1:]))  # they overlap
    assert all(rate > 0 for rate in wl["swap_rates"])
    estimate = DensityOfStates.from_json(d.diagnostics["density_of_states"])
    assert np.array_equal(np.isfinite(estimate.ln_g), np.isfinite(exact.ln_g))
    diff = (estimate.ln_g - exact.ln_g)[np.isfinite(exact.ln_g)]
    assert np.sqrt(np.mean((diff - diff.mean()) ** 2)) <= 0.05


def test_stitch_windows_recovers_ln_g_up_to_one_constant():
    """Windows of a known ln g, each shifted by its own constant and seeing only its error bins,
    stitch back to ln g plus one constant; a window sharing no cell with the others is left out."""
    rng = np.random.default_rng(0)
    truth = rng.normal(5.0, 3.0, (6, 10))
    windows = [(0, 3), (2, 6), (5, 9)]
    parts = np.zeros((4, 6, 10))
    for w, (lo, hi) in enumerate(windows):
        parts[w, :, lo:hi + 1] = truth[:, lo:hi + 1] + rng.normal(0, 50)
    parts[3, 0, 0] = 0.0  # window 3 saw nothing the others saw
    parts[3, 5, 9] = 0.0
    stitched, joined = stitch_windows(parts)
    assert joined == 3
    offset = stitched - truth
    assert np.allclose(offset, offset[0, 0])


def test_unconverged_wang_landau_is_said_loudly(tmp_path, capsys):
    """A budget too small for ln f ever to halve: the diagram says so, and so does the CLI."""
    from phasediag.cli import main

    task, rules = load_task("prefix-sorting:n=3,length=2"), load_programs("prefix-rules")
    d = sample_diagram(task, rules, sampler="wang-landau", steps=20, seed=0)
    assert d.diagnostics["wang_landau"]["converged"] == [False] * 4
    assert any("Wang–Landau did not converge" in w for w in d.diagnostics["warnings"])
    fine = sample_diagram(task, rules, sampler="wang-landau", steps=40_000, seed=0)
    assert all(fine.diagnostics["wang_landau"]["converged"]) and "warnings" not in fine.diagnostics
    out = tmp_path / "s.json"
    assert main(["compute", "prefix-sorting:n=3,length=2", "--method", "tempered", "--sampler", "wang-landau",
                 "--steps", "20", "--out", str(out)]) == 0
    assert "Wang–Landau did not converge" in " ".join(capsys.readouterr().out.split())


def test_settling_follows_the_front_through_three_levels():
    """prefix-sorting n=20, length=4: levels of 1, 20 and 400 exceptions. Tempering alone at this
    budget stops inside level 3 (about 10% of the exact steps); settling up the λ ladder reaches
    the exact front (DP) at ≥ 95% of its steps, never below, with transitions at 1, 21 and 421."""
    task, rules = load_task("prefix-sorting:n=20,length=4"), load_programs("prefix-rules")
    exact = exact_diagram(task, rules, max_complexity=500)
    sampled = sample_diagram(task, rules, chains=2, steps=2000, max_complexity=500, seed=1)
    reached = [_c_of(sampled, s.wrong, s.total) for s in exact.steps]
    assert all(c is not None and c >= s.complexity for c, s in zip(reached, exact.steps))
    assert sum(c == s.complexity for c, s in zip(reached, exact.steps)) >= 0.95 * len(exact.steps)
    assert [t.complexity for t in transitions(sampled)] == [1, 21, 421]


def test_a_default_cap_that_cuts_the_front_is_said():
    """12,719 prefixes and no --max-complexity: the rule sampler's default cap of 12,000 is
    applied and the diagram says so; with a cap given it does not."""
    task, rules = load_task("prefix-sorting:n=23,length=3"), load_programs("prefix-rules")
    quick = dict(steps=20, chains=1, sampler="tempering", settle=False, betas=[1.0], lambdas=[1.0])
    d = sample_diagram(task, rules, **quick)
    assert d.method.settings["max_complexity"] == 12_000
    assert any("capped rule lists at 12,000" in w for w in d.diagnostics["warnings"])
    assert "warnings" not in sample_diagram(task, rules, max_complexity=50, **quick).diagnostics


@pytest.mark.parametrize("seed,basis", [(1, "b2"), (2, "aig"), (3, "b2"), (4, "aig")])
def test_the_sampled_error_zero_step_carries_the_proved_bound(seed, basis):
    """On four inputs the cofactor bound is the exact b2 table, so the tempered front's error-0
    step, whoever found it, is labelled with a proved bound: in b2 the least size the enumerator
    proves (``optimal`` at it, else ``bounds`` from it), in aig at most that; never merely
    ``sampled``."""
    task = load_task(f"boolean:family=random,inputs=4,seed={seed}")
    circuits = load_programs(f"circuits:basis={basis}")
    least = exact_diagram(task, circuits).steps[-1]
    last = sample_diagram(task, circuits, steps=3000, seed=1).steps[-1]
    assert least.wrong == last.wrong == 0 and least.status == "optimal"
    proved = last.complexity if last.status == "optimal" else last.lower_bound
    assert last.status in ("optimal", "bounds") and least.complexity <= last.complexity
    assert proved == least.complexity if basis == "b2" else 0 < proved <= least.complexity
