import pytest

from phasediag import views
from phasediag.errors import TooLargeError
from phasediag.seeding import hash_extend, hash_root
from phasediag.tasks import load_task


def exceptional_prefixes(task):
    """All exceptional prefixes, recomputed from the definition, prefix by prefix."""
    out = set()
    frontier = [((), hash_root(task.params["seed"]))]
    for depth in range(1, task.length + 1):
        nxt = []
        for prefix, h in frontier:
            for a in range(task.n):
                if task.exceptional(h, a, depth)[0]:
                    out.add(prefix + (a,))
                nxt.append((prefix + (a,), hash_extend(h, a)))
        frontier = nxt
    return out


@pytest.mark.parametrize("n, length", [(2, 4), (3, 3), (5, 3), (6, 2)])
def test_one_per_parent_counts(n, length):
    task = load_task(f"prefix-sorting:n={n},length={length},seed=7")
    exceptions = exceptional_prefixes(task)
    for k in range(1, length + 1):
        level = [e for e in exceptions if len(e) == k]
        assert len(level) == n ** (k - 1)  # exactly one per parent
        assert len({e[:-1] for e in level}) == n ** (k - 1)
    assert len(exceptions) == (n**length - 1) // (n - 1)


@pytest.mark.parametrize("spec", [
    "prefix-sorting:n=3,length=4", "prefix-sorting:n=4,length=3,structure=bernoulli,rate=0.3,seed=2",
    "prefix-sorting:n=3,length=4,structure=zipf,rate=0.9,alpha=1.5,seed=1"])
def test_labels_are_parity_of_exceptional_prefixes(spec):
    task = load_task(spec)
    exceptions = exceptional_prefixes(task)
    table = task.table
    assert len(table) == task.n_inputs == task.n**task.length
    for codes, label in zip(table.codes.tolist(), table.labels.tolist()):
        assert label == sum(tuple(codes[:k]) in exceptions for k in range(1, task.length + 1)) % 2


def test_bernoulli_and_zipf_rates():
    bern = exceptional_prefixes(load_task("prefix-sorting:n=6,length=4,structure=bernoulli,rate=0.3,seed=3"))
    zipf = exceptional_prefixes(load_task("prefix-sorting:n=6,length=4,structure=zipf,rate=0.8,alpha=1,seed=3"))
    for k in range(2, 5):  # levels with ≥ 36 prefixes: within 5 standard deviations
        total = 6**k
        for found, q in ((sum(len(e) == k for e in bern), 0.3), (sum(len(e) == k for e in zipf), 0.8 / k)):
            assert abs(found - q * total) <= 5 * (q * (1 - q) * total) ** 0.5


def test_seed_changes_structure():
    a = load_task("prefix-sorting:n=4,length=3,seed=1").table.labels
    b = load_task("prefix-sorting:n=4,length=3,seed=2").table.labels
    assert (a != b).any()


@pytest.mark.parametrize("n, length", [(3, 4), (4, 3), (2, 5)])
def test_closed_form_masses_match_enumeration(n, length):
    task = load_task(f"prefix-sorting:n={n},length={length},seed=11")
    trie = views.trie(task)
    assert task.closed_form
    for v in range(trie.n_nodes):
        assert views.prefix_mass(task, trie.path(v)) == tuple(trie.mass[v].tolist())
    assert views.prefix_mass(task, (0,) * (length + 1)) == (0, 0)


def test_huge_instance_has_exact_masses_but_no_table():
    task = load_task("prefix-sorting:n=100,length=10")
    assert task.n_inputs == 10**20
    assert sum(views.prefix_mass(task, ())) == 10**20
    agree, disagree = views.prefix_mass(task, (5, 7, 9))
    assert {agree, disagree} == {(100**7 + 98**7) // 2, (100**7 - 98**7) // 2}
    with pytest.raises(TooLargeError, match="listing them is limited"):
        task.table


def test_alphabets():
    assert load_task("prefix-sorting:n=3,length=2").alphabet == ("a", "b", "c")
    big = load_task("prefix-sorting:n=100,length=2")
    assert len(set(big.alphabet)) == 100 and {len(a) for a in big.alphabet} == {2}
    assert big.parse_affix(big.render((99, 0, 63))) == (99, 0, 63)


def test_two_character_letters_read_apart():
    """Beyond 62 letters each letter is two characters; rendered prefixes separate them with
    '.', and both forms parse back."""
    task = load_task("prefix-sorting:n=100,length=10")
    codes = (5, 70, 99)
    text = task.render(codes)
    assert text.count(".") == 2 and all(len(token) == 2 for token in text.split("."))
    assert task.parse_affix(text) == codes == task.parse_affix(text.replace(".", ""))
