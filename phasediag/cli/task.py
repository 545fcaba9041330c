"""``phasediag task export``: a task's inputs, labels and weights as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from ..tasks import load_task

from ..files import atomic_path
from ._options import output_path


@click.group()
def task() -> None:
    """Work with one task."""


@task.command()
@click.argument("spec")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV file to write (columns input,label,weight).")
def export(spec: str, out: Path) -> None:
    """Write every input of SPEC with its label and weight."""
    the_task = load_task(spec)
    output_path(out, (".csv",), "--out")
    table = the_task.table
    with atomic_path(out) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["input", "label", "weight"])
        labels = the_task.labels
        for codes, label, weight in zip(table.codes, table.labels.tolist(), table.weights.tolist()):
            writer.writerow([the_task.render(codes), labels[label], weight])
    click.echo(f"wrote {len(table):,} inputs of {the_task.spec} to {out}")
