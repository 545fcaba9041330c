"""The exact local sweeps of a sampled rule-list front (phasediag.programs.rules.polish): window
re-solves are the best placements of their rules (brute force), exchanges of a top rule with the
default are priced exactly and undone exactly, improved programs keep their size and re-score, by
the independent incremental scorer, to the wrong weight the sweeps claim, and a front sampled with
a tiny budget is swept onto the tree DP's."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from phasediag import exact_diagram, load_programs, load_task, views
from phasediag.compare import compare
from phasediag.methods.tempered import sample_diagram
from phasediag.programs.rules import polish
from phasediag.programs.rules.rulelist import RuleList

SPEC = "prefix-sorting:n=3,length=4,structure=bernoulli,rate=0.42,seed=5"


def _random_program(rng, n: int, k: int, rules: int) -> np.ndarray:
    lab = np.full(n, -1, np.int64)
    lab[0] = rng.integers(0, k)
    at = rng.choice(np.arange(1, n), rules, replace=False)
    lab[at] = rng.integers(0, k, rules)
    return lab


def _subtree(trie, u: int) -> list[int]:
    nodes = [u]
    for v in nodes:
        nodes.extend(trie.children(v))
    return nodes


def test_window_re_solves_are_the_best_placements_of_their_rules():
    """On windows of 13 nodes (depth-2 subtrees of n=3, length=4), every window's placement after
    _windows is the best of all placements of as many rules in it (enumerated), and the Δwrong
    it returns is the change of the exactly scored program."""
    task = load_task(SPEC)
    trie = views.trie(task)
    parent, mass, n, k = trie.parent, trie.mass, trie.n_nodes, trie.mass.shape[1]
    size = np.array([len(_subtree(trie, v)) for v in range(n)])
    width = 16
    scratch = polish.window_scratch(n, k, width, int(np.diff(trie.child_start).max()))
    x = np.zeros_like(mass)
    rng = np.random.default_rng(3)
    checked = 0
    for _ in range(60):
        lab = _random_program(rng, n, k, int(rng.integers(1, 8)))
        before = polish._score(parent, mass, lab, x)
        rules = int((lab >= 0).sum())
        dw = polish._windows(parent, trie.child_start, trie.own, size, lab, *scratch)
        assert polish._score(parent, mass, lab, x) == before + dw
        assert (lab >= 0).sum() == rules
        wrong = before + dw
        for u in range(1, n):
            if size[u] > width or (parent[u] != 0 and size[parent[u]] <= width):
                continue
            nodes = _subtree(trie, u)
            held = int((lab[nodes] >= 0).sum())
            if not 1 <= held <= 3:
                continue
            best = min(polish._score(parent, mass, _placed(lab, nodes, at, labels), x)
                       for at in itertools.combinations(nodes, held)
                       for labels in itertools.product(range(k), repeat=held))
            assert best >= wrong, (u, best, wrong)
            checked += 1
    assert checked > 20


def _placed(lab: np.ndarray, nodes: list[int], at, labels) -> np.ndarray:
    out = lab.copy()
    out[nodes] = -1
    out[list(at)] = labels
    return out


def test_an_exchange_of_a_top_rule_with_the_default_is_priced_exactly_and_undone():
    """_exchange on every top rule of random programs: the size holds (a rule deleted, one added),
    X kept incrementally is X rescored, the Δwrong it returns is the change of the exactly scored program, and deleting the
    added rule and putting the top rule back gives X back exactly (what _flip_default relies on)."""
    task = load_task(SPEC)
    trie = views.trie(task)
    parent, mass, n, k = trie.parent, trie.mass, trie.n_nodes, trie.mass.shape[1]
    x, above = np.zeros_like(mass), np.zeros(n, np.int64)
    rng = np.random.default_rng(5)
    checked = 0
    for _ in range(40):
        lab = _random_program(rng, n, k, int(rng.integers(2, 10)))
        before = polish._score(parent, mass, lab, x)
        saved_lab, saved_x = lab.copy(), x.copy()
        tops = [r for r in range(1, n) if lab[r] >= 0 and lab[r] != lab[0] and polish._above(parent, lab, r) == 0]
        for r in tops:
            y, rules = lab[r], (lab >= 0).sum()
            dw, a = polish._exchange(parent, lab, x, above, r)
            assert (lab >= 0).sum() == rules - (a < 0)
            moved = x.copy()
            assert polish._score(parent, mass, lab, x) == before + dw
            assert np.array_equal(x, moved)
            if a >= 0:
                polish._delete(parent, lab, x, a)
            polish._add(parent, lab, x, r, y)
            lab[:] = saved_lab
            assert np.array_equal(x, saved_x)
            checked += 1
    assert checked > 40


def test_swept_programs_keep_their_size_and_rescore_to_their_claim():
    """sweep_front on a front of random programs: each program it returns has the size it is
    filed under, its wrong weight by RuleScore (the incremental scorer the front's checks use,
    independent of the sweeps' trie arrays) is the one claimed, and it beats the program given."""
    task, rules = load_task(SPEC), load_programs("prefix-rules")
    trie = views.trie(task)
    n, k = trie.n_nodes, trie.mass.shape[1]
    rng = np.random.default_rng(8)
    x = np.zeros_like(trie.mass)
    front = {}
    for c in (3, 6, 9, 12):
        lab = _random_program(rng, n, k, c)
        front[c] = (int(polish._score(trie.parent, trie.mass, lab, x)), lab)
    improved = polish.sweep_front(trie, front, 20, lambda program, lab: lab.__setitem__(slice(None), program))
    assert improved
    for c, (wrong, (nodes, labels)) in improved.items():
        lab = np.full(n, -1, np.int64)
        lab[nodes] = labels
        assert (lab[1:] >= 0).sum() == c
        program = RuleList(task.labels[lab[0]], {task.render(trie.path(int(v))): task.labels[lab[v]]
                                                  for v in np.flatnonzero(lab[1:] >= 0) + 1})
        assert rules.wrong_weight(task, program) == wrong
        if c in front:
            assert wrong < front[c][0]


@pytest.mark.parametrize("spec", [
    "prefix-sorting:n=4,length=4,structure=bernoulli,rate=0.3,seed=21",
    "prefix-sorting:n=3,length=5,structure=zipf,rate=0.4,alpha=1.2,seed=22",
    # fronts that switch the default where the sampled one does not (13% and 8% without the switch)
    "prefix-sorting:n=3,length=4,structure=bernoulli,rate=0.4,seed=28",
    "prefix-sorting:n=4,length=4,structure=bernoulli,rate=0.27,seed=38",
])
def test_a_front_sampled_on_a_tiny_budget_is_swept_onto_the_exact_one(spec):
    """A few hundred proposals per replica leave the sampled records far from the DP's front;
    the sweeps bring ≥ 95% of its steps to the exact wrong weight, none below."""
    task, rules = load_task(spec), load_programs("prefix-rules")
    exact = exact_diagram(task, rules)
    judged = compare(exact, sample_diagram(task, rules, sampler="tempering", steps=200, chains=1, settle=False,
                                           seed=2))
    assert not judged.below
    assert judged.matched >= 0.95, [(s.complexity, s.sampled) for s in judged.steps if s.verdict != "matched"]
