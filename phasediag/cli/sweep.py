"""``phasediag sweep``: a grid of diagrams on Dask, one file each plus an index table."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..errors import PhasediagError
from ..sweep import INDEX, read_grid, run_sweep
from ..params import LIMITS
from .compute import _progress

#: Index rows printed at most (the CSV has them all).
SHOWN = 40


@click.command()
@click.argument("grid_path", metavar="GRID.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 [a local cluster].")
@click.option("--workers", type=click.IntRange(1, LIMITS["workers"]), default=None,
              help="Worker processes of the local cluster [one per core, at most one per point].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results folder: one diagram file per point, index.csv and sweep.json "
              "[the grid file's name without .toml].")
def sweep(grid_path: Path, scheduler: str | None, workers: int | None, out: Path | None) -> int:
    """Compute every point of the grid in GRID.toml (task parameters × program classes × methods
    × seeds × data sizes) on Dask. Rerunning skips the points already in the results folder."""
    grid = read_grid(grid_path)
    out = out if out is not None else Path(grid_path.stem)
    with _progress() as report_progress:
        try:
            report = run_sweep(grid, out, scheduler=scheduler, workers=workers,
                               progress=lambda done, total: report_progress("points", done, total))
        except KeyboardInterrupt:
            click.echo(f"phasediag: stopped; every finished point is in {out} (see {INDEX}). "
                       "Run the same command again to resume.", err=True)
            return 3
    _summarise(report, grid)
    click.echo(f"wrote {out / INDEX}: {len(report.rows)} points, {report.computed} computed now, "
               f"{report.done} already done, {len(report.failed)} failed")
    if report.failed:
        point, message = report.failed[0]
        raise PhasediagError(f"{len(report.failed)} of {len(report.rows)} points failed (see {out / INDEX}); "
                             f"first: {point.task} · {point.programs} · {point.method}: {message}")
    return 0


def _summarise(report, grid) -> None:
    """The index as a table: the swept settings of each point and its front's summary."""
    swept = {f"task.{name}": name if name not in dict(grid.run) else f"task {name}"
             for name, values in grid.task if len(values) > 1}
    swept |= {name: name for name, values in grid.run if len(values) > 1}
    swept |= {"programs": "programs", "method": "method"}
    summary = ("outcome", "n_steps", "statuses", "last_complexity", "last_error", "transitions", "runtime_s")
    columns = {**swept, **{c: c.replace("_", " ") for c in summary}}
    table = Table(title=f"sweep of {grid.family}: {len(report.rows)} points",
                  caption=None if len(report.rows) <= SHOWN else f"first {SHOWN} of {len(report.rows)}; all in {INDEX}")
    for key, header in columns.items():
        table.add_column(header, justify="left" if key in ("transitions", "statuses") else "right")
    for r in report.rows[:SHOWN]:
        table.add_row(*(_cell(r.get(key)) for key in columns))
    Console(width=160).print(table)


def _cell(value) -> str:
    return "" if value is None else f"{value:.4g}" if isinstance(value, float) else escape(str(value))
