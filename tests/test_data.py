"""Finite training data: samples, train fronts optimal for the empirical error, test errors, and
the collapse point against the essay's law."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from conftest import brute_force_front
from phasediag import views
from phasediag import exact_diagram, load_programs, load_task, sample_diagram
from phasediag.cli import main
from phasediag.data import collapse_point, draw_sample, fit_on_data


def _fit(programs, **options):
    return lambda task, progress: exact_diagram(task, programs, progress=progress, **options)


def test_samples_with_and_without_replacement():
    task = load_task("prefix-sorting:n=3,length=4")
    table = {tuple(c): (y, w) for c, y, w in zip(task.table.codes.tolist(), task.table.labels, task.table.weights)}
    distinct = draw_sample(task, 50, seed=1)
    assert distinct.total_weight == 50 and len(distinct.table) == 50 and set(distinct.table.weights) == {1}
    repeated = draw_sample(task, 200, seed=1, replace=True)
    assert repeated.table.weights.sum() == 200 and len(repeated.table) < 200
    for sample in (distinct, repeated):
        for codes, label in zip(sample.table.codes.tolist(), sample.table.labels):
            assert table[tuple(codes)][0] == label
    assert (draw_sample(task, 50, seed=1).table.codes == distinct.table.codes).all()
    assert not (draw_sample(task, 50, seed=2).table.codes == distinct.table.codes).all()


def test_drawing_beyond_listing_labels_by_the_task_law():
    """n=100, length=10: drawn strings carry the label the closed form gives their prefix."""
    task = load_task("prefix-sorting:n=100,length=10")
    sample = draw_sample(task, 300, seed=4)
    assert len(sample.table) == 300
    for codes, label in zip(sample.table.codes[:40].tolist(), sample.table.labels[:40]):
        assert views.prefix_mass(task, tuple(codes))[label] == 1


def test_train_front_is_optimal_for_the_empirical_error(rules):
    """On a sample drawn with replacement (weights = multiplicities): DP = CP-SAT = brute force."""
    task = load_task("prefix-sorting:n=3,length=2,structure=bernoulli,rate=0.5")
    d = fit_on_data(task, rules, _fit(rules), size=12, seed=3, replace=True)
    sample = draw_sample(task, 12, seed=3, replace=True)
    front = [(s.complexity, s.wrong) for s in d.steps]
    assert front == brute_force_front(sample)
    cpsat = exact_diagram(sample, rules, method="cpsat")
    assert front == [(s.complexity, s.wrong) for s in cpsat.steps]
    assert all(s.total == 12 for s in d.steps)


def test_test_errors_are_population_errors(rules):
    task = load_task("prefix-sorting:n=4,length=4")
    d = fit_on_data(task, rules, _fit(rules), size=60, seed=0)
    assert d.data["test"] == "population"
    table = task.table
    for s in d.steps:
        wrong = table.weights[rules.predict(task, s.witness) != table.labels].sum()
        assert s.test_error == pytest.approx(wrong / table.weights.sum(), abs=1e-15)


def test_incremental_scoring_along_a_front_equals_the_dp(rules):
    """The population error of every step of the n=100 front, scored rule change by rule change."""
    task = load_task("prefix-sorting:n=100,length=10")
    exact = exact_diagram(task, rules, max_complexity=150)
    wrong = rules.wrong_weights(task, [s.witness for s in exact.steps])
    assert [w / task.total_weight for w in wrong] == pytest.approx([s.error for s in exact.steps], rel=1e-12)


@pytest.mark.parametrize("n,length,k", [(5, 5, 3), (5, 5, 4), (10, 4, 2), (10, 4, 3)])
def test_collapse_sits_at_the_level_whose_rules_cover_one_datapoint(rules, n, length, k):
    """D = n^k: level k's rules each cover n^-k = 1/D of the inputs, and the predicted collapse
    is within a factor of 2 of that level, which spans complexities ((n^(k-1)-1)/(n-1), (n^k-1)/(n-1)].
    (The law is approximate: a level-j rule buys n^-j·(1-2/n)^(L-j) of error, so with n = 5,
    L = 5 and D = 25 even level 1 buys less than one datapoint and the collapse comes first.)"""
    task = load_task(f"prefix-sorting:n={n},length={length}")
    size = n**k
    d = fit_on_data(task, rules, _fit(rules), size=size, seed=k)
    c = collapse_point(d)
    start, end = (n ** (k - 1) - 1) // (n - 1), (n**k - 1) // (n - 1)
    assert start / 2 <= c.predicted_complexity <= 2 * end, c
    assert c.efficiency == 1 / size
    assert d.data["collapse"]["predicted_complexity"] == c.predicted_complexity


def test_the_sampler_fits_data_too(rules):
    task = load_task("prefix-sorting:n=4,length=3")
    fit = lambda t, p: sample_diagram(t, rules, steps=2000, betas=[0.3, 1.0, 3.0], max_complexity=12, seed=1,  # noqa: E731
                                      progress=p)
    d = fit_on_data(task, rules, fit, size=30, seed=1)
    sample = draw_sample(task, 30, seed=1)
    dp = exact_diagram(sample, rules, max_complexity=12)
    for s in d.steps:  # sampled, but for the error-0 step of the least correct list: proved, the DP's
        assert s.test_error is not None
        assert s.wrong >= min(e.wrong for e in dp.steps if e.complexity <= s.complexity)
        assert s.status == "sampled" or (s.status, s.wrong, s.complexity) == ("optimal", 0, dp.steps[-1].complexity)
    assert dp.steps[-1].wrong == 0 and d.steps[-1].wrong == 0


def test_circuits_fit_on_data():
    """Undrawn rows are don't-cares: each train step's wrong count is over the drawn rows only,
    its test error the exact error over all 16 rows."""
    task, circuits = load_task("boolean:family=random,inputs=4,seed=3"), load_programs("circuits")
    d = fit_on_data(task, circuits, lambda t, p: exact_diagram(t, circuits, progress=p), size=8, seed=1)
    drawn = views.boolean_encoding(draw_sample(task, 8, seed=1))
    target = views.boolean_encoding(task).target
    assert d.data["population_front"] is not None and d.steps[-1].wrong == 0
    for s in d.steps:
        codes = s.witness.output_codes()
        assert s.wrong == int(drawn.weights[codes != target].sum())
        assert s.test_error == (codes != target).sum() / 16


def test_fresh_test_sample_when_the_population_is_unknown(rules):
    """bernoulli at 30^6 inputs has no closed form: test errors come from a fresh sample."""
    task = load_task("prefix-sorting:n=30,length=6,structure=bernoulli,rate=0.1")
    d = fit_on_data(task, rules, _fit(rules, max_complexity=20), size=400, seed=0, test_size=5000)
    assert d.data["test"] == "sample" and d.data["test_size"] == 5000
    assert d.data["population_front"] is None and d.data["collapse"]["predicted_complexity"] is None
    assert all(0 <= s.test_error <= 1 for s in d.steps)


def test_cli_data_and_collapse(tmp_path, capsys):
    out, png = tmp_path / "d.json", tmp_path / "d.png"
    assert main(["compute", "prefix-sorting:n=4,length=4", "--data", "64", "--data-seed", "2",
                 "--out", str(out), "--plot", str(png)]) == 0
    written = json.loads(out.read_text())
    assert written["data"]["size"] == 64 and written["data"]["seed"] == 2
    assert all(s["test_error"] is not None for s in written["steps"])
    assert "collapse: predicted" in capsys.readouterr().out
    fig, table = tmp_path / "c.png", tmp_path / "c.csv"
    assert main(["collapse", "prefix-sorting:n=4,length=4", "--data", "16,64", "--out", str(fig),
                 "--csv", str(table)]) == 0
    rows = list(csv.DictReader(table.open()))
    assert [int(r["D"]) for r in rows] == [16, 64] and fig.stat().st_size > 0


def test_exact_on_data_picks_the_method_for_the_sample(tmp_path):
    """Trees on thirty synthetic verbs: the population has more sub-samples than the DP takes
    (CP-SAT's), a sample of 12 fewer; compute, a fit as collapse makes it and a sweep point fit
    the sample with the DP, whose front is CP-SAT's on that sample."""
    from phasediag.methods import diagram_fit
    from phasediag.programs.trees.dp import dp_size
    from phasediag.sweep import grid_from_toml

    spec, trees = "verb-conjugation:source=synthetic,verbs=30,classes=2,irregulars=2,seed=20", load_programs("trees")
    task, sample = load_task(spec), draw_sample(load_task(spec), 12, seed=5)
    assert dp_size(task) is None and dp_size(sample) is not None
    out = tmp_path / "d.json"
    assert main(["compute", spec, "--programs", "trees", "--data", "12", "--data-seed", "5", "--out", str(out)]) == 0
    written = json.loads(out.read_text())
    assert written["method"]["name"] == "dp"
    expected = exact_diagram(sample, trees, method="cpsat")
    assert [(s["complexity"], s["wrong"]) for s in written["steps"]] == [(s.complexity, s.wrong) for s in expected.steps]
    fitted = fit_on_data(task, trees, diagram_fit(trees, "exact"), size=12, seed=5)
    assert fitted.method.name == "dp"
    point, = grid_from_toml({"task": {"family": "verb-conjugation", "source": "synthetic", "verbs": 30, "classes": 2,
                                      "irregulars": 2, "seed": 20},
                             "run": {"programs": "trees", "data": 12, "seed": 5}}).points()
    assert point.method == "exact" and point.compute().method.name == "dp"


def test_collapse_stops_at_a_ctrl_c_a_search_kept_what_it_found(tmp_path, capsys, monkeypatch):
    """CP-SAT and the sampler catch Ctrl-C and return what they found: collapse then runs no
    further training size, writes what it has, and says so with exit 3. A Ctrl-C comes here
    during the first fit and is caught inside it, as a search does."""
    import importlib
    import signal

    collapse = importlib.import_module("phasediag.cli.collapse")
    fits = []

    def fit_caught_ctrl_c(*args, **kwargs):
        fits.append(collapse.fit_on_data.__wrapped__(*args, **kwargs))
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            pass
        return fits[-1]

    fit_caught_ctrl_c.__wrapped__ = collapse.fit_on_data
    monkeypatch.setattr(collapse, "fit_on_data", fit_caught_ctrl_c)
    fig, table = tmp_path / "c.png", tmp_path / "c.csv"
    assert main(["collapse", "prefix-sorting:n=4,length=4", "--data", "16,32,64", "--out", str(fig),
                 "--csv", str(table)]) == 3
    assert len(fits) == 1 and [int(r["D"]) for r in csv.DictReader(table.open())] == [16] and fig.exists()
    err = capsys.readouterr().err
    assert "stopped early (Ctrl-C): the files written before hold D=16; 2 not run." in err
    assert main(["collapse", "prefix-sorting:n=4,length=4", "--data", "16", "--method", "dp", "--time-limit", "5",
                 "--out", str(fig)]) == 2
    assert "--time-limit does not apply to --method dp" in capsys.readouterr().err


@pytest.mark.parametrize("args,message", [
    (["--data", "0"], "at least one input"),
    (["--data", "-3"], "at least one input"),
    (["--data", "300"], "Cannot draw 300 distinct inputs"),
    (["--data", "20", "--test-size", "0"], "test sample needs at least one"),
    (["--test-size", "10"], "only applies with --data"),
])
def test_bad_data_options(tmp_path, capsys, args, message):
    out = tmp_path / "d.json"
    assert main(["compute", "prefix-sorting:n=4,length=4", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_collapse_of_a_diagram_without_data(rules):
    d = exact_diagram(load_task("prefix-sorting:n=3,length=2"), rules)
    with pytest.raises(Exception, match="not fitted on training data"):
        collapse_point(d)
    assert np.isfinite(d.steps[0].error)
