"""``phasediag tasks``: the task families and their parameters."""

from __future__ import annotations

import textwrap

import click

from ..tasks import FAMILIES


@click.command()
def tasks() -> None:
    """List the task families, each parameter with its default and allowed values."""
    for family, cls in FAMILIES.items():
        click.secho(f"{family}", bold=True, nl=False)
        click.echo(f"  (natural programs: {cls.natural_programs})")
        click.echo(textwrap.fill(cls.description, 88, initial_indent="  ", subsequent_indent="  "))
        for p in cls.parameters:
            only = f"; only with {p.when[0]}={' or '.join(p.when[1])}" if p.when else ""
            click.echo(f"  {p.name + '=' + str(p.default):<24} {p.allowed()}{only}")
            click.echo(f"  {'':<24} {p.help}")
        click.echo(f"  example: {cls.example or cls().spec}\n")
