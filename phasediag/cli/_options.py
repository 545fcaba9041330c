"""Checks shared by commands: output paths are validated before any work starts; what a command
running several fronts says when it stopped early."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Callable, Iterable, TypeVar

import click

from ..data import DEFAULT_TEST_SIZE
from ..errors import ParameterError
from ..interrupts import noticed_interrupts
from ..params import LIMITS

T = TypeVar("T")

#: Image formats accepted by --plot / --out of plots.
PLOT_SUFFIXES = (".png", ".pdf", ".svg")

#: --test-size, shared by the commands that fit on data.
test_size_option = click.option(
    "--test-size", type=click.IntRange(max=LIMITS["test_size"]), default=None,
    help=f"Draws of the fresh test sample, used when the task has no exact population error [{DEFAULT_TEST_SIZE}].")


def output_path(path: Path, suffixes: tuple[str, ...], option: str) -> Path:
    """``path`` if its suffix is allowed and its folder exists, else a ParameterError."""
    if path.suffix.lower() not in suffixes:
        raise ParameterError(f"{option} must end in {' or '.join(suffixes)}. Got '{path}'.")
    if not path.parent.is_dir():
        raise ParameterError(f"{option}: folder '{path.parent}' does not exist.")
    if len(path.name.encode()) > 200 or "\0" in str(path):
        raise ParameterError(f"{option}: the file name must be at most 200 bytes, without NUL characters.")
    try:  # what the atomic write will do: a temporary file beside the output
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".phasediag-probe."):
            pass
    except OSError:
        raise ParameterError(f"{option}: folder '{path.parent}' cannot be written.") from None
    return path


def grid(_ctx, param, text: str | None) -> list[float] | None:
    """A click callback for a ladder: ``LO:HI:N`` (N values in geometric progression) or a
    comma-separated list of numbers. The library checks the values (positive, not empty)."""
    if text is None:
        return None
    name = param.opts[0]
    try:
        if ":" in text:
            lo, hi, n = text.split(":")
            count = int(n)
            if count < 0:
                raise ValueError
            from ..methods.tempered import geometric

            return list(geometric(float(lo), float(hi), count)) if count else []
        return [float(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise click.BadParameter(f"{name} takes LO:HI:N (N values, geometric) or numbers separated by "
                                 f"commas. Got '{text}'.") from None


class _Seconds(click.ParamType):
    """A positive, finite number of seconds (inf and nan are refused)."""

    name = "seconds"

    def convert(self, value, param, ctx):
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds.", param, ctx)
        if not math.isfinite(seconds) or seconds <= 0:
            self.fail(f"must be a positive, finite number of seconds. Got {value!r}.", param, ctx)
        return seconds


seconds = _Seconds()


def fronts_until_ctrl_c(fits: Iterable[Callable[[], T]]) -> tuple[list[T], bool]:
    """Run ``fits`` in turn, each computing one front, and return the fronts done and whether a
    Ctrl-C came. A Ctrl-C ends the run after the front in progress: kept where its search caught
    it (CP-SAT and the sampler keep what they found), lost where it reached here; raised when no
    front is done."""
    done: list[T] = []
    with noticed_interrupts() as interrupted:
        for fit in fits:
            try:
                done.append(fit())
            except KeyboardInterrupt:
                if not done:
                    raise
                break
            if interrupted():
                break
    return done, interrupted()


def stopped_early(done: list[str], unfinished: list[str], skipped: int, interrupted: bool) -> int:
    """Say on stderr what a command running several fronts wrote when it stopped early (by a
    Ctrl-C, or a front stopped by its budget): the fronts ``done`` (labels, ``unfinished`` among
    them) and how many were ``skipped``; exit code 3. Nothing said, 0, when none stopped."""
    if not (interrupted or unfinished or skipped):
        return 0
    one = len(unfinished) == 1
    parts = [f"the front{'' if one else 's'} for {', '.join(unfinished)} {'is' if one else 'are'} incomplete"] \
        if unfinished else []
    parts += [f"{skipped} not run"] if skipped else []
    click.echo(f"stopped early{' (Ctrl-C)' if interrupted else ''}: the files written before hold "
               f"{', '.join(done)}" + "".join(f"; {p}" for p in parts) + ".", err=True)
    return 3
