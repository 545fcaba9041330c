"""Verb conjugation and suffix rules: the lexicons, the reversed reading, and the exact fronts."""

import csv
import itertools
import json
from collections import Counter

import numpy as np
import pytest

from phasediag import views
from phasediag import exact_diagram, fit_on_data, load_programs, sample_diagram
from phasediag.cli import main
from phasediag.errors import FileFormatError, ParameterError
from phasediag.io import read_diagram, write_diagram
from phasediag.programs.rules import RuleList
from phasediag.tasks import load_task
from phasediag.tasks.verb_conjugation import LANGUAGES, read_verbecc

#: A lexicon small enough for brute force: suffixes shared across labels, a word that is a
#: suffix of another (faire in refaire), distinct weights.
SMALL = [("faire", "f:aire", 5), ("refaire", "f:aire", 1), ("taire", "t:aire", 2), ("aimer", "aim:er", 3),
         ("être", ":être", 7), ("mettre", "m:ettre", 4)]


@pytest.fixture(scope="module")
def suffix():
    return load_programs("suffix-rules")


@pytest.fixture(scope="module")
def french():
    return load_task("verb-conjugation")


def write_lexicon(path, rows, weighted=True):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["input", "label", "weight"] if weighted else ["input", "label"])
        writer.writerows(rows if weighted else [r[:2] for r in rows])
    return path


def file_task(tmp_path, rows, name="lexicon.csv"):
    return load_task(f"verb-conjugation:source=file,lexicon={write_lexicon(tmp_path / name, rows)}")


def decide(rules: dict, default: str, word: str) -> str:
    """Suffix rules from the definition: the longest affix that ends the word (``^word``: is it)."""
    matching = [a for a in rules if (a[1:] == word if a.startswith("^") else word.endswith(a))]
    best = max(matching, key=lambda a: len(a) - a.startswith("^") + 0.5 * a.startswith("^"), default=None)
    return rules[best] if best is not None else default


def naive_wrong(rows, program: RuleList) -> int:
    rules = program.rules
    return sum(w for word, label, w in rows if decide(rules, program.default, word) != label)


def brute_force_front(rows, max_rules: int) -> list[tuple[int, int]]:
    """Least wrong weight over every suffix-rule list of at most ``max_rules`` rules (affixes:
    every suffix of a word and every anchored word), as Pareto steps."""
    affixes = sorted({w[i:] for w, _, _ in rows for i in range(len(w))} | {"^" + w for w, _, _ in rows})
    labels = sorted({y for _, y, _ in rows})
    best = {}
    for k in range(max_rules + 1):
        for chosen in itertools.combinations(affixes, k):
            for assigned in itertools.product(labels, repeat=k):
                for default in labels:
                    wrong = naive_wrong(rows, RuleList(default, zip(chosen, assigned)))
                    best[k] = min(best.get(k, wrong), wrong)
    front = []
    for k in sorted(best):
        if not front or best[k] < front[-1][1]:
            front.append((k, best[k]))
    return front


def wrong_counts(diagram, task):
    return [(s.complexity, round(s.error * task.total_weight)) for s in diagram.steps]


def test_reversed_reading_renders_suffixes(tmp_path):
    task = file_task(tmp_path, SMALL)
    view = views.reversed_task(task)
    assert view.total_weight == task.total_weight and view.labels == task.labels
    for i, (word, _, _) in enumerate(SMALL):
        codes = [c for c in view.table.codes[i].tolist() if c >= 0]
        assert view.render(codes) == "^" + word  # a whole reversed input is the anchored word
        assert view.render(codes[:-1]) == word  # without the anchor: the word as a suffix
        assert view.parse_affix("^" + word) == tuple(codes)
    assert view.render(view.parse_affix("aire")) == "aire"
    assert views.trie(view).find(view.parse_affix("aire")) > 0 and views.trie(view).find(view.parse_affix("^aire")) < 0


def test_suffix_rules_evaluate_by_definition(tmp_path, suffix):
    task = file_task(tmp_path, SMALL)
    generator = np.random.default_rng(4)
    affixes = sorted({w[i:] for w, _, _ in SMALL for i in range(len(w))} | {"^" + w for w, _, _ in SMALL} | {"ae", "^re"})
    for size in (0, 1, 3, 6, 12):
        chosen = generator.choice(affixes, size=size, replace=False).tolist()
        program = RuleList(str(generator.choice(task.labels)), {a: str(generator.choice(task.labels)) for a in chosen})
        expected = naive_wrong(SMALL, program)
        assert suffix.wrong_weight(task, program) == expected
        predicted = suffix.predict(task, program)
        assert int(task.table.weights[predicted != task.table.labels].sum()) == expected


def test_dp_and_cpsat_equal_brute_force(tmp_path, suffix):
    task = file_task(tmp_path, SMALL)
    expected = brute_force_front(SMALL, 2)
    dp = exact_diagram(task, suffix, max_complexity=2)
    cpsat = exact_diagram(task, suffix, method="cpsat", max_complexity=2)
    assert wrong_counts(dp, task) == expected
    assert wrong_counts(cpsat, task) == expected


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("weights", ["frequency", "uniform"])
def test_dp_equals_cpsat_on_french_sub_lexicons(tmp_path, suffix, french, seed, weights):
    lex = french.lexicon
    picked = np.random.default_rng(seed).choice(len(lex.words), 80, replace=False)
    rows = [(lex.words[i], lex.labels[i], lex.weights[i] if weights == "frequency" else 1) for i in picked]
    task = file_task(tmp_path, rows)
    dp = exact_diagram(task, suffix)
    cpsat = exact_diagram(task, suffix, method="cpsat")
    assert wrong_counts(dp, task) == wrong_counts(cpsat, task)
    assert dp.steps[-1].error == 0.0  # distinct words: memorising all of them reaches zero error
    for s in dp.steps:
        assert naive_wrong(rows, s.witness) == round(s.error * task.total_weight)


def test_french_front_witnesses_re_evaluate(suffix, french):
    d = exact_diagram(french, suffix, max_complexity=60)
    rows = list(zip(french.lexicon.words, french.lexicon.labels, french.lexicon.weights))
    assert [s.complexity for s in d.steps] == list(range(61))
    assert all(s.status == "optimal" for s in d.steps)
    for s in d.steps[::6]:
        assert naive_wrong(rows, s.witness) == round(s.error * french.total_weight)


def test_frequency_front_starts_with_the_frequent_irregular_verbs(suffix, french):
    """By wordfreq the three most frequent infinitives are être, faire and avoir, each with a
    template of few verbs; the optimal three-rule program gets all three right."""
    lex = french.lexicon
    size = Counter(lex.labels)
    top = sorted(range(len(lex.words)), key=lambda i: -lex.weights[i])[:3]
    assert {lex.words[i] for i in top} == {"être", "faire", "avoir"}
    assert all(size[lex.labels[i]] <= 30 for i in top)
    d = exact_diagram(french, suffix, max_complexity=3)
    predicted = suffix.predict(french, d.steps[3].witness)
    assert all(french.labels[predicted[i]] == lex.labels[i] for i in top)
    assert d.steps[1].witness.default == ":être"  # one rule sets -r verbs; the default keeps être


def test_uniform_front_starts_with_the_big_regular_classes(suffix):
    task = load_task("verb-conjugation:weights=uniform")
    biggest = [label for label, _ in Counter(task.lexicon.labels).most_common(4)]
    d = exact_diagram(task, suffix, max_complexity=3)
    assert d.steps[0].witness.default == biggest[0] == "aim:er"
    assert sorted(d.steps[3].witness.rules.values()) == sorted(biggest[1:])
    for c in range(1, 4):
        assert all(cov.inputs >= 100 for cov in suffix.coverage(task, d.steps[c].witness))


@pytest.mark.parametrize("classes,irregulars", [(4, 0), (5, 12), (3, 40)])
def test_synthetic_lexicon_needs_one_rule_per_class_and_irregular(suffix, classes, irregulars):
    """Endings are distinct two-letter strings, no one a suffix of another, and each irregular verb
    has a label of its own: zero error costs exactly classes - 1 + irregulars rules, of which the
    irregular ones memorise."""
    task = load_task(f"verb-conjugation:source=synthetic,verbs=300,classes={classes},irregulars={irregulars},seed=3")
    assert task.n_inputs == 300 and len(task.labels) == classes + irregulars
    assert sum(y.startswith(":") for y in task.lexicon.labels) == irregulars
    d = exact_diagram(task, suffix)
    last = d.steps[-1]
    assert last.error == 0 and last.complexity == classes - 1 + irregulars
    assert suffix.roles(task, last.witness) == (classes - 1, irregulars)


def test_synthetic_weights_follow_zipf():
    task = load_task("verb-conjugation:source=synthetic,verbs=500,zipf=1.5")
    weights = sorted(task.lexicon.weights, reverse=True)
    assert weights == [max(1, round(1e6 * r ** -1.5)) for r in range(1, 501)]
    assert load_task("verb-conjugation:source=synthetic,zipf=0").uniform


def test_more_irregulars_than_verbs_is_refused_saying_whose_value_it_is():
    from phasediag.errors import ParameterError

    with pytest.raises(ParameterError, match=r"at most verbs=10\. Got '11'\.$"):
        load_task("verb-conjugation:source=synthetic,verbs=10,irregulars=11")
    with pytest.raises(ParameterError, match=r"at most verbs=10\. Its default is 50: give irregulars=N with N ≤ 10\.$"):
        load_task("verb-conjugation:source=synthetic,verbs=10")


def test_every_language_loads():
    for language in LANGUAGES:
        task = load_task(f"verb-conjugation:source={language},weights=uniform")
        assert task.n_inputs > 5000 and len(task.labels) > 50 and task.uniform


def test_suffix_witnesses_round_trip(tmp_path, suffix, french):
    d = exact_diagram(french, suffix, max_complexity=40)
    write_diagram(d, tmp_path / "d.json")
    back = read_diagram(tmp_path / "d.json")
    assert [s.witness for s in back.steps] == [s.witness for s in d.steps]
    written = json.loads((tmp_path / "d.json").read_text())["steps"]
    rules = [r for s in written for r in s["witness"]["add"]]
    assert all(r.startswith(("-", "^")) for r in rules) and "-er → aim:er" in rules
    with pytest.raises(FileFormatError, match="-suffix"):
        suffix.deserialise({"default": "aim:er", "add": ["er → aim:er"], "remove": []})


def test_export_round_trip(tmp_path, suffix):
    spec = "verb-conjugation:source=synthetic,verbs=200,irregulars=9,seed=4"
    assert main(["task", "export", spec, "--out", str(tmp_path / "v.csv")]) == 0
    task, again = load_task(spec), load_task(f"verb-conjugation:source=file,lexicon={tmp_path / 'v.csv'}")
    assert again.lexicon == task.lexicon
    assert wrong_counts(exact_diagram(task, suffix), task) == wrong_counts(exact_diagram(again, suffix), again)


def test_sampler_on_suffix_rules(suffix):
    task = load_task("verb-conjugation:source=synthetic,verbs=60,classes=3,irregulars=6")
    exact = {s.complexity: s.error for s in exact_diagram(task, suffix).steps}
    sampled = sample_diagram(task, suffix, seed=1, steps=5000, chains=2)
    for s in sampled.steps:
        floor = min(e for c, e in exact.items() if c <= s.complexity)
        assert s.error >= floor - 1e-12  # never below a proved optimum
    reached = sum(any(s.complexity <= c and s.error <= e + 1e-12 for s in sampled.steps) for c, e in exact.items())
    assert reached >= 0.95 * len(exact)


def test_fit_on_data_with_suffix_rules(suffix):
    task = load_task("verb-conjugation:source=synthetic,verbs=400,irregulars=20,seed=2")
    d = fit_on_data(task, suffix, lambda sample, _: exact_diagram(sample, suffix), size=150, seed=3)
    for s in d.steps:
        predicted = suffix.predict(task, s.witness)
        assert s.test_error == pytest.approx(task.table.weights[predicted != task.table.labels].sum() / task.total_weight)


def test_vary_command(tmp_path):
    out = tmp_path / "syn.png"
    code = main(["vary", "verb-conjugation:source=synthetic,verbs=300,classes=4", "--param", "irregulars=0,7",
                 "--out", str(out), "--csv", str(tmp_path / "t.csv")])
    assert code == 0 and out.stat().st_size > 0
    rows = list(csv.DictReader(open(tmp_path / "t.csv")))
    assert [(r["irregulars"], r["last_complexity"], r["general"], r["memorised"]) for r in rows] == \
        [("0", "3", "3", "0"), ("7", "10", "3", "7")]


def test_vary_stops_at_a_ctrl_c_caught_by_cp_sat_and_at_its_time_limit(tmp_path, capsys, monkeypatch):
    """A Ctrl-C that CP-SAT caught (it keeps what it found) ends vary after that value, with the
    values done written and exit 3; a front stopped by --time-limit is said incomplete (exit 3)."""
    import importlib
    import signal

    vary = importlib.import_module("phasediag.cli.vary")
    real, runs = vary.exact_diagram, []

    def caught_ctrl_c(*args, **kwargs):
        runs.append(real(*args, **kwargs))
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            pass
        return runs[-1]

    monkeypatch.setattr(vary, "exact_diagram", caught_ctrl_c)
    argv = ["vary", "verb-conjugation:source=synthetic,verbs=300,classes=4", "--param", "irregulars=0,7,9",
            "--method", "cpsat", "--out", str(tmp_path / "v.png"), "--csv", str(tmp_path / "t.csv")]
    assert main(argv) == 3 and len(runs) == 1
    assert [r["irregulars"] for r in csv.DictReader(open(tmp_path / "t.csv"))] == ["0"]
    assert "stopped early (Ctrl-C): the files written before hold irregulars=0; 2 not run." in capsys.readouterr().err
    monkeypatch.setattr(vary, "exact_diagram", real)
    assert main(["vary", "boolean:family=random,seed=3", "--param", "inputs=2,6", "--programs", "circuits",
                 "--time-limit", "2", "--out", str(tmp_path / "c.png")]) == 3
    assert "stopped early: the files written before hold inputs=2, inputs=6; the front for inputs=6 is incomplete." \
        in capsys.readouterr().err


def test_show_labels_general_and_memorised(tmp_path, capsys):
    spec = "verb-conjugation:source=synthetic,verbs=300,classes=3,irregulars=2,seed=1"
    assert main(["compute", spec, "--out", str(tmp_path / "d.json")]) == 0
    capsys.readouterr()
    assert main(["show", str(tmp_path / "d.json")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sum(" memorised " in line for line in lines) == 2
    assert sum(" general " in line for line in lines) == 2


@pytest.mark.parametrize("args,message", [
    (["verb-conjugation:source=klingon"], "'source' parameter of verb-conjugation must be one of french"),
    (["verb-conjugation:source=file,lexicon=/nonexistent/v.csv"], "Cannot read task file /nonexistent/v.csv: No such file"),
    (["verb-conjugation:source=synthetic,verbs=10,irregulars=11"], "at most verbs=10"),
    (["verb-conjugation:weights=uniform,floor=2"], "applies only with weights=frequency"),
])
def test_bad_input(tmp_path, capsys, args, message):
    out = tmp_path / "d.json"
    assert main(["compute", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("content,message", [
    ("word,label\naimer,aim:er\n", "expected a CSV whose header is input,label"),
    ("input,label,weight\naimer,aim:er\n", "line 2: expected 3 fields"),
    ("input,label,weight\naimer,aim:er,-1\n", "non-negative integer"),
    ("input,label,weight\naimer,aim:er,0\n", "zero total weight"),
    ("input,label\naimer,aim:er\naimer,fin:ir\n", "two labels"),
])
def test_malformed_lexicon_files(tmp_path, capsys, content, message):
    path = tmp_path / "v.csv"
    path.write_text(content, encoding="utf-8")
    assert main(["compute", f"verb-conjugation:source=file,lexicon={path}", "--out", str(tmp_path / "d.json")]) == 2
    err = capsys.readouterr().err
    assert message in err and str(path) in err and not (tmp_path / "d.json").exists()


def test_malformed_verbecc_file(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "verbs-fr.xml"
    bad.write_text("<verbs-fr><v><i>aimer</i></v></verbs-fr>", encoding="utf-8")
    with pytest.raises(FileFormatError, match="entry 1 lacks"):
        read_verbecc(bad)
    bad.write_text("<verbs-fr><v>", encoding="utf-8")
    monkeypatch.setattr("phasediag.tasks.verb_conjugation.verbecc_file", lambda language: bad)
    assert main(["compute", "verb-conjugation", "--out", str(tmp_path / "d.json")]) == 2
    err = capsys.readouterr().err
    assert "not readable XML" in err and str(bad) in err


def test_anchor_letter_is_refused(tmp_path, suffix):
    task = file_task(tmp_path, [("a^b", "x", 1), ("ab", "y", 1)])
    with pytest.raises(ParameterError, match="anchor"):
        exact_diagram(task, suffix)


def test_without_the_verbs_extra_one_line_says_how_to_install_it(monkeypatch, tmp_path, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "verbecc" else real(name, *a))
    assert main(["compute", "verb-conjugation", "--out", str(tmp_path / "d.json")]) == 2
    err = capsys.readouterr().err
    assert "pip install 'phasediag[verbs]'" in err and len(err.strip().splitlines()) == 1
