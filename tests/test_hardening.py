"""Edges a hostile user finds: numbers past what a consumer takes, text printed as markup, paths
that cannot be written, degenerate labels; each gets one line and exit 2, or works."""

from __future__ import annotations

import json

import pytest

from phasediag.cli import main
from phasediag.io import read_diagram

TINY = "prefix-sorting:n=3,length=2"


@pytest.mark.parametrize("argv, message", [
    (["compute", TINY, "--method", "cpsat", "--seed", str(2**31)], "--seed"),
    (["compute", TINY, "--method", "cpsat", "--workers", str(2**31)], "--workers"),
    (["compute", TINY, "--max-complexity", str(2**63)], "--max-complexity"),
    (["compute", TINY, "--method", "tempered", "--steps", str(10**30)], "--steps"),
    (["compute", TINY, "--data", "1e30", "--replace"], "--data"),
    (["compute", TINY, "--data", str(2**40), "--replace"], "--data"),
    (["compute", TINY, "--method", "cpsat", "--time-limit", "inf"], "finite number of seconds"),
    (["compute", TINY, "--method", "cpsat", "--time-limit", "nan"], "finite number of seconds"),
    (["compute", TINY, "--out", "/proc/phasediag-test.json"], "cannot be written"),
    (["compute", TINY, "--out", "x" * 300 + ".json"], "at most 200 bytes"),
    (["circuits", "census", "--verify", str(10**30)], "--verify"),
])
def test_numbers_and_paths_past_what_consumers_take(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    if "--out" not in argv and argv[0] == "compute":
        argv = argv + ["--out", "d.json"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_library_refuses_the_same_numbers():
    from phasediag import load_programs, load_task, sample_diagram
    from phasediag.errors import ParameterError
    from phasediag.methods import cpsat_diagram

    task, rules = load_task(TINY), load_programs("prefix-rules")
    with pytest.raises(ParameterError, match="steps must be in"):
        sample_diagram(task, rules, steps=10**13)
    with pytest.raises(ParameterError, match="seed must be in"):
        cpsat_diagram(task, rules, seed=2**31)
    with pytest.raises(ParameterError, match="finite number of seconds"):
        cpsat_diagram(task, rules, time_limit=float("inf"))


def test_files_are_standard_json_even_when_statistics_are_not_finite(tmp_path):
    out = tmp_path / "d.json"
    assert main(["compute", TINY, "--method", "tempered", "--steps", "60", "--chains", "1",
                 "--lambdas", "1e30,1e30", "--betas", "1e6", "--out", str(out)]) == 0

    def refuse(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    json.loads(out.read_text(), parse_constant=refuse)  # no NaN, Infinity
    assert read_diagram(out).steps


def test_user_text_is_printed_as_text_not_markup(tmp_path, capsys):
    lexicon = tmp_path / "w.csv"
    lexicon.write_text("input,label\nab,[/x]\nac,[bold red]loud\nb,[/x]\n", encoding="utf-8")
    assert main(["compute", f"table:path={lexicon}", "--out", str(tmp_path / "d.json")]) == 0
    out = capsys.readouterr().out
    assert "[bold" in out and "[/x]" in out  # as markup, rich would have consumed both


def test_labels_with_the_rule_arrow_round_trip(tmp_path):
    lexicon = tmp_path / "w.csv"
    lexicon.write_text("input,label\nab,x → y\nac,z\nb,z\n", encoding="utf-8")
    out = tmp_path / "d.json"
    assert main(["compute", f"table:path={lexicon}", "--out", str(out)]) == 0
    assert any(label == "x → y" for s in read_diagram(out).steps for label in s.witness.rules.values())


def test_vary_saves_values_that_are_paths(tmp_path):
    files = []
    for k in (1, 2):
        files.append(tmp_path / f"w{k}.csv")
        files[-1].write_text("input,label\nab,x\nac,y\n" + "b,x\n" * k, encoding="utf-8")
    save = tmp_path / "saved"
    save.mkdir()
    assert main(["vary", "table", "--param", "path=" + ",".join(map(str, files)), "--out", str(tmp_path / "v.png"),
                 "--save", str(save)]) == 0
    assert len(list(save.glob("*.json"))) == 2


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = tmp_path_factory.mktemp("d") / "d.json"
    assert main(["compute", TINY, "--out", str(path)]) == 0
    return json.loads(path.read_text())


@pytest.mark.parametrize("damage, message", [
    (lambda o: o["steps"][1].update(error=1.5), "field steps.1.error"),
    (lambda o: o["steps"][1].update(error=0.2), "is not wrong/total"),
    (lambda o: o["steps"][0].update(complexity=-1), "field steps.0.complexity"),
    (lambda o: o["steps"][1].update(lower_bound=5), "lower_bound 5 is above"),
    (lambda o: o.update(complete="false"), "field complete"),
    (lambda o: o.update(data="none"), "field data"),
    (lambda o: o["steps"][1].update(total=0, wrong=0), "field steps.1.total"),
    (lambda o: o["steps"][1]["witness"]["add"].append("cc → 1"), "the witness has complexity"),
    (lambda o: o.pop("steps"), "missing field 'steps'"),
])
def test_damaged_diagram_files_are_refused_naming_the_field(tmp_path, capsys, written, damage, message):
    obj = json.loads(json.dumps(written))
    damage(obj)
    path = tmp_path / "x.json"
    path.write_text(json.dumps(obj))
    assert main(["show", str(path)]) == 2  # reads the witnesses too
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("text, message", [
    ('{"schema": "phasediag.diagram/1", "schema": "x"}', "given twice"),
    ('{"schema": "phasediag.diagram/1", "runtime_s": NaN}', "not a JSON number"),
    ("[" * 100_000 + "]" * 100_000, "nests its JSON too deeply"),
    ('{"schema": "phasediag.diagram/1", "runtime_s": ' + "9" * 5000 + "}", "not standard JSON"),
])
def test_foreign_json_is_refused(tmp_path, capsys, text, message):
    path = tmp_path / "x.json"
    path.write_text(text)
    assert main(["spectrum", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_special_files_are_not_read_without_limit(tmp_path, capsys):
    device = tmp_path / "z.csv"
    device.symlink_to("/dev/zero")
    for argv in (["plot", "/dev/zero", "--out", "/tmp/never.png"], ["sweep", "/dev/zero"],
                 ["compute", f"table:path={device}", "--out", str(tmp_path / "d.json")], ["compare", "/dev/zero", "/dev/zero"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "Cannot read" in err and len(err.strip().splitlines()) == 1, err


def test_temporaries_of_killed_runs_are_cleaned_and_interrupts_say_what_is_on_disk(tmp_path, monkeypatch, capsys):
    out = tmp_path / "d.json"
    stale = tmp_path / ".d.json.999999999.abc.json"  # a run killed mid-write (no such process)
    stale.write_text("{")
    assert main(["compute", TINY, "--out", str(out)]) == 0
    assert out.exists() and not stale.exists()

    import sys

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sys.modules["phasediag.cli.compute"], "plot_diagrams", interrupted)
    capsys.readouterr()
    assert main(["compute", TINY, "--out", str(out), "--plot", str(tmp_path / "d.png")]) == 3
    assert f"complete files written before: {out}" in capsys.readouterr().err and not (tmp_path / "d.png").exists()


def test_astronomical_sizes_are_reported_not_overflowed(tmp_path, capsys):
    out = tmp_path / "d.json"
    assert main(["compute", "prefix-sorting:n=200,length=200", "--max-complexity", "3", "--out", str(out)]) == 0
    assert read_diagram(out).steps[-1].complexity == 3
    assert main(["task", "export", "prefix-sorting:n=4,length=999", "--out", str(tmp_path / "x.csv")]) == 2
    assert "2.87e+601 inputs" in capsys.readouterr().err


@pytest.mark.parametrize("weights", [[2**63 - 1, 2**63 - 1], [2**62] * 3, [2**53, 1]])
def test_weights_past_exact_counting_are_refused(tmp_path, capsys, weights):
    lexicon = tmp_path / "w.csv"
    lexicon.write_text("input,label,weight\n" + "".join(f"w{i},{i % 2},{w}\n" for i, w in enumerate(weights)))
    for method in ("exact", "cpsat", "tempered"):
        assert main(["compute", f"table:path={lexicon}", "--method", method, "--out", str(tmp_path / "d.json")]) == 2
        assert "past what every method counts exactly" in capsys.readouterr().err


def test_ladders_beyond_floats_are_refused(tmp_path, capsys):
    for option, value in (("--betas", "1e-300:1e300:4"), ("--lambdas", "1e308,1e308")):
        argv = ["compute", TINY, "--method", "tempered", option, value, "--out", str(tmp_path / "d.json")]
        assert main(argv) == 2
        assert "must be in [" in capsys.readouterr().err


def test_scheduler_addresses_that_cannot_work_get_one_line(tmp_path, capsys):
    grid = tmp_path / "g.toml"
    grid.write_text('[task]\nfamily = "prefix-sorting"\nn = 3\nlength = 2\n')
    assert main(["sweep", str(grid), "--out", str(tmp_path / "r"), "--scheduler", "tls://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "Cannot reach a Dask scheduler at tls://127.0.0.1:9" in err and len(err.strip().splitlines()) == 1


def test_words_too_long_and_alphabets_too_large_are_refused(tmp_path, capsys):
    long = tmp_path / "long.csv"
    long.write_text("input,label\n" + "a" * 100_000 + ",x\nb,y\n")
    wide = tmp_path / "wide.csv"
    wide.write_text("input,label\n" + "".join(f"{chr(0x4E00 + k)},{k % 2}\n" for k in range(32_768)), encoding="utf-8")
    for path in (long, wide):
        assert main(["compute", f"table:path={path}", "--programs", "suffix-rules", "--out", str(tmp_path / "d.json")]) == 2
        assert "tasks take inputs of at most" in capsys.readouterr().err


def test_show_does_not_open_the_file_a_diagram_names(tmp_path, capsys):
    lexicon = tmp_path / "w.csv"
    lexicon.write_text("input,label\nab,x\nac,y\nb,x\n")
    out = tmp_path / "d.json"
    assert main(["compute", f"table:path={lexicon}", "--out", str(out)]) == 0
    lexicon.write_text("root:x:0:0:root:/root:/bin/bash\n")  # what the file names now
    capsys.readouterr()
    assert main(["show", str(out)]) == 0
    assert "root:" not in capsys.readouterr().out


def _phasediag_process(argv, **kwargs):
    """``phasediag ARGV`` as a real process in its own process group (as a terminal runs it),
    once its package has loaded: the console script's guard is what runs next."""
    import subprocess
    import sys

    script = "import sys; from phasediag.entry import run; print('ready', file=sys.stderr, flush=True); run()"
    process = subprocess.Popen([sys.executable, "-c", script, *argv], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True, **kwargs)
    assert process.stderr.readline().decode().strip() == "ready"
    return process


def _signal_and_wait(process, signum, delay, limit=120) -> str:
    """Send ``signum`` to the process group ``delay`` seconds from now; its stderr once it exits."""
    import os
    import subprocess
    import time

    time.sleep(delay)
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:  # it had finished
        pass
    try:
        return process.communicate(timeout=limit)[1].decode()
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        raise AssertionError(f"still running {limit} s after signal {signum} at {delay} s") from None


#: Commands and the moments (seconds after the package has loaded) Ctrl-C comes: from loading the
#: CLI's libraries (~0.5 s) through the work. Each command writes into the folder it is given.
INTERRUPTED = {
    "dp": (["compute", "prefix-sorting:n=6,length=6", "--method", "dp", "--out", "{d}/d.json"],
           (0.0, 0.05, 0.3, 0.6, 1.0, 2.0, 3.5)),
    "cpsat": (["compute", "prefix-sorting:n=5,length=4", "--method", "cpsat", "--out", "{d}/d.json"],
              (0.0, 0.05, 0.3, 0.6, 1.0, 2.0, 3.5)),
    "tempered": (["compute", "prefix-sorting:n=4,length=4", "--method", "tempered", "--out", "{d}/d.json"],
                 (0.3, 1.0, 2.5, 5.0)),
    "enumerate": (["compute", "boolean:family=parity,inputs=3", "--programs", "circuits", "--method", "enumerate",
                   "--out", "{d}/d.json"], (0.3, 0.7, 1.0)),
    "census": (["circuits", "census", "--verify", "2", "--out", "{d}/census.json"], (0.3, 0.8, 1.5, 2.2)),
    "vary": (["vary", "prefix-sorting:length=4", "--param", "n=2,3,4", "--out", "{d}/v.png", "--csv", "{d}/v.csv",
              "--save", "{d}"], (0.3, 0.6, 0.9, 1.2)),
    "collapse": (["collapse", "prefix-sorting:n=4,length=4", "--data", "10,100,200", "--out", "{d}/c.png",
                  "--csv", "{d}/c.csv"], (0.3, 0.6, 0.9, 1.2)),
}


@pytest.mark.parametrize("command", list(INTERRUPTED))
def test_ctrl_c_at_any_moment_of_a_real_process(tmp_path, command):
    """SIGINT to the process group (what Ctrl-C sends) of a phasediag command at moments from the
    start of the console script's guard through loading the CLI's libraries to its work: it exits
    within seconds, with exit 0 (it had finished) or 3 and one line saying what is on disk, never a
    traceback; what is on disk is complete or marked incomplete and readable, with no temporaries."""
    import signal

    argv, delays = INTERRUPTED[command]
    for k, delay in enumerate(delays):
        folder = tmp_path / str(k)
        folder.mkdir()
        process = _phasediag_process([a.format(d=folder) for a in argv])
        err = _signal_and_wait(process, signal.SIGINT, delay)
        assert "Traceback" not in err, err
        assert process.returncode in (0, 3), (delay, process.returncode, err)
        if process.returncode == 3:  # says what is on disk
            assert "nothing was written" in err or "marked incomplete" in err or "written before" in err, err
        for path in folder.iterdir():
            assert not path.name.startswith("."), f"a temporary was left: {path.name}"
            if path.name == "census.json":
                assert json.loads(path.read_text())["inputs"] == 4
            elif path.suffix == ".json":
                read_diagram(path)


def test_ctrl_c_while_the_sampler_compiles(tmp_path):
    """The tempered sampler's first run on a machine compiles its Numba kernels (no cache yet):
    Ctrl-C then still ends it with exit 3, one message and a readable file or none."""
    import os
    import signal

    out = tmp_path / "d.json"
    process = _phasediag_process(["compute", "prefix-sorting:n=4,length=4", "--method", "tempered", "--out", str(out)],
                                 env=dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cold")))
    err = _signal_and_wait(process, signal.SIGINT, 4.0)
    assert "Traceback" not in err, err
    assert process.returncode == 3 and ("nothing was written" in err or "marked incomplete" in err), err
    if out.exists():
        assert not read_diagram(out).complete


def test_a_run_killed_at_any_moment_leaves_what_the_next_run_cleans(tmp_path):
    """SIGKILL (nothing can run then) of ``compute`` at moments through its work: the output is
    absent or complete; the same command run again writes it and leaves no temporary beside it."""
    import signal

    out = tmp_path / "d.json"
    for delay in (0.3, 1.0, 2.0, 3.0):
        err = _signal_and_wait(_phasediag_process(["compute", "prefix-sorting:n=6,length=6", "--out", str(out)]),
                               signal.SIGKILL, delay)
        assert "Traceback" not in err, err
        if out.exists():
            assert read_diagram(out).complete
        assert main(["compute", TINY, "--out", str(out)]) == 0
        assert read_diagram(out).task.spec.startswith(TINY)
        assert [p.name for p in tmp_path.iterdir()] == ["d.json"]
        out.unlink()


def test_ctrl_c_of_a_sweep_stops_its_cluster_and_a_rerun_resumes(tmp_path):
    """SIGINT to ``phasediag sweep`` on a local cluster, before and while points are computed: it
    exits with 3 and says where the finished points are; no cluster process outlives it; the same
    sweep run again computes only what is missing and ends with every point, each the closed-form
    front of its task (exact) or a front never below it (tempered)."""
    import signal

    import psutil

    from conftest import closed_form_front

    grid = tmp_path / "g.toml"
    grid.write_text('[task]\nfamily = "prefix-sorting"\nn = [3, 4]\nlength = [3, 4]\n\n'
                    '[run]\nprograms = "prefix-rules"\nmethod = ["exact", "tempered"]\nsteps = 2000\n')
    out = tmp_path / "s"
    for delay in (1.0, 9.0):
        process = _phasediag_process(["sweep", str(grid), "--out", str(out), "--workers", "2"])
        me = psutil.Process(process.pid)
        err = _signal_and_wait(process, signal.SIGINT, delay)
        assert "Traceback" not in err, err
        assert process.returncode in (0, 3), (delay, process.returncode, err)
        if process.returncode == 3:
            assert "Run the same command again to resume" in err, err
        left = [p for p in psutil.process_iter(["cmdline"]) if str(out) in " ".join(p.info["cmdline"] or ())
                and p.pid != me.pid]
        assert not left, "cluster processes outlived the sweep"
    assert main(["sweep", str(grid), "--out", str(out), "--workers", "2"]) == 0
    with open(out / "index.csv", newline="") as f:
        import csv

        rows = list(csv.DictReader(f))
    assert len(rows) == 8 and {r["outcome"] for r in rows} == {"done"}
    for row in rows:
        d = read_diagram(out / row["file"])
        exact = dict(closed_form_front(int(row["task.n"]), int(row["task.length"])))
        assert d.complete
        for step in d.steps:  # sampled steps are upper bounds; exact ones are the closed form
            least = min(w for c, w in exact.items() if c <= step.complexity)
            assert step.wrong == least if row["method"] == "dp" else step.wrong >= least


def test_a_killed_sweep_leaves_no_worker_running(tmp_path):
    """SIGKILL of ``phasediag sweep`` on its local cluster (the client cannot stop anything then):
    its nannies and workers exit on their own within seconds."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    import psutil

    grid = Path(__file__).resolve().parents[1] / "examples" / "prefix-sorting.toml"
    process = subprocess.Popen([sys.executable, "-c", "from phasediag.entry import run; run()", "sweep", str(grid),
                                "--out", str(tmp_path / "s"),
                                "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    family: list = []
    while time.monotonic() < deadline and sum("spawn_main" in " ".join(p.cmdline()) for p in family) < 2:
        time.sleep(0.5)
        family = psutil.Process(process.pid).children(recursive=True)  # two workers, a resource tracker
    assert len(family) >= 2, "the local cluster did not start"
    time.sleep(2)  # the watch starts once the client has its workers
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    gone, alive = psutil.wait_procs(family, timeout=30)
    for p in alive:
        p.kill()
    assert not alive, f"{len(alive)} cluster processes outlived the killed sweep"


def test_ctrl_c_while_matplotlib_loads_or_saves_comes_once_it_is_done(tmp_path):
    """SIGINT while matplotlib's Agg renderer (a C extension) is being imported: the import
    completes and KeyboardInterrupt comes after it (raised inside an extension's initialisation it
    becomes an ImportError traceback; a real ``collapse`` met this). SIGINT while a figure is saved:
    KeyboardInterrupt comes once the file is written, with no temporary beside it. In a fresh
    interpreter, where matplotlib is not loaded yet."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import importlib.abc, os, signal, sys, time
        from pathlib import Path

        def ctrl_c():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)

        class CtrlCWhileTheRendererLoads(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name == "matplotlib.backends._backend_agg":
                    ctrl_c()

        sys.meta_path.insert(0, CtrlCWhileTheRendererLoads())
        from phasediag.figures import pyplot, save
        try:
            pyplot("x.png")
        except KeyboardInterrupt:
            print("loaded" if "matplotlib.backends._backend_agg" in sys.modules else "not loaded")
        plt = pyplot("x.png")
        fig = plt.figure()
        drawn = fig.savefig
        fig.savefig = lambda *args, **kwargs: (ctrl_c(), drawn(*args, **kwargs))
        out = Path(sys.argv[1]) / "f.png"
        try:
            save(fig, out)
        except KeyboardInterrupt:
            print("written" if out.stat().st_size > 0 else "empty", *sorted(p.name for p in out.parent.iterdir()))
    """)
    run = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert run.stdout.split("\n")[:2] == ["loaded", "written f.png"], run.stdout


def test_ctrl_c_during_a_kernel_that_returns_arrays_is_a_keyboard_interrupt():
    """SIGINT from another process (as from a terminal) while a kernel runs that returns a tuple of
    arrays: the call raises KeyboardInterrupt, every time. Numba's tuple boxing drops a Ctrl-C
    raised inside its unpickling of the arrays' dtype, and a SystemError came out instead (a
    forked walk met this). The kernel is made with :mod:`phasediag.jit`'s njit, in a fresh
    interpreter, where Numba has not run anything yet."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import os, subprocess, sys
        import numpy as np
        from phasediag.jit import njit

        @njit
        def sums(n):
            out = np.zeros(4)
            for i in range(n):
                out[i % 4] += i * 0.5
            return out, np.ones(2, dtype=np.uint64)

        sums(10)
        for trial in range(12):
            subprocess.Popen(["sh", "-c", f"sleep {0.05 + 0.01 * trial}; kill -INT {os.getpid()}"])
            try:
                while True:
                    sums(1 << 22)
            except KeyboardInterrupt:
                print("KeyboardInterrupt")
            except BaseException as e:
                print(type(e).__name__)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["KeyboardInterrupt"] * 12, run.stdout


def test_a_ctrl_c_held_back_reaches_the_handler_it_was_held_from():
    """held_interrupts delivers a Ctrl-C that came inside it to the handler in place before: one
    that notices it (a loop over searches stopping) sees it, once, as the block ends; nested
    holds hand it outwards, and only the outermost raises."""
    import signal

    from phasediag.interrupts import held_interrupts, noticed_interrupts

    with noticed_interrupts() as interrupted:
        with pytest.raises(KeyboardInterrupt):
            with held_interrupts() as came:
                with held_interrupts():
                    signal.raise_signal(signal.SIGINT)
                    assert not interrupted()
                assert came() and not interrupted()  # handed to the outer hold, not raised yet
        assert interrupted()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
