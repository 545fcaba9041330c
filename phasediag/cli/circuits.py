"""``phasediag circuits census``: the least circuit size of every function of m ≤ 4 inputs."""

from __future__ import annotations

import json
from pathlib import Path
from time import perf_counter

import click
from rich.console import Console
from rich.table import Table

from ..files import atomic_path
from ..programs.circuits import BASES, census, census_check
from ..programs.circuits.enumeration import MAX_INPUTS
from ._options import output_path
from ..params import LIMITS


@click.group()
def circuits() -> None:
    """Facts about circuits themselves."""


@circuits.command("census")
@click.option("--inputs", type=click.IntRange(1, MAX_INPUTS), default=4, show_default=True,
              help="Number of inputs m (2^(2^m) functions).")
@click.option("--basis", type=click.Choice(list(BASES)), default="b2", show_default=True)
@click.option("--verify", type=click.IntRange(0, LIMITS["verify"]), default=4, show_default=True,
              help="Cross-check this many seeded (function, k) pairs by CP-SAT synthesis.")
@click.option("--seed", type=click.IntRange(0, LIMITS["seed"]), default=0, show_default=True, help="Seed of the check sample.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the census as JSON.")
def census_command(inputs: int, basis: str, verify: int, seed: int, out: Path | None) -> int:
    """How many m-input functions need c gates, exactly (k = 0) and within k wrong rows.

    Row k, column c: the number of functions f whose closest circuit with at most k wrong rows
    (error k/2^m) has c gates. Row 0 is Knuth's census (TAOCP 7.1.2).
    """
    if out is not None:
        output_path(out, (".json",), "--out")
    start = perf_counter()
    table = census(inputs, basis)
    took = perf_counter() - start
    checks = census_check(inputs, basis, sample=verify, seed=seed) if verify else []
    agree = sum(a == b for _, _, a, b in checks)
    console = Console()
    grid = Table(title=f"{inputs}-input functions by least {basis} circuit size (columns, gates) within k wrong rows "
                       f"({took:.2f} s)")
    width = max(len(v) for v in table.values())
    grid.add_column("k", justify="right")
    for c in range(width):
        grid.add_column(str(c), justify="right")
    for k, counts in table.items():
        grid.add_row(str(k), *[f"{v:,}" for v in counts + [0] * (width - len(counts))])
    console.print(grid)
    if checks:
        console.print(f"CP-SAT synthesis agrees on {agree} of {len(checks)} seeded (function, k) pairs (seed {seed}).")
        for f, k, a, b in checks:
            if a != b:
                console.print(f"[red]disagreement: f = {f:#x} (row 0 = bit 0), k = {k}: enumeration {a}, CP-SAT {b}[/]")
    if out is not None:
        obj = {"inputs": inputs, "basis": basis, "census": {str(k): v for k, v in table.items()},
               "verified": {"sample": len(checks), "seed": seed, "agree": agree}}
        with atomic_path(out) as tmp:
            tmp.write_text(json.dumps(obj, indent=1) + "\n", encoding="utf-8")
        click.echo(f"wrote {out}")
    return 0 if agree == len(checks) else 1
