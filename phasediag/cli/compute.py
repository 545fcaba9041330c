"""``phasediag compute``: one phase diagram, to a JSON file and optionally a plot and CSV."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from time import perf_counter
from typing import Iterator

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..tasks import load_task

from ..analysis import transitions
from ..data import fit_on_data, with_held_out
from ..diagram import PhaseDiagram
from ..errors import ParameterError
from ..io import write_diagram, write_steps_csv
from ..methods import CHOICES, diagram_fit
from ..plot import plot_diagrams
from ..programs import load_programs
from ..task import Task
from ._options import PLOT_SUFFIXES, grid, output_path, seconds, test_size_option
from ..params import LIMITS, count

_STAGES = {"dp": "tree DP over the trie", "witnesses": "witnesses", "cpsat": "CP-SAT (error fixed)",
           "enumerate": "enumerating circuits (depth)", "synthesis": "CP-SAT synthesis (error fixed)",
           "tempering": "parallel tempering (sweeps)",
           "settling": "settling up the λ ladder (run × λ)", "wang-landau": "Wang–Landau (steps per walker)"}


def _floats(_ctx, _param, values: tuple[str, ...]) -> list[float] | None:
    out = []
    for text in values:
        for item in filter(None, (t.strip() for t in text.split(","))):
            try:
                out.append(float(item))
            except ValueError:
                raise click.BadParameter(f"'{item}' is not a number; give eps values in [0, 1].") from None
    return out or None


#: Seconds between progress lines when stderr is not a terminal (CI logs, nohup).
LINE_EVERY = 5.0


@contextmanager
def _progress() -> Iterator:
    """A rich progress bar on stderr, one row per stage, fed by the library's callback; where
    stderr is not a terminal, a line every LINE_EVERY seconds instead."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield _progress_lines()
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        rows: dict[str, int] = {}

        def report(stage: str, done: int, total: int | None) -> None:
            if stage not in rows:
                rows[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
            bar.update(rows[stage], completed=done, total=total)

        yield report


def _progress_lines():
    """The progress callback for logs: ``[  12 s] stage: done/total``, at most every LINE_EVERY s."""
    start = last = perf_counter()

    def report(stage: str, done: int, total: int | None) -> None:
        nonlocal last
        now = perf_counter()
        if now - last >= LINE_EVERY:
            last = now
            count = f"{done:,}/{total:,}" if total else f"{done:,}"
            click.echo(f"[{now - start:6.0f} s] {_STAGES.get(stage, stage)}: {count}", err=True)

    return report


@click.command()
@click.argument("spec")
@click.option("--programs", "programs_name", default=None,
              help="Program class, e.g. prefix-rules, circuits or circuits:basis=aig "
              "(default: the task's natural class).")
@click.option("--method", type=click.Choice(CHOICES), default="exact",
              show_default=True, help="exact = the fastest exact method for the class: the tree DP "
              "for rule lists; enumeration for circuits up to 4 inputs, else CP-SAT. tempered = the "
              "Wang–Landau and parallel-tempering samplers (steps are upper bounds).")
@click.option("--eps", "eps", multiple=True, callback=_floats,
              help="Error targets in [0, 1] (comma-separated or repeated): keep only the steps giving C(eps).")
@click.option("--max-complexity", type=click.IntRange(0, LIMITS["max_complexity"]), default=None,
              help="Stop the front at this complexity (steps up to it stay proved). tempered: the sampler's "
              "cap [rules: every prefix, at most 12,000; circuits: 4*inputs+4 gates, at most 64; trees: "
              "distinct inputs - 1, at most 255].")
@click.option("--time-limit", type=seconds, default=None, help="cpsat: seconds for the whole run; "
              "a step not proved in time is reported with bounds (also under exact where it picks cpsat; the DP and "
              "enumeration finish without one). tempered: stop sampling after this long.")
@click.option("--workers", type=click.IntRange(1, LIMITS["workers"]), default=None, help="cpsat: solver threads [1 for rules, 2 for circuits].")
@click.option("--seed", type=click.IntRange(0, LIMITS["seed"]), default=None, help="cpsat: solver seed; tempered: sampler seed [0].")
@click.option("--sampler", type=click.Choice(["auto", "both", "wang-landau", "tempering"]), default=None,
              help="tempered: which samplers [auto: both when Wang–Landau has at most 6,000 cells, a circuit's counted once per 64 rows, else tempering].")
@click.option("--steps", type=click.IntRange(1, LIMITS["steps"]), default=None,
              help="tempered: proposals per tempering chain; each Wang–Landau walker makes as many as a whole "
              "tempering run [20000].")
@click.option("--chains", type=click.IntRange(1, LIMITS["chains"]), default=None,
              help="tempered: independent runs, for R-hat and agreement [4].")
@click.option("--windows", type=click.IntRange(1, LIMITS["windows"]), default=None,
              help="tempered: Wang–Landau error windows with replica exchange between them [one per "
              "about 1,000 cells, at most 16].")
@click.option("--betas", callback=grid, default=None,
              help="tempered: inverse temperatures, LO:HI:N (geometric) or a comma list [0.1 to 10, "
              "or for rules 1.5*ln(prefixes*labels) if larger; 8 values].")
@click.option("--lambdas", callback=grid, default=None,
              help="tempered: error prices lambda in H = c + lambda*error, LO:HI:N or a comma list "
              "[1 to 4*cap/(least weight fraction), or for closed-form tasks 4/(mass of a prefix "
              "one depth below the finest the cap can cover); 12 values].")
@click.option("--data", "data_size", type=click.IntRange(max=LIMITS["data"]), default=None,
              help="Fit on a training sample of this many inputs drawn from the task (empirical error); "
              "each step also gets its test error.")
@click.option("--data-seed", type=click.IntRange(0, LIMITS["data_seed"]), default=None, help="Seed of the training sample [0].")
@click.option("--replace", is_flag=True, default=None,
              help="Draw the training sample with replacement [without: D distinct inputs].")
@test_size_option
@click.option("--test", "test_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A held-out test set (.csv, .pla, .truth, ... as table:path= reads it): each step's test error "
              "comes from it. With --data, or with a training file (table:path=TRAIN).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Diagram file to write (.json).")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also plot it (.png, .pdf or .svg).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the steps as CSV.")
def compute(spec, programs_name, method, eps, max_complexity, time_limit, workers, seed, sampler, steps, chains,
            windows, betas, lambdas, data_size, data_seed, replace, test_size, test_path, out, plot_path, csv_path) -> int:
    """Compute the phase diagram of the task SPEC (e.g. prefix-sorting:n=5,length=4)."""
    the_task = load_task(spec)
    programs = load_programs(programs_name or the_task.natural_programs)
    output_path(out, (".json",), "--out")
    if plot_path is not None:
        output_path(plot_path, PLOT_SUFFIXES, "--plot")
    if csv_path is not None:
        output_path(csv_path, (".csv",), "--csv")
    fit = diagram_fit(programs, method, eps=eps, max_complexity=max_complexity, time_limit=time_limit,
                      workers=workers, seed=seed, sampler=sampler, steps=steps, chains=chains, windows=windows,
                      betas=betas, lambdas=lambdas)
    data = {"data_seed": data_seed, "replace": replace, "test_size": test_size}
    if data_size is None and any(v is not None for v in data.values()):
        names = ", ".join("--" + k.replace("_", "-") for k, v in data.items() if v is not None)
        raise ParameterError(f"{names} only appl{'ies' if len(names.split(', ')) == 1 else 'y'} with --data D.")
    held_out = None if test_path is None else load_task(f"table:path={test_path}")
    if held_out is not None and test_size is not None:
        raise ParameterError("--test-size sizes a fresh test sample; with --test the test set is the file.")
    with _progress() as report:
        if data_size is None:
            diagram = fit(the_task, report)
            if held_out is not None:
                diagram = with_held_out(diagram, the_task, programs, held_out)
        else:
            diagram = fit_on_data(the_task, programs, fit, size=data_size, seed=data_seed or 0,
                                  replace=bool(replace), test_size=test_size, held_out=held_out, progress=report)
    write_diagram(diagram, out)
    written = [str(out)]
    if plot_path is not None:
        plot_diagrams([diagram], plot_path)
        written.append(str(plot_path))
    if csv_path is not None:
        write_steps_csv(diagram, csv_path)
        written.append(str(csv_path))
    _summarise(diagram, the_task, programs)
    click.echo("wrote " + ", ".join(written))
    if not diagram.complete:
        click.echo("stopped early: the file holds the steps found so far, marked incomplete.", err=True)
        return 3
    return 0


def _summarise(diagram: PhaseDiagram, task: Task, programs) -> None:
    """Steps (all of them if few, else the hull vertices), transitions and unreached targets;
    for rule lists on listed tasks, how many rules of each witness are general or memorised."""
    console = Console()
    steps = diagram.steps
    statuses = {s.status for s in steps}
    proof = "all optimal (proved)" if statuses == {"optimal"} else ", ".join(
        f"{sum(s.status == st for s in steps)} {st}" for st in sorted(statuses))
    unfinished = "" if diagram.complete else " [yellow](front incomplete: stopped early)[/]"
    console.print(f"[bold]{escape(diagram.task.spec)}[/] · {diagram.programs} · {diagram.method.name}: "
                  f"{len(steps)} steps, {proof}, {diagram.runtime_s:.2f} s{unfinished}")
    shown = steps
    found = transitions(diagram)
    if len(steps) > 24:
        keep = {steps[0].complexity, steps[-1].complexity} | {t.complexity for t in found}
        shown = [s for s in steps if s.complexity in keep]
    table = Table(caption=None if shown is steps else f"{len(shown)} of {len(steps)} steps: ends and transitions")
    data = diagram.data
    roles = programs.covers(task)
    columns = ("complexity", "train error" if data else "error", "wrong / total") + (("test error",) if data else ()) \
        + ("status",) + (("general / memorised",) if roles else ()) + ("witness",)
    for column in columns:
        table.add_column(column, justify="right" if column != "witness" else "left")
    describe = load_programs(diagram.programs).describe
    for s in shown:
        lines = describe(s.witness)
        witness = "; ".join(lines[:5]) + (f"; … ({len(lines)} lines)" if len(lines) > 5 else "")
        counts = "-" if s.wrong is None else (f"{s.wrong}/{s.total}" if s.total < 10**12
                                               else f"{count(s.wrong, 7)}/{count(s.total, 1)}")
        status = s.status if s.lower_bound is None else f"{s.status} [{s.lower_bound}, {s.complexity}]"
        test = (f"{s.test_error:.6g}",) if data else ()
        split = ("{} / {}".format(*programs.roles(task, s.witness)),) if roles else ()
        table.add_row(str(s.complexity), f"{s.error:.6g}", counts, *test, status, *split, escape(witness))
    console.print(table)
    if data:
        _summarise_data(console, data)
    if found:
        console.print("transitions (efficiency drop ≥ 1.5×): " +
                      ", ".join(f"c={t.complexity} (÷{t.ratio:.3g})" for t in found))
    for warning in diagram.diagnostics.get("warnings", ()):
        console.print(f"[yellow]{escape(warning)}[/]")
    unreached = diagram.diagnostics.get("unreached_eps")
    if unreached:
        console.print(f"[yellow]eps not reached within the complexity cap: {unreached}[/]")


def _summarise_data(console: Console, data) -> None:
    """The training sample, how test errors were measured, and the collapse point."""
    test = ("exact population error" if data["test"] == "population" else
            f"a fresh sample of {data['test_size']:,} draws" if data["test"] == "sample" else
            f"the held-out file ({data['test_size']:,} in weight)")
    drawn = ("the task itself (a training file)" if data["seed"] is None else
             f"D={data['size']:,} draws (seed {data['seed']}, {'with' if data['replace'] else 'without'} replacement, "
             f"{data['distinct']:,} distinct)")
    console.print(f"trained on {drawn}; test error: {test}")
    c = data["collapse"]
    predicted = ("no population front known" if c["predicted_complexity"] is None else
                 f"c={c['predicted_complexity']} (population error {c['predicted_error']:.6g})")
    measured = "-" if c["measured_complexity"] is None else \
        f"c={c['measured_complexity']} (test error {c['measured_test_error']:.6g})"
    console.print(f"collapse: predicted where efficiency falls below 1/D = {c['efficiency']:.3g}: {predicted}; "
                  f"measured where test error settles: {measured}")
