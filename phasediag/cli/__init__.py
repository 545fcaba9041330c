"""The ``phasediag`` command line: one thin module per command over the library.

Exit codes: 0 ok, 2 bad input (one line on stderr, nothing written), 3 stopped early (what was
found is saved, marked incomplete).
"""

from __future__ import annotations

import sys

import click

from ..errors import PhasediagError
from ..files import WRITTEN
from .circuits import circuits
from .collapse import collapse
from .compare import compare
from .compute import compute
from .plot import plot
from .show import show
from .task import task
from .spectrum import spectrum_command
from .sweep import sweep
from .tasks import tasks
from .vary import vary

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="phasediag")
def cli() -> None:
    """Complexity-precision phase diagrams of discrete tasks."""


for command in (tasks, compute, compare, collapse, vary, sweep, spectrum_command, plot, show, task, circuits):
    cli.add_command(command)


def one_line(message: str) -> str:
    """``message`` on one line: line breaks and other control characters in it (they come from
    user text it quotes) are written as escapes, like repr does."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in message.strip())


def main(argv: list[str] | None = None) -> int:
    """Run the CLI on ``argv`` (default: sys.argv[1:]) and return the exit code."""
    first = len(WRITTEN)
    try:
        result = cli.main(args=argv, prog_name="phasediag", standalone_mode=False)
    except click.exceptions.Exit as e:
        return e.exit_code
    except (click.ClickException, PhasediagError) as e:
        message = e.format_message() if isinstance(e, click.ClickException) else str(e)
        click.echo(f"phasediag: error: {one_line(message)}", err=True)
        return 2
    except (KeyboardInterrupt, click.exceptions.Abort):
        done = WRITTEN[first:]
        click.echo("phasediag: interrupted; " + (f"complete files written before: {', '.join(map(str, done))}; "
                                                 "nothing else was written." if done else "nothing was written."),
                   err=True)
        return 3
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
