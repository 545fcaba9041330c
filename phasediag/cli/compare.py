"""``phasediag compare``: a sampled diagram judged against an exact one."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..compare import compare as compare_diagrams
from ..io import read_diagram
from ._options import PLOT_SUFFIXES, output_path


@click.command()
@click.argument("exact", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("sampled", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Overlay both fronts (.png, .pdf or .svg).")
def compare(exact: Path, sampled: Path, plot_path: Path | None) -> int:
    """Per step of EXACT, whether SAMPLED reaches the same C(eps). Exit 1 if a sampled step is
    below a proved optimum (a bug)."""
    if plot_path is not None:
        output_path(plot_path, PLOT_SUFFIXES, "--plot")
    a, b = read_diagram(exact, witnesses=False), read_diagram(sampled, witnesses=False)
    result = compare_diagrams(a, b)
    console = Console()
    shown = [s for s in result.steps if s.verdict != "matched"] if len(result.steps) > 40 else result.steps
    table = Table(caption=None if shown is result.steps else f"{len(shown)} of {len(result.steps)} steps: those not matched")
    for column in ("error", "exact C", "status", "sampled C", "verdict", "found after"):
        table.add_column(column, justify="right")
    for s in shown:
        table.add_row(f"{s.error:.6g}", str(s.complexity), s.status, "-" if s.sampled is None else str(s.sampled),
                      s.verdict, "-" if s.found_after is None else f"{s.found_after:,}")
    console.print(table)
    until = result.proposals_until_exact
    console.print(f"matched {result.matched:.1%} of {len(result.steps)} exact steps; complexity excess: "
                  f"max {result.max_excess}, mean {result.mean_excess if result.mean_excess is None else round(result.mean_excess, 3)}; "
                  + (f"front exact after {until:,} proposals per run" if until is not None
                     else "front not fully matched"))
    if plot_path is not None:
        from ..plot import plot_diagrams

        plot_diagrams([a, b], plot_path, labels=[f"exact ({a.method.name})", f"sampled ({b.method.name})"])
        click.echo(f"wrote {plot_path}")
    if result.below:
        click.echo(f"BUG: {len(result.below)} sampled steps are below a proved optimum: "
                   + ", ".join(f"eps={s.error:.6g}: {s.sampled} < {s.complexity}" for s in result.below[:5]), err=True)
        return 1
    return 0
