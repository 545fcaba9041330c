"""``phasediag plot``: overlay diagram files on one figure."""

from __future__ import annotations

from pathlib import Path

import click

from ..io import read_diagram
from ..plot import plot_diagrams
from ._options import PLOT_SUFFIXES, output_path


@click.command()
@click.argument("diagrams", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Image to write (.png, .pdf or .svg).")
def plot(diagrams: tuple[Path, ...], out: Path) -> None:
    """Overlay the phase diagrams in DIAGRAMS (JSON files) on one plot."""
    output_path(out, PLOT_SUFFIXES, "--out")
    loaded = [read_diagram(p, witnesses=False) for p in diagrams]
    plot_diagrams(loaded, out)
    click.echo(f"wrote {out}")
