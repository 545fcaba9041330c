"""Decision trees: the DP, CP-SAT and brute force agree; witnesses re-evaluate; the sampler's
moves sample the Boltzmann law; files, drawings and the CLI."""

from __future__ import annotations

import csv
import itertools
import json
import math
from collections import Counter

import numpy as np
import pytest

from phasediag import views
from phasediag.cli import main
from phasediag.io import diagram_from_json, diagram_to_json
from phasediag.methods import exact_diagram
from phasediag.programs import load_programs
from phasediag.programs.trees import Leaf, Split, Condition
from phasediag.programs.trees.dp import patterns
from phasediag.programs.trees.moves import TreeKernel
from phasediag.programs.trees.tree import conditions_of, leaves
from phasediag.streams import streams
from phasediag.tasks import load_task


@pytest.fixture(scope="module")
def trees():
    return load_programs("trees")


def brute_force_front(task, max_splits: int) -> list[tuple[int, int]]:
    """Every tree up to ``max_splits`` splits, collapsed to the function it computes on the
    task's inputs (one label per input, written as a tuple), grown split by split from two trees
    and a test; the least wrong weight per number of splits, reduced to the Pareto steps."""
    table, conditions = task.table, conditions_of(task)
    labels = range(len(task.labels))
    by_size = [{tuple([y] * len(table)) for y in labels}]
    for c in range(1, max_splits + 1):
        made = set()
        for i in range(c):
            for a, b in itertools.product(by_size[i], by_size[c - 1 - i]):
                for column in conditions.passes.T:
                    made.add(tuple(np.where(column, b, a).tolist()))
        by_size.append(made)
    front, last = [], None
    for c, functions in enumerate(by_size):
        wrong = min(int(table.weights[np.array(f) != table.labels].sum()) for f in functions)
        if last is None or wrong < last:
            front.append((c, wrong))
            last = wrong
    return front


SMALL = ["boolean:family=majority,inputs=3", "boolean:family=parity,inputs=3", "boolean:table=0x8ff0,inputs=4",
         "boolean:family=random,inputs=3,seed=4", "boolean:family=random,inputs=4,seed=1",
         "prefix-sorting:n=3,length=2", "prefix-sorting:n=3,length=2,structure=bernoulli,rate=0.5,seed=2"]


@pytest.mark.parametrize("spec", SMALL)
def test_dp_equals_cpsat_equals_brute_force(trees, spec):
    task = load_task(spec)
    dp = exact_diagram(task, trees, method="dp")
    cap = 4 if views.boolean_encoding(task).inputs >= 4 else 6
    brute = brute_force_front(task, cap)
    assert [(s.complexity, s.wrong) for s in dp.steps if s.complexity <= cap] == brute
    cpsat = exact_diagram(task, trees, method="cpsat")
    assert [(s.complexity, s.wrong) for s in cpsat.steps] == [(s.complexity, s.wrong) for s in dp.steps]
    assert dp.all_optimal and cpsat.all_optimal
    for s in dp.steps + cpsat.steps:
        assert trees.complexity(s.witness) == s.complexity
        assert trees.wrong_weight(task, s.witness) == s.wrong


@pytest.mark.parametrize("spec", SMALL[2:5])
def test_cpsat_gives_the_dps_c_of_eps_at_every_target(trees, spec):
    """Targets from ε = 1 (a leaf does) down to 0: each answer's C(ε) is the DP's, and its
    witness re-evaluates to an error within the target (a feasibility model may count a row
    wrong that is not; the step is the program's own error)."""
    task = load_task(spec)
    eps = [1.0, 0.5, 0.3, 0.2, 0.1, 0.0]
    dp, cpsat = (exact_diagram(task, trees, method=m, eps=eps) for m in ("dp", "cpsat"))
    assert [s.complexity for s in cpsat.steps] == [s.complexity for s in dp.steps]
    for s in cpsat.steps:
        assert trees.wrong_weight(task, s.witness) == s.wrong and trees.complexity(s.witness) == s.complexity


def test_closed_forms(trees):
    """Parity of m bits: only a leaf at depth m is pure (any shallower leaf gets half of its
    2^(m−d) inputs wrong), so a tree of c splits, with at most c + 1 leaves, gets at least
    (2^m − c − 1)/2 wrong, and 0 needs the complete tree of 2^m − 1 splits. A single bit needs
    one split."""
    for m in (3, 4):
        d = exact_diagram(load_task(f"boolean:family=parity,inputs={m}"), trees)
        assert (d.steps[0].complexity, d.steps[0].wrong) == (0, 2 ** (m - 1))
        assert (d.steps[-1].complexity, d.steps[-1].wrong) == (2**m - 1, 0)
        assert all(2 * s.wrong >= 2**m - s.complexity - 1 for s in d.steps)
    d = exact_diagram(load_task("boolean:table=0x0f,inputs=3"), trees)  # x1 … x3 = 0x0f is ¬x1
    assert [(s.complexity, s.wrong) for s in d.steps] == [(0, 4), (1, 0)]


def test_suffix_positions_on_words(tmp_path, trees):
    """On inputs of different lengths, tests also count from the end: one split on the last
    letter sorts words by their ending."""
    lexicon = tmp_path / "words.csv"
    lexicon.write_text("input,label\nparler,er\naimer,er\nfinir,ir\nchoisir,ir\nvendre,re\n", encoding="utf-8")
    task = load_task(f"verb-conjugation:source=file,lexicon={lexicon}")
    assert any(t.position < 0 for t in conditions_of(task).conditions)
    d = exact_diagram(task, trees)
    assert [(s.complexity, s.wrong) for s in d.steps] == brute_force_front(task, 3)
    assert d.steps[-1].complexity == 2 and d.steps[-1].wrong == 0


def test_files_round_trip_and_describe(trees, tmp_path):
    task = load_task("prefix-sorting:n=3,length=2")
    d = exact_diagram(task, trees)
    back = diagram_from_json(json.loads(json.dumps(diagram_to_json(d))))
    assert back.programs == "trees"
    assert [s.witness for s in back.steps] == [s.witness for s in d.steps]
    tree = Split(Condition(2, "a"), Leaf("0"), Split(Condition(-1, "1"), Leaf("1"), Leaf("0")))
    assert trees.deserialise(trees.serialise(tree)) == tree
    assert trees.describe(tree) == ["if [2]=a:", "  if [-1]=1:", "    → 0", "  else:",
                                    "    → 1", "else:", "  → 0"]
    covered = trees.coverage(task, d.steps[-1].witness)
    assert sum(c.inputs for c in covered) == 9 and sum(c.weight for c in covered) == 9
    trees.draw(d.steps[-1].witness, tmp_path / "tree.png")
    assert (tmp_path / "tree.png").stat().st_size > 1000


def _all_trees(tests, labels, splits):
    if splits == 0:
        return [Leaf(y) for y in labels]
    out = []
    for i in range(splits):
        for a, b in itertools.product(_all_trees(tests, labels, i), _all_trees(tests, labels, splits - 1 - i)):
            out.extend(Split(t, a, b) for t in tests)
    return out


def test_tree_moves_sample_the_boltzmann_law(trees):
    """Metropolis–Hastings over grow, prune, change and relabel visits each number of splits as
    often as the exact Boltzmann law ∝ exp(−β(c + λw)) over every tree of ≤ 2 splits does."""
    task = load_task("boolean:table=0x6,inputs=2")
    beta, lamw = 0.7, 0.8
    kernel = TreeKernel(task, 2)
    law = Counter()
    for c in range(3):
        for tree in _all_trees(kernel.conditions, task.labels, c):
            law[c] += math.exp(-beta * (c + lamw * trees.wrong_weight(task, tree)))
    z = sum(law.values())
    init, propose, commit, reject, snapshot = kernel.moves
    state, rng = kernel.allocate(1, 1), streams(5, 1)
    c, w = init(state, rng, 0)
    seen, steps = Counter(), 200_000
    draws = np.log(np.random.default_rng(1).random(steps))
    for step, lnu in enumerate(draws):
        status, dc, dw, logq = propose(state, rng, 0, beta, lamw, lnu, 2)
        if status == 1 and lnu < -beta * (dc + lamw * dw) + logq:
            commit(state, rng, 0)
            c, w = c + dc, w + dw
        seen[c] += 1 / steps
        if step % 20_000 == 0:
            snapshot(state, 0, 0)
            tree = kernel.witness(state, 0)
            assert trees.complexity(tree) == c and trees.wrong_weight(task, tree) == w
    for k in range(3):
        assert seen[k] == pytest.approx(law[k] / z, abs=0.02), (dict(seen), {k: v / z for k, v in law.items()})


def test_sampled_front_never_beats_the_dp(trees):
    from phasediag import compare, sample_diagram

    task = load_task("boolean:table=0x8ff0,inputs=4")
    exact = exact_diagram(task, trees)
    sampled = sample_diagram(task, trees, steps=3000, seed=2)
    result = compare(exact, sampled)
    assert not result.below and result.matched == 1.0
    assert all(s.status == "sampled" for s in sampled.steps)


def test_cli_trees(tmp_path, capsys):
    out = tmp_path / "t.json"
    assert main(["compute", "boolean:family=majority,inputs=3", "--programs", "trees", "--out", str(out)]) == 0
    assert "5 steps" not in capsys.readouterr().out  # 4 steps: 0, 1, 3, 5 splits
    assert main(["show", str(out), "--out", str(tmp_path / "tree.png")]) == 0
    assert (tmp_path / "tree.png").exists()
    assert main(["show", str(out), "--out", str(tmp_path / "tree.csv")]) == 0
    with open(tmp_path / "tree.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    tree = diagram_from_json(json.loads(out.read_text()), "t").steps[-1].witness
    assert [(r["conditions"], r["label"]) for r in rows] == [
        (" and ".join(("" if ok else "not ") + c.written() for c, ok in path), label) for path, label in leaves(tree)]
    assert main(["compute", "boolean:family=majority,inputs=3", "--programs", "trees", "--method", "enumerate",
                 "--out", str(out)]) == 2
    assert "does not work on trees" in capsys.readouterr().err


def test_patterns_merge_inputs_with_the_same_answers():
    """Inputs that answer every test alike are one pattern, with their label weights summed."""
    task = load_task("prefix-sorting:n=3,length=3,structure=bernoulli,rate=0.3,seed=1")
    passes, weights = patterns(task)
    assert weights.sum() == task.total_weight
    assert len(np.unique(passes, axis=0)) == len(passes)


@pytest.mark.parametrize("spec", ["boolean:family=random,inputs=7,seed=3", "boolean:family=majority,inputs=5",
                                  "prefix-sorting:n=3,length=4,structure=bernoulli,rate=0.4,seed=2",
                                  "verb-conjugation:source=synthetic,verbs=300,irregulars=20,seed=1"])
def test_the_greedy_tree_is_correct_and_closes_a_sampled_front(trees, spec):
    """The constructed tree gives every input its label (re-evaluated leaf by leaf, independently
    of the class's scoring), is no smaller than the exact least correct tree where the DP runs,
    and closes at error 0 a sampled front of 50 steps."""
    from phasediag import sample_diagram

    task = load_task(spec)
    tree = trees.correct_program(task)
    codes, table = task.table.codes, task.table
    lengths = (codes >= 0).sum(axis=1)
    for path, label in leaves(tree):
        at = np.ones(len(codes), dtype=bool)
        for condition, passed in path:
            pos = condition.position
            index = pos - 1 if pos > 0 else lengths + pos
            ok = (index >= 0) & (index < lengths)
            letter = task.alphabet.index(condition.letter) if condition.letter in task.alphabet else -2
            hit = ok & (codes[np.arange(len(codes)), np.clip(index, 0, codes.shape[1] - 1)] == letter)
            at &= hit == passed
        assert (np.array(task.labels)[table.labels[at]] == label).all()
    if len(patterns(task)[1]) <= 64:
        least = exact_diagram(task, trees, eps=[0]).steps[-1].complexity
        assert trees.complexity(tree) >= least
    sampled = sample_diagram(task, trees, steps=50, chains=1, seed=0)
    end = sampled.steps[-1]
    assert end.error == 0 and end.status == "sampled" and end.complexity <= trees.complexity(tree)


@pytest.mark.parametrize("spec", ["verb-conjugation:source=synthetic,verbs=12,classes=2,irregulars=2,seed=4",
                                  "prefix-sorting:n=4,length=3,structure=bernoulli,rate=0.4,seed=2",
                                  "boolean:family=random,inputs=5,seed=8"])
def test_the_sub_sample_count_is_what_the_dp_memoises(trees, spec):
    """The breadth-first count that picks the method equals the sub-samples the DP solves, and
    a limit below it gives None."""
    from phasediag.programs.trees.dp import dp_size

    task = load_task(spec)
    solved = exact_diagram(task, trees, method="dp").diagnostics["sub_samples"]
    assert dp_size(task) == solved
    assert dp_size(task, solved - 1) is None


@pytest.mark.parametrize("spec", ["verb-conjugation:source=synthetic,verbs=12,irregulars=3,seed=4",
                                  "boolean:family=random,inputs=6,seed=2"])
def test_a_count_handed_on_to_the_dp_gives_its_diagram_and_is_let_go(trees, spec):
    """The pick counts the sub-samples and hands them on to the DP: the diagram is the one a
    fresh task gets (steps and witnesses), and the task holds no sub-samples afterwards."""
    from phasediag.programs.trees.dp import dp_size

    fresh = exact_diagram(load_task(spec), trees, method="dp")
    task = load_task(spec)
    assert dp_size(task) == fresh.diagnostics["sub_samples"]
    counted = exact_diagram(task, trees, method="dp")
    assert [(s.complexity, s.exact_error, str(s.witness)) for s in counted.steps] == \
        [(s.complexity, s.exact_error, str(s.witness)) for s in fresh.steps]
    assert views.take(task, "tree_sub_samples") is None


def test_the_pick_takes_fronts_of_thousands_of_splits(trees):
    """A random 12-input function's greedy tree has over a thousand splits, so CP-SAT's expected
    time, 3^(g − 4) × a constant, passes any float: the pick still answers (CP-SAT: the DP's
    sub-samples, at most 3^12, pass its limit for sets of 64 words)."""
    task = load_task("boolean:family=random,inputs=12,seed=1")
    assert trees.complexity(trees.correct_program(task)) > 700
    assert trees.fastest_exact(task) == "cpsat"


@pytest.mark.parametrize("inputs", [3, 5, 7])
def test_parity_has_three_to_the_m_sub_samples(trees, inputs):
    """On parity every set fixing some bits and leaving at least one free holds both labels, so
    splits reach every product of {0, 1, either} per bit: 3^m sub-samples (128 patterns take two
    64-bit words). A leaf is right on more than half its rows only when all m bits are fixed on
    its path, so the front starts (0, 2^(m−1)), then (m, 2^(m−1) − 1) (one path to depth m: two
    pure leaves), and ends at the complete tree, (2^m − 1, 0)."""
    from phasediag.programs.trees.dp import dp_size

    task = load_task(f"boolean:family=parity,inputs={inputs}")
    assert dp_size(task) == 3 ** inputs
    d = exact_diagram(task, trees, method="dp")
    assert d.diagnostics["sub_samples"] == 3 ** inputs
    front = [(s.complexity, s.wrong) for s in d.steps]
    assert front[:2] == [(0, 2 ** (inputs - 1)), (inputs, 2 ** (inputs - 1) - 1)]
    assert front[-1] == (2 ** inputs - 1, 0)


def test_exact_picks_cpsat_where_the_dp_would_pass_its_limit(trees, monkeypatch):
    """Thirty synthetic verbs have few inputs but many tests, so more sub-samples than the DP's
    limit: ``exact`` counts them first and runs CP-SAT, while a named ``dp`` refuses at the
    limit (lowered here to keep the test short)."""
    from phasediag.errors import TooLargeError
    from phasediag.programs.trees import dp

    task = load_task("verb-conjugation:source=synthetic,verbs=30,classes=2,irregulars=2,seed=20")
    assert len(dp.patterns(task)[1]) <= 64 and dp.dp_size(task) is None
    d = exact_diagram(task, trees)
    cpsat = exact_diagram(task, trees, method="cpsat")
    assert d.method.name == "cpsat" and d.all_optimal
    assert [(s.complexity, s.wrong) for s in d.steps] == [(s.complexity, s.wrong) for s in cpsat.steps]
    monkeypatch.setattr(dp, "STATE_LIMIT", 500)
    with pytest.raises(TooLargeError, match="would pass 500 sub-samples"):
        exact_diagram(task, trees, method="dp")
