"""``phasediag spectrum``: the efficiency spectrum of a diagram, as a table and a plot."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..analysis import DEFAULT_RATIO, spectrum, transitions
from ..io import read_diagram, write_table_csv
from ..plot import plot_spectrum
from ._options import PLOT_SUFFIXES, output_path


@click.command("spectrum")
@click.argument("diagram", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--ratio", type=click.FloatRange(min=1, min_open=True), default=DEFAULT_RATIO, show_default=True,
              help="Least efficiency drop (before / after) marked as a transition.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Plot the spectrum (.png, .pdf or .svg).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the segments as CSV.")
def spectrum_command(diagram: Path, ratio: float, out: Path | None, csv_path: Path | None) -> None:
    """The efficiency spectrum of DIAGRAM: the segments of the lower convex hull of its front, each
    with its efficiency (error bought per unit of complexity), and the transitions between them."""
    if out is not None:
        output_path(out, PLOT_SUFFIXES, "--out")
    if csv_path is not None:
        output_path(csv_path, (".csv",), "--csv")
    d = read_diagram(diagram, witnesses=False)
    segments = spectrum(d)
    drops = {t.complexity: t.ratio for t in transitions(d, ratio=ratio)}
    rows = [{"segment": i + 1, "start_complexity": s.start_complexity, "end_complexity": s.end_complexity,
             "start_error": s.start_error, "end_error": s.end_error, "efficiency": s.efficiency,
             "drop_before": segments[i - 1].efficiency / s.efficiency if i and s.efficiency > 0 else None,
             "transition": s.start_complexity in drops} for i, s in enumerate(segments)]
    table = Table(title=escape(f"{d.task.spec} · {d.programs} · {d.method.name}: efficiency spectrum"),
                  caption=f"transition: efficiency drops ≥ {ratio:g}× at the segment's start")
    for column in ("segment", "complexity", "error", "efficiency", "drop", "transition"):
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(str(r["segment"]), f"{r['start_complexity']:,} → {r['end_complexity']:,}",
                      f"{r['start_error']:.6g} → {r['end_error']:.6g}", f"{r['efficiency']:.6g}",
                      "-" if r["drop_before"] is None else f"÷{r['drop_before']:.3g}", "yes" if r["transition"] else "")
    Console(width=160).print(table)
    if not segments:
        click.echo("the front has a single step: no segments.")
    written = []
    if out is not None:
        plot_spectrum(d, out, ratio=ratio)
        written.append(str(out))
    if csv_path is not None:
        write_table_csv(rows, csv_path, None if rows else ["segment"])
        written.append(str(csv_path))
    if written:
        click.echo("wrote " + ", ".join(written))
