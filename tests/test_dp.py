import numpy as np
import pytest

from conftest import brute_force_front, closed_form_front
from phasediag import views
from phasediag.errors import TooLargeError
from phasediag.methods import dp_diagram, exact_diagram
from phasediag.programs.rules.dp import dag_front, maxplus, solve_dag
from phasediag.ruledag import rule_dag_from_trie
from phasediag.seeding import rng
from phasediag.tasks import load_task


def front(diagram):
    return [(s.complexity, s.wrong) for s in diagram.steps]


@pytest.mark.parametrize("n, length", [(3, 3), (3, 5), (4, 4), (5, 4), (6, 3), (7, 3), (2, 5)])
def test_closed_form_front(n, length, rules):
    """Level k costs n^(k-1) rules, each fixing (n-2)^(L-k) inputs; with levels ≤ K learned the
    error is (1 - (1 - 2/n)^(L-K)) / 2; for n = 3 every rule fixes one input (a straight line)."""
    d = dp_diagram(load_task(f"prefix-sorting:n={n},length={length},seed=3"), rules)
    assert front(d) == closed_form_front(n, length)
    if n >= 3:
        for K in range(length + 1):
            c = sum(n ** (k - 1) for k in range(1, K + 1))
            assert d.complexity_at((1 - (1 - 2 / n) ** (length - K)) / 2 + 1e-12) == c
    if n == 3:
        assert all(b[1] - a[1] == a[0] - b[0] for a, b in zip(front(d), front(d)[1:]))


def test_closed_form_at_essay_scale(rules):
    """n=100, length=10 (10^20 inputs), through the first two levels and part of the third:
    exact integer errors, every step proved."""
    d = dp_diagram(load_task("prefix-sorting:n=100,length=10"), rules, max_complexity=400)
    expected = [(c, w) for c, w in closed_form_front_prefix(100, 10, 400)]
    assert front(d) == expected
    assert d.all_optimal and d.steps[-1].total == 10**20


@pytest.mark.parametrize("n, length", [(2, 70), (3, 60), (7, 30)])
def test_exact_beyond_64_bits(n, length, rules):
    """Weights past 2^64 switch the DP to Python integers without losing a unit."""
    d = dp_diagram(load_task(f"prefix-sorting:n={n},length={length}"), rules, max_complexity=12)
    expected = [(c, w) for c, w in closed_form_front_prefix(n, length, 12)]
    if n == 2:  # only whole inputs fix anything: one per rule
        expected = [(c, 2 ** (length - 1) - c) for c in range(13)]
    assert front(d) == expected and d.steps[0].total == n**length


def closed_form_front_prefix(n, length, cap):
    wrong = (n**length - (n - 2) ** length) // 2
    yield 0, wrong
    c = 0
    for k in range(1, length + 1):
        for _ in range(n ** (k - 1)):
            c += 1
            if c > cap:
                return
            wrong -= (n - 2) ** (length - k)
            yield c, wrong


@pytest.mark.parametrize("spec", [
    "prefix-sorting:n=2,length=2", "prefix-sorting:n=3,length=2", "prefix-sorting:n=2,length=3",
    "prefix-sorting:n=3,length=2,structure=bernoulli,rate=0.5,seed=1",
    "prefix-sorting:n=3,length=2,structure=bernoulli,rate=0.5,seed=2",
    "prefix-sorting:n=2,length=3,structure=bernoulli,rate=0.4,seed=3",
    "prefix-sorting:n=2,length=3,structure=zipf,rate=0.9,seed=5",
])
def test_dp_equals_brute_force(spec, rules):
    task = load_task(spec)
    assert front(dp_diagram(task, rules)) == brute_force_front(task)


@pytest.mark.parametrize("n, length", [(3, 4), (5, 3), (4, 4)])
def test_closed_form_dag_equals_enumerated_trie(n, length):
    """The one-per-parent structure built from its law and the trie built from all inputs."""
    task = load_task(f"prefix-sorting:n={n},length={length},seed=4")
    a = dag_front(solve_dag(views.rule_dag(task), 10**6))
    trie_dag = rule_dag_from_trie(views.trie(task))
    b = dag_front(solve_dag(trie_dag, 10**6))
    assert [s[:2] for s in a] == [s[:2] for s in b]


@pytest.mark.parametrize("spec", ["prefix-sorting:n=4,length=4", "prefix-sorting:n=5,length=4,structure=bernoulli,rate=0.3",
                                  "prefix-sorting:n=3,length=5,structure=zipf,seed=8"])
def test_every_witness_re_evaluates(spec, rules):
    task = load_task(spec)
    d = dp_diagram(task, rules)
    labels = task.table.labels
    for s in d.steps:
        assert len(s.witness) == s.complexity
        assert int((rules.predict(task, s.witness) != labels).sum()) == s.wrong
        assert s.error == s.wrong / s.total and s.status == "optimal"


def test_cap_and_eps_select_the_same_steps(rules):
    task = load_task("prefix-sorting:n=5,length=4")
    full = dp_diagram(task, rules)
    capped = dp_diagram(task, rules, max_complexity=40)
    assert front(capped) == [p for p in front(full) if p[0] <= 40]
    targets = [0.3, 0.1, 0.0, 0.5]
    picked = dp_diagram(task, rules, eps=targets)
    assert sorted({full.complexity_at(e) for e in targets}) == [s.complexity for s in picked.steps]
    for e in targets:
        assert picked.complexity_at(e) == full.complexity_at(e)


def test_eps_on_a_huge_instance_grows_the_budget(rules):
    d = dp_diagram(load_task("prefix-sorting:n=100,length=10"), rules, eps=[0.07])
    full = closed_form_front_prefix(100, 10, 20_000)
    expected = next(c for c, w in full if w <= 7 * 10**18)
    assert [s.complexity for s in d.steps] == [expected]


def test_full_front_of_huge_instance_is_refused(rules):
    with pytest.raises(TooLargeError, match="--max-complexity"):
        exact_diagram(load_task("prefix-sorting:n=100,length=10"), rules)


def test_maxplus_matches_definition():
    generator = rng(5)
    for trial in range(200):
        la, lb = (int(x) for x in generator.integers(1, 9, 2))
        a = np.cumsum(generator.integers(0, 6, la))
        b = np.cumsum(generator.integers(0, 6, lb))
        if trial % 2:  # concave inputs take the merge path
            a = np.concatenate([[0], np.cumsum(np.sort(generator.integers(0, 9, la - 1))[::-1])]).astype(np.int64)
        cap = int(generator.integers(0, la + lb))
        c, share = maxplus(a, b, cap)
        assert len(c) == min(la + lb - 1, cap + 1)
        for t in range(len(c)):
            assert c[t] == max(a[i] + b[t - i] for i in range(la) if 0 <= t - i < lb)
            assert a[t - share[t]] + b[share[t]] == c[t]
        big, big_share = maxplus.py_func(a.astype(object) * 10**12, b.astype(object) * 10**12, cap)
        assert [x // 10**12 for x in big] == c.tolist()
