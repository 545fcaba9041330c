"""``phasediag collapse``: train and test fronts for several training sizes, and where each collapses."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..tasks import load_task

from ..data import fit_on_data
from ..errors import ParameterError
from ..io import write_table_csv
from ..methods import CHOICES, diagram_fit
from ..plot import plot_diagrams
from ..programs import load_programs
from ._options import PLOT_SUFFIXES, fronts_until_ctrl_c, output_path, seconds, stopped_early, test_size_option
from ..params import LIMITS
from .compute import _progress


def _sizes(_ctx, _param, text: str) -> list[int]:
    sizes = []
    for item in filter(None, (t.strip() for t in text.split(","))):
        try:
            sizes.append(int(float(item)) if float(item).is_integer() else int(item))
        except ValueError:
            raise click.BadParameter(f"'{item}' is not a whole number; give training sizes like 100,1000,1e4.") from None
    if not sizes:
        raise click.BadParameter("give at least one training size.")
    return sizes


@click.command()
@click.argument("spec")
@click.option("--programs", "programs_name", default=None, help="Program class (default: the task's natural class).")
@click.option("--data", "sizes", required=True, callback=_sizes,
              help="Training sizes D, comma-separated (e.g. 100,1000,1e4).")
@click.option("--method", type=click.Choice(CHOICES), default="exact",
              show_default=True, help="How each train front is computed.")
@click.option("--max-complexity", type=click.IntRange(0, LIMITS["max_complexity"]), default=None, help="Stop each front at this complexity.")
@click.option("--time-limit", type=seconds, default=None,
              help="cpsat and tempered: seconds for each training size's front (as compute --time-limit).")
@click.option("--data-seed", type=click.IntRange(0, LIMITS["data_seed"]), default=0, show_default=True, help="Seed of the training samples.")
@click.option("--replace", is_flag=True, help="Draw with replacement [without: D distinct inputs].")
@test_size_option
@click.option("--test", "test_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A held-out test set (a table file: .csv, .pla, .truth, ...): every fit's test errors come from it.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Figure of the train and test curves (.png, .pdf or .svg).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the collapse table as CSV.")
def collapse(spec, programs_name, sizes, method, max_complexity, time_limit, data_seed, replace, test_size, test_path, out,
             csv_path) -> int:
    """Train fronts of SPEC for several training sizes D, the test errors of their programs, and
    where each collapses into memorisation (predicted: efficiency 1/D on the population front)."""
    the_task = load_task(spec)
    programs = load_programs(programs_name or the_task.natural_programs)
    output_path(out, PLOT_SUFFIXES, "--out")
    if csv_path is not None:
        output_path(csv_path, (".csv",), "--csv")
    bad = [d for d in sizes if d < 1]
    if bad:
        raise ParameterError(f"Every training size must be at least 1. Got {bad[0]}.")
    fit = diagram_fit(programs, method, max_complexity=max_complexity, time_limit=time_limit)
    held_out = None if test_path is None else load_task(f"table:path={test_path}")
    ordered = sorted(set(sizes))

    def fit_size(k: int, report):
        diagram = fit_on_data(the_task, programs, fit, size=ordered[k], seed=data_seed, replace=replace,
                              test_size=test_size, held_out=held_out, progress=report)
        report("training sizes", k + 1, len(ordered))
        return diagram

    with _progress() as report:
        diagrams, interrupted = fronts_until_ctrl_c(partial(fit_size, k, report) for k in range(len(ordered)))
    rows = [_row(d) for d in diagrams]
    table = Table(title=escape(f"{the_task.spec} · {programs.spec} · {method}"))
    for column in rows[0]:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*("-" if v is None else f"{v:.6g}" if isinstance(v, float) else f"{v:,}" for v in row.values()))
    Console().print(table)
    labels = [f"D={d.data['size']:,}" for d in diagrams]
    plot_diagrams(diagrams, out, labels=labels)
    written = [str(out)]
    if csv_path is not None:
        write_table_csv(rows, csv_path)
        written.append(str(csv_path))
    click.echo("wrote " + ", ".join(written))
    return stopped_early(labels, [k for k, d in zip(labels, diagrams) if not d.complete],
                         len(ordered) - len(diagrams), interrupted)


def _row(diagram) -> dict:
    c, tested = diagram.data["collapse"], [s.test_error for s in diagram.steps if s.test_error is not None]
    return {"D": diagram.data["size"], "1/D": c["efficiency"],
            "predicted c": c["predicted_complexity"], "population ε": c["predicted_error"],
            "measured c": c["measured_complexity"], "test ε": c["measured_test_error"],
            "least test ε": min(tested) if tested else None, "steps": len(diagram.steps)}
