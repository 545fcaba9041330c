import csv
import json

import pytest

from phasediag.errors import FileFormatError
from phasediag.io import diagram_to_json, read_diagram, write_diagram, write_steps_csv
from phasediag.methods import cpsat_diagram, dp_diagram
from phasediag.tasks import load_task


@pytest.mark.parametrize("spec, method", [("prefix-sorting:n=5,length=4", dp_diagram),
                                          ("prefix-sorting:n=100,length=10", dp_diagram),
                                          ("prefix-sorting:n=3,length=3,structure=bernoulli,rate=0.5", cpsat_diagram)])
def test_json_round_trip(tmp_path, rules, spec, method):
    task = load_task(spec)
    d = method(task, rules, **({"max_complexity": 150} if task.n_inputs > 10**6 else {}))
    path = tmp_path / "d.json"
    write_diagram(d, path)
    back = read_diagram(path)
    assert back.steps == d.steps  # complexity, counts, status and the full witness of every step
    assert (back.task, back.method, back.programs, back.complete) == (d.task, d.method, d.programs, d.complete)
    assert diagram_to_json(back) == diagram_to_json(d) | {"runtime_s": d.runtime_s}
    obj = json.loads(path.read_text())
    assert obj["schema"] == "phasediag.diagram/1" and len(obj["steps"]) == len(d.steps)
    assert all(s["witness"]["remove"] == [] for s in obj["steps"]) or method is cpsat_diagram


def test_steps_csv(tmp_path, rules):
    d = dp_diagram(load_task("prefix-sorting:n=4,length=3"), rules)
    path = tmp_path / "s.csv"
    write_steps_csv(d, path)
    rows = list(csv.DictReader(path.open()))
    assert [int(r["complexity"]) for r in rows] == [s.complexity for s in d.steps]
    assert [int(r["wrong"]) for r in rows] == [s.wrong for s in d.steps]
    assert json.loads(rows[1]["witness"])["add"] == [f"{a} → {l}" for a, l in d.steps[1].witness.rules.items()]
    assert [rules.deserialise(json.loads(r["witness"])) for r in rows] == [s.witness for s in d.steps]  # whole


@pytest.mark.parametrize("content, message", [
    ("not json", "is not JSON"),
    ('{"a": 1}', "is not a phasediag diagram"),
    ('{"schema": "phasediag.diagram/9"}', "has schema 'phasediag.diagram/9'"),
    ('{"schema": "phasediag.diagram/1", "task": {}}', "missing field"),
])
def test_foreign_files(tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_text(content)
    with pytest.raises(FileFormatError, match=message):
        read_diagram(path)
    with pytest.raises(FileFormatError, match="Cannot read"):
        read_diagram(tmp_path / "missing.json")


def test_damaged_steps(tmp_path, rules):
    d = dp_diagram(load_task("prefix-sorting:n=3,length=2"), rules)
    obj = diagram_to_json(d)
    obj["steps"][2]["witness"]["remove"] = ["zz → 1"]
    path = tmp_path / "x.json"
    path.write_text(json.dumps(obj))
    with pytest.raises(FileFormatError, match="does not apply"):
        read_diagram(path)
    obj = diagram_to_json(d)
    obj["steps"][1], obj["steps"][2] = obj["steps"][2], obj["steps"][1]
    path.write_text(json.dumps(obj))
    with pytest.raises(FileFormatError, match="increasing complexity"):
        read_diagram(path)


def test_reading_without_witnesses_keeps_every_number(tmp_path, rules):
    d = dp_diagram(load_task("prefix-sorting:n=4,length=3"), rules)
    write_diagram(d, tmp_path / "d.json")
    light = read_diagram(tmp_path / "d.json", witnesses=False)
    assert [(s.complexity, s.wrong, s.status) for s in light.steps] == [(s.complexity, s.wrong, s.status) for s in d.steps]
    assert all(s.witness is None for s in light.steps)
