"""Circuits on functions of many inputs seen through a sample: the sparse encoding (rows = the
sample's inputs, bit-parallel over them), the decision-tree construction, PLA training and test
sets beyond 22 inputs, and counting families drawn rather than listed. Every circuit is checked
by a plain gate-by-gate evaluation of each row written here, independent of the library's."""

from __future__ import annotations

import json

import numpy as np
import pytest

from phasediag import load_programs, load_task, sample_diagram, views
from phasediag.cli import main
from phasediag.data import draw_sample
from phasediag.io import read_diagram
from phasediag.programs.circuits import Circuit


def _evaluate(circuit: Circuit, word: str) -> str:
    """The outputs of ``circuit`` on the input bit string ``word`` (x1 first), gate by gate."""
    values = [int(ch) for ch in word]
    for op, a, b in circuit.gates:
        values.append((op >> (2 * values[a] + values[b])) & 1)
    return "".join(str((values[node] if node >= 0 else 0) ^ neg) for node, neg in zip(circuit.outputs, circuit.negated))


def _wrong(task, circuit: Circuit) -> int:
    """Σ weight of the task's inputs on which the circuit's outputs are not the label's bits."""
    table = task.table
    return sum(int(w) for codes, y, w in zip(table.codes, table.labels, table.weights)
               if _evaluate(circuit, task.render(codes)) != task.labels[y])


def _random_circuit(draw: np.random.Generator, m: int, gates: int) -> Circuit:
    out = []
    for i in range(gates):
        a, b = sorted(draw.choice(m + i, size=2, replace=False).tolist())
        out.append((int(draw.integers(1, 15)), a, b))
    return Circuit(m, tuple(out), (m + gates - 1,), (bool(draw.integers(2)),))


@pytest.mark.parametrize("size, dense", [(500, False), (4000, True)])
def test_sparse_and_dense_encodings_score_circuits_by_the_rows(size, dense):
    """A 17-input sample listing under 1/64 of the truth table is encoded sparse, one listing
    more dense; either way a circuit's wrong weight and predictions are those of evaluating it
    on each sampled row (rows drawn with replacement weigh their draws)."""
    sample = draw_sample(load_task("boolean:family=threshold,inputs=17,k=9"), size, seed=3, replace=True)
    table = views.boolean_encoding(sample)
    assert table.dense is dense and table.rows == (1 << 17 if dense else len(sample.table))
    circuits, draw = load_programs("circuits"), np.random.default_rng(5)
    for _ in range(6):
        circuit = _random_circuit(draw, 17, int(draw.integers(1, 30)))
        assert circuits.wrong_weight(sample, circuit) == _wrong(sample, circuit)
        predicted = circuits.predict(sample, circuit)
        assert [sample.labels[k] for k in predicted] == [_evaluate(circuit, sample.render(c)) for c in sample.table.codes]


@pytest.mark.parametrize("spec", ["boolean:family=majority,inputs=32", "boolean:family=parity,inputs=40",
                                  "boolean:family=threshold,inputs=64,k=40"])
@pytest.mark.parametrize("basis", ["b2", "aig", "and-or-not"])
def test_the_constructed_circuit_is_right_on_every_sampled_row(spec, basis):
    sample = draw_sample(load_task(spec), 300, seed=11)
    assert not views.boolean_encoding(sample).dense
    circuits = load_programs(f"circuits:basis={basis}")
    circuit = circuits.correct_program(sample)
    circuits.check(circuit)
    assert _wrong(sample, circuit) == 0 and circuits.wrong_weight(sample, circuit) == 0
    assert circuits.lower_bound(sample, 0) == 0  # nothing is claimed on a sample


def test_counting_families_beyond_listing_are_drawn_by_their_law(capsys):
    task = load_task("boolean:family=parity,inputs=64")
    codes, labels = task.draw(np.random.default_rng(2), 200)
    assert codes.shape == (200, 64) and (labels == codes.sum(axis=1) % 2).all()
    capsys.readouterr()
    assert main(["compute", "boolean:family=random,inputs=30", "--out", "x.json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "at most 22 inputs" in err


def test_sampled_front_of_a_sample_reaches_zero_and_re_evaluates():
    """The tempered front on a 24-input sample: every witness's claimed wrong weight is what
    evaluating it row by row gives, and the front ends at error 0 (the constructed circuit)."""
    sample = draw_sample(load_task("boolean:family=majority,inputs=24"), 200, seed=1)
    circuits = load_programs("circuits:basis=aig")
    diagram = sample_diagram(sample, circuits, steps=300, chains=1)
    assert diagram.steps[-1].wrong == 0
    for step in diagram.steps:
        assert _wrong(sample, step.witness) == step.wrong and len(step.witness) == step.complexity
    errors = [s.error for s in diagram.steps]
    assert errors == sorted(errors, reverse=True)


def _pla(path, rows: list[tuple[str, str]], kind: str = "fr") -> None:
    m, o = len(rows[0][0]), len(rows[0][1])
    path.write_text(f".i {m}\n.o {o}\n.type {kind}\n" + "".join(f"{x} {y}\n" for x, y in rows) + ".e\n")


def test_pla_training_and_test_sets_of_many_inputs(tmp_path, capsys):
    """IWLS 2020-style files (30 inputs, minterms, .type fr): the task is the rows listed, a row
    listed twice is one row, a don't-care output drops the row; a circuit front fitted on the
    training file gets test errors that are each witness's error on the test file."""
    draw = np.random.default_rng(0)
    m = 30

    def rows(n):
        words = ["".join(draw.choice(["0", "1"], size=m)) for _ in range(n)]
        return [(w, str(int(w[:5].count("1") >= 3))) for w in words]  # majority of x1..x5

    train, test = rows(150), rows(80)
    _pla(tmp_path / "train.pla", train + [train[0], ("1" * m, "-")])
    _pla(tmp_path / "test.pla", test)
    task = load_task(f"table:path={tmp_path / 'train.pla'}")
    listed = {task.render(c): task.labels[y] for c, y in zip(task.table.codes, task.table.labels)}
    assert listed == dict(train) and task.total_weight == len(set(w for w, _ in train))
    out = tmp_path / "d.json"
    assert main(["compute", f"table:path={tmp_path / 'train.pla'}", "--programs", "circuits:basis=aig",
                 "--method", "tempered", "--steps", "300", "--chains", "1",
                 "--test", str(tmp_path / "test.pla"), "--out", str(out)]) == 0
    diagram = read_diagram(out)
    held_out = load_task(f"table:path={tmp_path / 'test.pla'}")
    assert diagram.steps[-1].wrong == 0
    for step in diagram.steps:
        assert step.test_error == pytest.approx(_wrong(held_out, step.witness) / len(test))
    assert json.loads(out.read_text())["data"]["test"] == "file"
    (tmp_path / "bad.pla").write_text(f".i {m}\n.o 1\n{'-' * m} 1\n")
    capsys.readouterr()
    assert main(["compute", f"table:path={tmp_path / 'bad.pla'}", "--out", str(tmp_path / "e.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "lists minterms" in err and not (tmp_path / "e.json").exists()


@pytest.mark.parametrize("outputs", [1, 20])
def test_a_sample_exported_as_pla_reads_back_as_the_same_rows(tmp_path, outputs):
    """``task export --data`` of a 40-input function, or of a table of 20 outputs whose labels are
    the output strings that occur, writes minterms and output bits that read back unchanged."""
    from phasediag.tasks import table_task

    if outputs == 1:
        spec = "boolean:family=parity,inputs=40"
        assert main(["task", "export", spec, "--data", "60", "--out", str(tmp_path / "s.pla")]) == 0
        task = load_task(f"table:path={tmp_path / 's.pla'}")
        assert all(task.render(c).count("1") % 2 == int(task.labels[y]) for c, y in zip(task.table.codes, task.table.labels))
        assert len(task.table) == 60
        return
    draw = np.random.default_rng(4)
    inputs = (draw.choice(64, size=40, replace=False)[:, None] >> np.arange(5, -1, -1)) & 1
    labels = draw.integers(0, 2, size=(40, outputs))
    task = table_task(inputs, labels, name="wide")
    from phasediag.tasks.table import write_task

    write_task(task, tmp_path / "w.pla")
    back = load_task(f"table:path={tmp_path / 'w.pla'}")
    rows = lambda t: {t.render(c): t.labels[y] for c, y in zip(t.table.codes, t.table.labels)}
    assert rows(back) == rows(task) == {"".join(map(str, x)): "".join(map(str, y)) for x, y in zip(inputs, labels)}


def test_the_error_zero_end_is_shrunk_beyond_the_default_genotype():
    """A 5-input function of 12 outputs whose construction is larger than the sampler's default
    64-gate genotype: the front's error-0 circuit computes every output on every row and has
    fewer gates than the construction (the shrinking run holds it whole)."""
    draw = np.random.default_rng(33)
    tables = ";".join("0x" + "".join(draw.choice(list("0123456789abcdef"), size=8)) for _ in range(12))
    task = load_task(f"boolean:table={tables}")
    circuits = load_programs("circuits:basis=aig")
    built = circuits.correct_program(task)
    assert len(built) > 64
    diagram = sample_diagram(task, circuits, steps=20000, chains=2, sampler="tempering", seed=1)
    last = diagram.steps[-1]
    assert last.wrong == 0 and _wrong(task, last.witness) == 0
    assert last.complexity < len(built)
    assert diagram.diagnostics["shrinking_error_0"]["to"] == last.complexity <= diagram.diagnostics["shrinking_error_0"]["from"]


def test_the_error_zero_end_of_ten_inputs_is_resynthesised():
    """Compare and equality of two 5-bit words (10 inputs, 1,024 rows: proposals there cost more
    than the shrinking run allows): the front's error-0 circuit is still the construction
    restructured, right on every row and smaller than it."""
    rows = range(1 << 10)
    tables = [int("".join("1" if test(t & 31, t >> 5) else "0" for t in reversed(rows)), 2)
              for test in (lambda a, b: a > b, lambda a, b: a == b)]
    task = load_task("boolean:table=" + ";".join(f"0x{t:0256x}" for t in tables))
    circuits = load_programs("circuits:basis=aig")
    built = circuits.correct_program(task)
    diagram = sample_diagram(task, circuits, steps=300, chains=1, sampler="tempering", seed=1)
    last, stages = diagram.steps[-1], diagram.diagnostics["shrinking_error_0"]
    assert last.wrong == 0 and _wrong(task, last.witness) == 0
    assert last.complexity == stages["to"] <= stages["resynthesised"] < stages["constructed"] == len(built)
