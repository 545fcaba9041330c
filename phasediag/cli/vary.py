"""``phasediag vary``: the exact fronts of one task family as one parameter varies, on one figure."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..tasks import load_task

from ..analysis import transitions
from ..errors import ParameterError
from ..io import write_diagram, write_table_csv
from ..methods import EXACT_CHOICES, exact_diagram
from ..params import parse_spec
from ..plot import plot_varied
from ..programs import load_programs
from ._options import PLOT_SUFFIXES, fronts_until_ctrl_c, output_path, seconds, stopped_early
from ..params import LIMITS
from .compute import _progress


def _varied(_ctx, _param, text: str) -> tuple[str, list[str]]:
    name, eq, values = text.partition("=")
    items = [v.strip() for v in values.split(",") if v.strip()]
    if not eq or not name.strip() or not items:
        raise click.BadParameter(f"give NAME=V1,V2,... (e.g. source=french,spanish). Got '{text}'.")
    return name.strip(), items


@click.command()
@click.argument("spec")
@click.option("--param", "varied", required=True, callback=_varied,
              help="The task parameter to vary and its values: NAME=V1,V2,... (e.g. source=french,spanish).")
@click.option("--programs", "programs_name", default=None, help="Program class (default: the task's natural class).")
@click.option("--method", type=click.Choice(EXACT_CHOICES), default="exact", show_default=True,
              help="Exact method for every front.")
@click.option("--max-complexity", type=click.IntRange(0, LIMITS["max_complexity"]), default=None, help="Stop each front at this complexity.")
@click.option("--time-limit", type=seconds, default=None,
              help="cpsat: seconds for each value's front (also under exact where it picks cpsat).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Figure of the fronts (.png, .pdf or .svg).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the summary table as CSV.")
@click.option("--save", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write each diagram to this folder (NAME-VALUE.json).")
def vary(spec, varied, programs_name, method, max_complexity, time_limit, out, csv_path, save) -> int:
    """Exact fronts of SPEC at several values of one task parameter, overlaid on one figure; for
    rule lists, a second panel shows how much of each optimal program memorises single inputs."""
    name, values = varied
    family, raw = parse_spec(spec)
    if name in raw:
        raise ParameterError(f"'{name}' is both in SPEC and varied by --param; give it in one place.")
    output_path(out, PLOT_SUFFIXES, "--out")
    if csv_path is not None:
        output_path(csv_path, (".csv",), "--csv")
    if save is not None and not save.is_dir():
        raise ParameterError(f"--save: folder '{save}' does not exist.")
    base = spec.strip() + "," if raw else family + ":"
    tasks = [load_task(f"{base}{name}={v}") for v in values]
    programs = load_programs(programs_name or tasks[0].natural_programs)
    roles = all(programs.covers(t) for t in tasks)
    with _progress() as report:
        diagrams, interrupted = fronts_until_ctrl_c(
            partial(exact_diagram, task, programs, method=method, max_complexity=max_complexity,
                    time_limit=time_limit, progress=report) for task in tasks)
    memorised, rows = [], []
    for value, task, d in zip(values, tasks, diagrams):
        last = d.steps[-1]
        row = {name: value, "inputs": task.n_inputs, "labels": len(task.labels), "steps": len(d.steps),
               "error_at_0": d.steps[0].error, "last_complexity": last.complexity, "last_error": last.error,
               "transitions": " ".join(str(t.complexity) for t in transitions(d)), "seconds": d.runtime_s}
        if roles:
            split = [programs.roles(task, s.witness) for s in d.steps]
            memorised.append([m / (g + m) if g + m else 0.0 for g, m in split])
            row.update(general=split[-1][0], memorised=split[-1][1])
        rows.append(row)
    labels = [f"{name}={v}" for v in values[:len(diagrams)]]
    plot_varied(diagrams, labels, out, memorised=memorised if roles else None,
                title=f"{family} · {programs.spec} · {method}")
    if save is not None:
        for value, d in zip(values, diagrams):
            write_diagram(d, save / (re.sub(r"[^A-Za-z0-9=.,+_-]+", "_", f"{name}-{value}")[:150] + ".json"))
    if csv_path is not None:
        write_table_csv(rows, csv_path)
    table = Table(title=escape(f"{family} · {programs.spec}: exact fronts as {name} varies"))
    for column in rows[0]:
        table.add_column(column.replace("_", " "), justify="left" if column in (name, "transitions") else "right")
    for row in rows:
        table.add_row(*(f"{v:.4g}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else escape(v)
                        for v in row.values()))
    Console(width=160).print(table)
    click.echo("wrote " + ", ".join(map(str, [out] + ([csv_path] if csv_path else []) + ([save] if save else []))))
    return stopped_early(labels, [k for k, d in zip(labels, diagrams) if not d.complete],
                         len(values) - len(diagrams), interrupted)
