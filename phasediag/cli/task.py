"""``phasediag task export``: a task's inputs with their labels, or a sample of them, as CSV or PLA."""

from __future__ import annotations

from pathlib import Path

import click

from ..data import draw_sample
from ..tasks import load_task
from ..tasks.table import WRITTEN, write_task
from ._options import output_path
from ..params import LIMITS


@click.group()
def task() -> None:
    """Work with one task."""


@task.command()
@click.argument("spec")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write: .csv (input,label,weight) or .pla (the Boolean encoding, one minterm per "
              "input, unlisted rows don't-cares).")
@click.option("--data", "size", type=click.IntRange(1, LIMITS["data"]), default=None,
              help="Write a sample of this many inputs drawn from the task instead of every input.")
@click.option("--data-seed", type=click.IntRange(0, LIMITS["data_seed"]), default=0, show_default=True, help="Seed of the sample.")
def export(spec: str, out: Path, size: int | None, data_seed: int) -> None:
    """Write the inputs of SPEC with their labels (and weights, in CSV): all of them, or a sample
    (train and test files for the task, e.g. --data-seed 1 and 2)."""
    the_task = load_task(spec)
    output_path(out, WRITTEN, "--out")
    if size is not None:
        the_task = draw_sample(the_task, size, seed=data_seed)
    count = write_task(the_task, out)
    click.echo(f"wrote {count:,} inputs of {the_task.spec} to {out}")
