"""Your own task: the table family's formats, Boolean truth tables, tasks from Python, witnesses
written for other tools (checked by aigverse, mockturtle's bindings, not phasediag's simulator)."""

from __future__ import annotations

import csv
import hashlib
import json

import numpy as np
import pytest

from phasediag import views
from phasediag.cli import main
from phasediag.io import read_diagram
from phasediag.methods import exact_diagram
from phasediag.programs import load_programs
from phasediag.programs.circuits.formats import write_circuit
from phasediag.tasks import load_task, table_task


def outputs_by_row(task) -> dict[str, str]:
    return {task.render(codes): task.labels[y] for codes, y in zip(task.table.codes, task.table.labels)}


def test_csv_with_a_byte_order_mark_and_the_export_round_trip(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffinput,label,weight\nabc,x,2\nabd,y,1\nb,x,0\n".encode("utf-8"))
    task = load_task(f"table:path={path}")
    assert outputs_by_row(task) == {"abc": "x", "abd": "y"} and task.total_weight == 3
    assert main(["task", "export", f"table:path={path}", "--out", str(tmp_path / "again.csv")]) == 0
    again = load_task(f"table:path={tmp_path / 'again.csv'}")
    assert outputs_by_row(again) == outputs_by_row(task) and again.total_weight == 3


def test_pla_reads_as_espresso_does(tmp_path):
    """.type fd: cubes give the on-set and ('-') the don't-care set, every other row is off;
    .type fr: '1' on, '0' off, every other row a don't-care (left out, weight 0)."""
    path = tmp_path / "f.pla"
    path.write_text(".i 3\n.o 2\n.ilb a b c\n.ob f g\n.type fd\n.p 3\n1-0 10\n01- 01\n000 -1\n.e\n")
    task = load_task(f"table:path={path}")
    assert task.labels == ("00", "01", "10", "11") and task.natural_programs == "circuits"
    assert outputs_by_row(task) == {"100": "10", "110": "10", "010": "01", "011": "01", "001": "00", "101": "00",
                                    "111": "00"}
    path.write_text(".i 2\n.o 1\n.type fr\n00 1\n1- 0\n")
    assert outputs_by_row(load_task(f"table:path={path}")) == {"00": "1", "10": "0", "11": "0"}


def test_truth_files_read_in_abc_order(tmp_path):
    """Leftmost character = the highest minterm, primary input 0 = the least significant bit:
    '0010' is true on minterm 1 only, i.e. x1 = 1, x2 = 0."""
    path = tmp_path / "f.truth"
    path.write_text("0010\n1000\n")
    task = load_task(f"table:path={path}")
    assert outputs_by_row(task) == {"00": "00", "10": "10", "01": "00", "11": "01"}


def test_functions_with_many_outputs(tmp_path, capsys):
    """Past 16 outputs the labels are the output strings that occur (not all 2^outputs); the
    constructed circuit computes every output on every row of the file (read back from the file's
    own lines, ABC's minterm order), and a circuit front written by the CLI ends at error 0."""
    rng = np.random.default_rng(7)
    m, outputs = 5, 40
    lines = ["".join(rng.choice(["0", "1"], size=1 << m)) for _ in range(outputs)]
    path = tmp_path / "wide.truth"
    path.write_text("\n".join(lines) + "\n")
    task = load_task(f"table:path={path}")
    assert task.output_bits == outputs and len(task.labels) == len(set(task.labels)) <= 1 << m
    circuits = load_programs("circuits:basis=aig")
    circuit = circuits.correct_program(task)
    tables = circuit.output_tables()
    for j, line in enumerate(lines):  # line j: character 2^m − 1 − t is output j on minterm t
        for row in range(1 << m):
            minterm = sum(((row >> (m - 1 - i)) & 1) << i for i in range(m))
            assert tables[j, row] == (line[(1 << m) - 1 - minterm] == "1")
    assert (circuits.predict(task, circuit) == task.table.labels).all()
    out = tmp_path / "d.json"
    assert main(["compute", f"table:path={path}", "--programs", "circuits:basis=aig", "--method", "tempered",
                 "--steps", "300", "--out", str(out)]) == 0
    last = read_diagram(out).steps[-1]
    assert last.wrong == 0 and circuits.wrong_weight(task, last.witness) == 0
    path.write_text("01\n" * 64)
    capsys.readouterr()
    assert main(["compute", f"table:path={path}", "--out", str(out)]) == 2
    assert "phasediag reads up to 22 inputs and 63 outputs" in capsys.readouterr().err


@pytest.mark.parametrize("spec, table", [("boolean:family=majority,inputs=3", None), ("boolean:table=0x6;0x8", None),
                                         ("boolean:family=random,inputs=4,seed=3", None)])
def test_exported_witnesses_are_the_task_for_an_independent_checker(tmp_path, spec, table):
    """The ε = 0 circuit, written as AIGER (ASCII and binary) and Verilog, read and simulated by
    aigverse, computes the task on every row; read back as a task, the AIGER file is the task."""
    from aigverse.algorithms import simulate
    from aigverse.io import read_aiger_into_aig, read_ascii_aiger_into_aig, read_verilog_into_aig

    task = load_task(spec)
    d = exact_diagram(task, load_programs("circuits"))
    circuit = d.steps[-1].witness
    assert d.steps[-1].wrong == 0
    encoding = views.boolean_encoding(task)
    m, k = encoding.inputs, encoding.outputs
    minterm_of_row = [sum(((r >> (m - 1 - j)) & 1) << j for j in range(m)) for r in range(1 << m)]
    for suffix, reader in ((".aag", read_ascii_aiger_into_aig), (".aig", read_aiger_into_aig), (".v", read_verilog_into_aig)):
        path = tmp_path / f"w{suffix}"
        write_circuit(circuit, path)
        tables = simulate(reader(str(path)))
        assert len(tables) == k
        for r in range(1 << m):
            got = sum(int(tables[j].get_bit(minterm_of_row[r])) << (k - 1 - j) for j in range(k))
            assert got == encoding.target[r], (suffix, r)
    for suffix in (".aag", ".blif"):
        path = tmp_path / f"w{suffix}"
        write_circuit(circuit, path)
        assert outputs_by_row(load_task(f"table:path={path}")) == outputs_by_row(task)


def test_boolean_tables_take_their_size_from_their_length():
    xor = load_task("boolean:table=0b0110")
    assert xor.spec == "boolean:family=table,inputs=2,table=0x6"
    assert outputs_by_row(xor) == {"00": "0", "01": "1", "10": "1", "11": "0"}
    two = load_task("boolean:table=0x6;0x8")
    assert two.labels == ("00", "01", "10", "11") and outputs_by_row(two)["00"] == "01"
    assert exact_diagram(two, load_programs("circuits")).steps[-1].complexity == 2


@pytest.mark.parametrize("spec, message", [
    ("boolean:table=0b0110,inputs=4", "it does not fit inputs=4"),
    ("boolean:table=0x123", "has 12 rows"),
    ("boolean:table=0x6;0x88", "it does not fit inputs=2"),
    ("boolean:table=6", "written 0x<hex> or 0b<bits>"),
    ("boolean:inputs=3", "give table=0x… with 2^3 = 8 rows, or family=random"),
])
def test_bad_boolean_tables(tmp_path, capsys, spec, message):
    out = tmp_path / "d.json"
    assert main(["compute", spec, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and not out.exists()


@pytest.mark.parametrize("name, content, message", [
    ("f.pla", ".i 3\n.o 1\n01 1\n", "line 3: the input plane must be 3 characters"),
    ("f.pla", ".i 2\n.o 1\n01 x\n", "line 3: the output plane must be 1 character of"),
    ("f.pla", "", "expected .i between 1 and 4096"),
    ("f.truth", "0110\n011\n", "line 2: 3 characters"),
    ("f.truth", "012\n", "line 1: a truth table is a string of 0 and 1"),
    ("f.aag", "aag 3 1 1 1 0\n2\n4 2\n4\n", "latches"),
    ("f.csv", b"input,label\n\xff\xfe,x\n", "is not UTF-8"),
    ("f.csv", "", "starts with nothing"),
    ("f.csv", "label,input\nab,x\n", "starts with the header 'label,input'; expected"),
    ("f.csv", "input,label\nab,\n", "line 2: the label is empty"),
    ("f.csv", "input,label\nab,x,3\n", "line 2: expected 2 fields (input, label); got 3."),
    ("f.truth", "1\n", "line 1: 1 character; every line must have the same length, a power of two (2^m for m ≥ 1"),
    ("f.blif", ".model m\n.inputs a\n.outputs y\n.latch a y\n.end\n", "line 4: .latch is not read"),
    ("f.txt", "x", "must name a .csv, .pla, .truth, .aig, .aag, .blif file"),
])
def test_malformed_task_files(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = tmp_path / "d.json"
    assert main(["compute", f"table:path={path}", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and not out.exists()


def test_a_diagram_records_its_file(tmp_path):
    path = tmp_path / "f.truth"
    path.write_text("10010110\n")
    out = tmp_path / "d.json"
    assert main(["compute", f"table:path={path}", "--out", str(out)]) == 0
    source = json.loads(out.read_text())["task"]["source"]
    assert source == {"path": str(path.resolve()), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    assert read_diagram(out).task.source["sha256"] == source["sha256"]


def test_tasks_from_python(rules):
    words = table_task(["aimer", "finir", "parler", "choisir"], ["er", "ir", "er", "ir"], [5, 1, 3, 1], name="verbs")
    d = exact_diagram(words, load_programs("suffix-rules"))
    assert words.spec.startswith("table:verbs@") and [(s.complexity, s.error) for s in d.steps] == [(0, 0.2), (1, 0.0)]
    bits = table_task(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]), np.array([[0, 1], [1, 0], [1, 0], [0, 0]]))
    assert bits.labels == ("00", "01", "10", "11") and bits.natural_programs == "circuits"
    assert exact_diagram(bits, load_programs("circuits")).steps[-1].wrong == 0
    assert exact_diagram(bits, rules).steps[-1].wrong == 0
    with pytest.raises(ValueError, match="two labels"):
        table_task(["a", "a"], [1, 2])
    with pytest.raises(ValueError, match="one entry each"):
        table_task(["a", "b"], [1])


def test_pla_samples_for_train_and_test(tmp_path):
    """export --data writes a PLA sample of any fixed-length task; a train file and a held-out
    test file give a train front with test errors from the held-out set."""
    spec = "boolean:family=majority,inputs=5"
    train, test, out = tmp_path / "train.pla", tmp_path / "test.pla", tmp_path / "d.json"
    assert main(["task", "export", spec, "--data", "12", "--data-seed", "1", "--out", str(train)]) == 0
    assert main(["task", "export", spec, "--data", "12", "--data-seed", "2", "--out", str(test)]) == 0
    sample = load_task(f"table:path={train}")
    assert sample.n_inputs == 12 and all(len(w) == 5 for w in sample.lexicon.words)
    assert main(["compute", f"table:path={train}", "--test", str(test), "--out", str(out)]) == 0
    d = read_diagram(out)
    held_out = load_task(f"table:path={test}")
    circuits = load_programs("circuits")
    for s in d.steps:
        assert s.test_error == pytest.approx(circuits.wrong_weight(held_out, s.witness) / held_out.total_weight)
    with open(tmp_path / "rows.csv", "w", newline="") as f:
        csv.writer(f).writerows([["input", "label"], ["abc", "x"]])
    assert main(["compute", f"table:path={train}", "--test", str(tmp_path / "rows.csv"), "--out", str(out)]) == 2
    assert main(["collapse", spec, "--programs", "trees", "--data", "8,24", "--test", str(test),
                 "--out", str(tmp_path / "c.png")]) == 0


@pytest.mark.parametrize("programs", ["prefix-rules", "suffix-rules", "trees", "circuits"])
@pytest.mark.parametrize("method", ["exact", "cpsat", "tempered"])
def test_degenerate_tasks_have_one_step(programs, method):
    """One input, or one label everywhere: every class and method gives the one step (0, 0)."""
    from phasediag.methods import diagram_fit, resolve_method

    bit_tasks = [table_task(np.array([[0, 1]]), [1]), table_task(np.array([[0, 1], [1, 1], [0, 0]]), [1, 1, 1])]
    word_tasks = [table_task(["aimer"], ["er"]), table_task(["aimer", "finir", "b"], ["er", "er", "er"], [3, 3, 3])]
    for task in bit_tasks if programs == "circuits" else word_tasks:
        classes = load_programs(programs)
        chosen = resolve_method(task, classes, method)
        options = {"steps": 200, "chains": 1} if chosen == "tempered" else {}
        d = diagram_fit(classes, chosen, **options)(task)
        assert [(s.complexity, s.error) for s in d.steps] == [(0, 0.0)], (task.spec, chosen)
