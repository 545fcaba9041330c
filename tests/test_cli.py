import csv
import json
import importlib

import pytest

from phasediag.cli import main
from phasediag.io import read_diagram
from phasediag.methods import dp_diagram
from phasediag.tasks import load_task


def test_tasks_lists_every_parameter(capsys):
    assert main(["tasks"]) == 0
    out = capsys.readouterr().out
    for name in ("prefix-sorting", "n", "length", "structure", "rate", "alpha", "seed", "one-per-parent", "[2, 3844]"):
        assert name in out


def test_compute_writes_the_library_diagram(tmp_path, rules, capsys):
    out, png, steps = tmp_path / "d.json", tmp_path / "d.png", tmp_path / "d.csv"
    code = main(["compute", "prefix-sorting:n=5,length=4", "--programs", "prefix-rules", "--method", "exact",
                 "--out", str(out), "--plot", str(png), "--csv", str(steps)])
    assert code == 0
    d = read_diagram(out)
    expected = dp_diagram(load_task("prefix-sorting:n=5,length=4"), rules)
    assert d.steps == expected.steps and d.all_optimal and d.complete
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(list(csv.DictReader(steps.open()))) == len(d.steps)
    printed = capsys.readouterr().out
    assert "157 steps, all optimal (proved)" in printed and "c=6 (÷3)" in printed


def test_compute_cpsat_with_eps(tmp_path, rules):
    out = tmp_path / "c.json"
    assert main(["compute", "prefix-sorting:n=4,length=3", "--method", "cpsat", "--eps", "0.3,0.1",
                 "--workers", "1", "--out", str(out)]) == 0
    d, truth = read_diagram(out), dp_diagram(load_task("prefix-sorting:n=4,length=3"), rules)
    assert [d.complexity_at(e) for e in (0.3, 0.1)] == [truth.complexity_at(e) for e in (0.3, 0.1)]


def test_incomplete_run_exits_3_and_keeps_steps(tmp_path):
    out = tmp_path / "c.json"
    code = main(["compute", "prefix-sorting:n=5,length=4", "--method", "cpsat", "--time-limit", "0.05",
                 "--out", str(out)])
    d = read_diagram(out)
    assert (code, d.complete) in {(3, False), (0, True)}


def test_plot_overlays(tmp_path, rules):
    paths = []
    for spec in ("prefix-sorting:n=4,length=3", "prefix-sorting:n=4,length=3,structure=bernoulli"):
        paths.append(str(tmp_path / f"{len(paths)}.json"))
        assert main(["compute", spec, "--out", paths[-1]]) == 0
    assert main(["plot", *paths, "--out", str(tmp_path / "both.svg")]) == 0
    svg = (tmp_path / "both.svg").read_text()
    assert "structure=bernoulli" in svg and "structure=one-per-parent" in svg


def test_task_export(tmp_path):
    out = tmp_path / "x.csv"
    assert main(["task", "export", "prefix-sorting:n=3,length=3,seed=2", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    task = load_task("prefix-sorting:n=3,length=3,seed=2")
    assert [r["input"] for r in rows] == [task.render(c) for c in task.table.codes]
    assert [r["label"] for r in rows] == [task.labels[y] for y in task.table.labels]
    assert {r["weight"] for r in rows} == {"1"}


@pytest.mark.parametrize("argv, message", [
    (["compute", "nosuch", "--out", "X.json"], "Unknown task 'nosuch'"),
    (["compute", "prefix-sorting:k=2", "--out", "X.json"], "Unknown parameter 'k'"),
    (["compute", "prefix-sorting:n=1", "--out", "X.json"], "'n' parameter of prefix-sorting must be an integer in [2, 3844]"),
    (["compute", "prefix-sorting:length=0", "--out", "X.json"], "'length' parameter of prefix-sorting must be an integer in [1, 1000]"),
    (["compute", "prefix-sorting:n=100,length=10", "--out", "X.json"], "give a complexity cap"),
    (["compute", "prefix-sorting:n=100,length=10,structure=bernoulli", "--max-complexity", "5", "--out", "X.json"],
     "listing them is limited"),
    (["compute", "prefix-sorting:n=6,length=7", "--method", "cpsat", "--out", "X.json"], "use --method dp"),
    (["compute", "prefix-sorting", "--eps", "1.5", "--out", "X.json"], "Every eps (error target) must be in [0, 1]. Got 1.5."),
    (["compute", "prefix-sorting", "--eps", "-0.1", "--out", "X.json"], "Every eps (error target) must be in [0, 1]. Got -0.1."),
    (["compute", "prefix-sorting", "--method", "dp", "--time-limit", "5", "--out", "X.json"],
     "--time-limit does not apply to --method dp"),
    (["compute", "boolean:family=parity,inputs=3", "--method", "enumerate", "--time-limit", "5", "--out", "X.json"],
     "--time-limit does not apply to --method enumerate"),
    (["compute", "prefix-sorting", "--sampler", "both", "--out", "X.json"], "--sampler does not apply to --method exact."),
    (["compute", "prefix-sorting", "--method", "tempered", "--workers", "2", "--out", "X.json"],
     "--workers does not apply to --method tempered"),
    (["compute", "prefix-sorting", "--method", "tempered", "--betas", "", "--out", "X.json"], "grid is empty"),
    (["compute", "prefix-sorting", "--method", "tempered", "--betas", "0:1:3", "--out", "X.json"],
     "must be a positive finite number. Got 0.0"),
    (["compute", "prefix-sorting", "--method", "tempered", "--lambdas", "1:x:3", "--out", "X.json"], "takes LO:HI:N"),
    (["compute", "prefix-sorting", "--method", "tempered", "--steps", "0", "--out", "X.json"], "0 is not in the range 1<=x<="),
    (["compute", "prefix-sorting", "--method", "tempered", "--chains", "0", "--out", "X.json"], "0 is not in the range 1<=x<="),
    (["compute", "prefix-sorting:n=100,length=10", "--method", "tempered", "--max-complexity", "1000000000",
      "--out", "X.json"], "GiB is available"),
    (["compute", "boolean:inputs=1,table=0b01", "--method", "tempered", "--out", "X.json"], "at least 2 input bits"),
    (["compute", "prefix-sorting", "--method", "tempered", "--max-complexity", "0", "--out", "X.json"],
     "cap (--max-complexity, max_complexity) must be at least 1"),
    (["compute", "prefix-sorting", "--out", "X.txt"], "--out must end in .json"),
    (["compute", "prefix-sorting", "--out", "X.json", "--plot", "X.gif"], "--plot must end in"),
    (["compute", "prefix-sorting", "--programs", "gates", "--out", "X.json"], "Unknown program class"),
    (["compute", "prefix-sorting:n=2,length=5", "--programs", "circuits:basis=nand", "--out", "X.json"],
     "'basis' parameter of circuits must be one of b2, aig, and-or-not"),
    (["compute", "prefix-sorting:n=2,length=5", "--programs", "circuits", "--method", "enumerate", "--out", "X.json"],
     "Use --method cpsat (up to 8 inputs)"),
    (["compute", "prefix-sorting:n=2,length=4", "--programs", "circuits", "--method", "dp", "--out", "X.json"],
     "Method 'dp' does not work on circuits. Allowed: exact, enumerate, cpsat, tempered."),
    (["compute", "boolean:family=parity,inputs=9", "--out", "X.json"], "at most 8 inputs"),
    (["compute", "boolean:table=0x1ff,inputs=3", "--out", "X.json"], "does not fit inputs=3"),
    (["compute", "prefix-sorting:n=5,length=3", "--programs", "circuits", "--out", "X.json"],
     "9 input bits as a Boolean function"),
    (["circuits", "census", "--inputs", "5"], "not in the range 1<=x<=4"),
    (["circuits", "census", "--basis", "nand"], "'nand' is not one of"),
    (["compute", "prefix-sorting", "--nope"], "No such option"),
    (["task", "export", "prefix-sorting:n=100,length=10", "--out", "X.csv"], "listing them is limited"),
])
def test_bad_input_one_line_exit_2_nothing_written(tmp_path, capsys, argv, message):
    argv = [a.replace("X.", str(tmp_path / "X.")) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("phasediag: error: ") and message in err
    assert list(tmp_path.iterdir()) == []


def test_exact_takes_a_time_limit_whichever_method_it_picks(tmp_path):
    """``--method exact`` picks by size (enumeration up to 4 inputs, CP-SAT above; the DP for
    rules): a time limit given for a batch of tasks applies where the picked method takes it and
    is not needed where it finishes without, so no task of the batch is refused for it."""
    for spec, picked in (("boolean:family=parity,inputs=3", "enumerate"), ("boolean:family=parity,inputs=5", "cpsat"),
                         ("prefix-sorting:n=3,length=3", "dp")):
        out = tmp_path / f"{picked}.json"
        assert main(["compute", spec, "--time-limit", "30", "--workers", "1", "--out", str(out)]) == 0
        written = json.loads(out.read_text())["method"]
        assert written["name"] == picked
        assert written["time_limit"] == (30 if picked == "cpsat" else None)


@pytest.mark.parametrize("content, message", [("{", "is not JSON"), ('{"x": 1}', "not a phasediag diagram"),
                                              (None, "Cannot read")])
def test_plot_rejects_bad_files(tmp_path, capsys, content, message):
    src = tmp_path / "in.json"
    if content is not None:
        src.write_text(content)
    assert main(["plot", str(src), "--out", str(tmp_path / "f.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not (tmp_path / "f.png").exists()


def test_help_and_version(capsys):
    assert main(["--help"]) == 0 and "compute" in capsys.readouterr().out
    assert main(["--version"]) == 0


def test_interrupted_dp_writes_nothing_and_exits_3(tmp_path, monkeypatch, capsys):
    compute = importlib.import_module("phasediag.cli.compute")  # the module, not the command

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(compute, "diagram_fit", lambda *args, **kwargs: interrupted)
    assert main(["compute", "prefix-sorting", "--out", str(tmp_path / "d.json")]) == 3
    assert "interrupted" in capsys.readouterr().err and list(tmp_path.iterdir()) == []


def test_census_command_writes_the_documented_json(tmp_path, capsys):
    out = tmp_path / "census.json"
    assert main(["circuits", "census", "--inputs", "3", "--verify", "2", "--out", str(out)]) == 0
    obj = json.loads(out.read_text())
    assert (obj["inputs"], obj["basis"]) == (3, "b2")
    assert set(obj["census"]) == {str(k) for k in range(9)}
    assert obj["census"]["0"] == [8, 30, 114, 80, 24] and obj["verified"]["agree"] == 2
    assert "agrees on 2 of 2" in capsys.readouterr().out


def test_circuits_end_to_end_with_rules_side_by_side(tmp_path, capsys):
    gates, rules = tmp_path / "gates.json", tmp_path / "rules.json"
    spec = "prefix-sorting:n=2,length=4"
    assert main(["compute", spec, "--programs", "circuits", "--out", str(gates)]) == 0
    assert main(["compute", spec, "--out", str(rules)]) == 0
    assert main(["plot", str(gates), str(rules), "--out", str(tmp_path / "both.png")]) == 0
    d = read_diagram(gates)
    last = d.steps[-1]
    capsys.readouterr()
    assert main(["show", str(gates), "--step", str(last.complexity), "--out", str(tmp_path / "c.png")]) == 0
    printed = capsys.readouterr().out
    assert f"complexity {last.complexity}" in printed and all(line in printed for line in last.witness.lines())
    assert (tmp_path / "c.png").stat().st_size > 0
    assert main(["show", str(gates), "--step", "99"]) == 2
    assert "no step of complexity 99" in capsys.readouterr().err
    assert main(["show", str(rules), "--out", str(tmp_path / "r.png")]) == 2


def test_tempered_compute_compare_and_plot(tmp_path, capsys):
    exact, sampled, png = tmp_path / "e.json", tmp_path / "s.json", tmp_path / "s.png"
    spec = "prefix-sorting:n=4,length=3"
    assert main(["compute", spec, "--max-complexity", "12", "--out", str(exact)]) == 0
    assert main(["compute", spec, "--method", "tempered", "--max-complexity", "12", "--steps", "4000", "--seed", "3",
                 "--betas", "0.2:6:4", "--out", str(sampled), "--plot", str(png)]) == 0
    d = read_diagram(sampled)
    assert {s.status for s in d.steps} == {"sampled"} and d.method.name == "tempered" and d.method.seed == 3
    assert "density_of_states" in d.diagnostics and "tempering" in d.diagnostics
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    capsys.readouterr()
    assert main(["compare", str(exact), str(sampled), "--plot", str(tmp_path / "c.png")]) == 0
    out = " ".join(capsys.readouterr().out.split())  # rich wraps lines
    assert "matched 100.0% of 13 exact steps" in out and "front exact after" in out
    assert main(["compare", str(exact), str(tmp_path / "missing.json")]) == 2


def test_spectrum_command_gives_the_closed_form_efficiencies(tmp_path, capsys):
    """Prefix-sorting n=5, L=4: learning level k costs 5^(k-1) rules, each fixing 3^(4-k) of the
    625 inputs, so the spectrum has one segment per level with efficiency 3^(4-k)/625."""
    assert main(["compute", "prefix-sorting:n=5,length=4", "--out", str(tmp_path / "d.json")]) == 0
    code = main(["spectrum", str(tmp_path / "d.json"), "--out", str(tmp_path / "s.png"), "--csv", str(tmp_path / "s.csv")])
    assert code == 0 and (tmp_path / "s.png").stat().st_size > 0
    rows = list(csv.DictReader(open(tmp_path / "s.csv")))
    assert [(int(r["start_complexity"]), int(r["end_complexity"])) for r in rows] == [(0, 1), (1, 6), (6, 31), (31, 156)]
    assert [float(r["efficiency"]) for r in rows] == pytest.approx([3 ** (4 - k) / 625 for k in range(1, 5)])
    assert [r["transition"] for r in rows] == ["False", "True", "True", "True"]
    capsys.readouterr()
    assert main(["spectrum", str(tmp_path / "missing.json")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_show_exports_rule_lists_as_csv_and_refuses_what_a_class_cannot_write(tmp_path, capsys):
    out = tmp_path / "rules.json"
    assert main(["compute", "prefix-sorting:n=3,length=2", "--out", str(out)]) == 0
    assert main(["show", str(out), "--step", "3", "--out", str(tmp_path / "rules.csv")]) == 0
    with open(tmp_path / "rules.csv", encoding="utf-8") as f:
        rows = [(r["affix"], r["label"]) for r in csv.DictReader(f)]
    witness = read_diagram(out).steps[3].witness
    assert rows[0] == ("default", witness.default) and dict(rows[1:]) == witness.rules
    capsys.readouterr()
    assert main(["show", str(out), "--out", str(tmp_path / "rules.png")]) == 2
    assert "not drawn" in capsys.readouterr().err and not (tmp_path / "rules.png").exists()
    assert main(["show", str(out), "--out", str(tmp_path / "rules.v")]) == 2
    assert "prefix-rules witnesses are written as .csv." in capsys.readouterr().err
    assert not (tmp_path / "rules.v").exists()
