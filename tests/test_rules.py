import pytest

from phasediag.errors import FileFormatError
from phasediag.programs.rules import RuleList, RuleScore
from phasediag.seeding import rng
from phasediag.tasks import load_task

SPECS = ["prefix-sorting:n=3,length=4", "prefix-sorting:n=4,length=3,structure=bernoulli,rate=0.4,seed=5",
         "prefix-sorting:n=2,length=6,structure=zipf,seed=2"]


def random_rule_list(task, generator, size):
    rules = {}
    while len(rules) < size:
        depth = int(generator.integers(1, task.length + 1))
        affix = tuple(generator.integers(0, task.n, depth).tolist())
        rules[task.render(affix)] = task.labels[int(generator.integers(0, 2))]
    return RuleList(task.labels[int(generator.integers(0, 2))], rules)


def naive_wrong(task, program):
    """Longest match, input by input, straight from the definition."""
    wrong = 0
    for codes, label in zip(task.table.codes.tolist(), task.table.labels.tolist()):
        x = task.render(codes)
        match = max((a for a in program.rules if x.startswith(a)), key=len, default=None)
        predicted = program.rules[match] if match is not None else program.default
        wrong += predicted != task.labels[label]
    return wrong


@pytest.mark.parametrize("spec", SPECS)
def test_three_evaluations_agree(spec, rules):
    task = load_task(spec)
    generator = rng(1)
    for size in (0, 1, 3, 8, 20):
        program = random_rule_list(task, generator, size)
        expected = naive_wrong(task, program)
        assert rules.wrong_weight(task, program) == expected
        assert int((rules.predict(task, program) != task.table.labels).sum()) == expected


def test_incremental_score_tracks_changes(rules):
    task = load_task(SPECS[0])
    generator = rng(2)
    score = RuleScore(task, 0)
    current = {}
    for _ in range(200):
        affix = tuple(generator.integers(0, 3, int(generator.integers(1, 5))).tolist())
        if affix in current and generator.random() < 0.5:
            score.remove(affix)
            del current[affix]
        else:
            current[affix] = int(generator.integers(0, 2))
            score.set(affix, current[affix])
        program = RuleList("0", {task.render(a): task.labels[l] for a, l in current.items()})
        assert score.wrong == naive_wrong(task, program)


def test_closed_form_score_matches_enumeration(rules):
    """The closed-form masses of one-per-parent give the same error as listing the inputs."""
    task = load_task("prefix-sorting:n=4,length=4,seed=9")
    enumerated = load_task("prefix-sorting:n=4,length=4,seed=9")
    generator = rng(3)
    for size in (1, 5, 30):
        program = random_rule_list(task, generator, size)
        assert rules.wrong_weight(task, program) == int((rules.predict(enumerated, program) != enumerated.table.labels).sum())


def test_rule_list_changes_and_round_trip(rules):
    base = RuleList("0", {"a": "1", "bc": "0"})
    programs = [base]
    generator = rng(4)
    for i in range(300):  # long enough to pass several internal snapshots
        current = programs[-1].rules
        removed = [(a, l) for a, l in current.items() if generator.random() < 0.05]
        added = [(f"x{i}", "1")]
        programs.append(RuleList.changed(programs[-1], "0" if i % 7 else "1", removed, added))
        expected = {a: l for a, l in current.items() if (a, l) not in removed} | {f"x{i}": "1"}
        assert programs[-1].rules == expected and len(programs[-1]) == len(expected)
    previous = None
    for p in programs:
        obj = rules.serialise(p, previous)
        back = rules.deserialise(obj, previous)
        assert back == p
        previous = back
    assert rules.serialise(programs[5], programs[4])["add"] == ["x4 → 1"]  # programs[i + 1] adds x{i}


@pytest.mark.parametrize("obj", [{"default": "0"}, {"default": "0", "add": ["a->1"], "remove": []},
                                 {"default": "0", "add": [], "remove": ["a → 1"]}])
def test_bad_witnesses(obj, rules):
    with pytest.raises(FileFormatError):
        rules.deserialise(obj)


def test_unknown_label_is_a_clear_error(rules):
    task = load_task("prefix-sorting:n=3,length=2")
    with pytest.raises(FileFormatError, match="Label '7' is not a label"):
        rules.wrong_weight(task, RuleList("7"))


def _random_lexicon(path, seed: int, words: int = 60, labels: str = "xyz"):
    """``words`` random words of 1–5 letters over 'abc' (many share prefixes and suffixes; some
    are prefixes of others), each with a random label: a table task."""
    draw = rng(seed)
    lexicon = {}
    while len(lexicon) < words:
        word = "".join(draw.choice(list("abc"), size=int(draw.integers(1, 6))).tolist())
        lexicon[word] = labels[int(draw.integers(len(labels)))]
    path.write_text("input,label\n" + "".join(f"{w},{y}\n" for w, y in lexicon.items()))
    return load_task(f"table:path={path}")


@pytest.mark.parametrize("seed", range(6))
def test_the_least_correct_list_is_the_dp_at_error_0(tmp_path, seed):
    """The rule list built at once by small parsimony on the trie is right on every input (by
    longest match, input by input, for prefix rules) and has as many rules as the DP's error-0
    step, on random lexicons and on prefix-sorting tasks, for prefix and suffix rules; it is the
    class's proved lower bound at error 0."""
    from phasediag.methods import dp_diagram
    from phasediag.programs import load_programs

    tasks = [_random_lexicon(tmp_path / "w.csv", seed),
             load_task(f"prefix-sorting:n=3,length=4,structure=bernoulli,rate=0.5,seed={seed}")]
    for task in tasks:
        for name in ("prefix-rules", "suffix-rules"):
            programs = load_programs(name)
            least = programs.correct_program(task)
            if name == "prefix-rules":
                assert naive_wrong(task, least) == 0
            assert programs.wrong_weight(task, least) == 0
            dp = dp_diagram(task, programs, eps=[0.0])
            assert dp.steps[-1].wrong == 0 and dp.steps[-1].complexity == len(least)
            assert programs.lower_bound(task, 0) == len(least) and programs.lower_bound(task, 1) == 0


def test_a_tempered_rule_front_ends_at_error_0_proved():
    """A short tempered run on parity of 8 (prefix rules) stops far from error 0; its front is
    closed by the least correct list: 2^7 rules (each pair of inputs that differ in the last bit
    needs one), proved."""
    from phasediag.methods import sample_diagram
    from phasediag.programs import load_programs

    task = load_task("boolean:family=parity,inputs=8")
    d = sample_diagram(task, load_programs("prefix-rules"), steps=50, chains=1, seed=0)
    last = d.steps[-1]
    assert d.steps[-2].wrong > 0 and (last.complexity, last.wrong, last.status) == (2 ** 7, 0, "optimal")
    assert naive_wrong(task, last.witness) == 0
