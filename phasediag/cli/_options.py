"""Checks shared by commands: output paths are validated before any work starts."""

from __future__ import annotations

from pathlib import Path

from ..errors import ParameterError

#: Image formats accepted by --plot / --out of plots.
PLOT_SUFFIXES = (".png", ".pdf", ".svg")


def output_path(path: Path, suffixes: tuple[str, ...], option: str) -> Path:
    """``path`` if its suffix is allowed and its folder exists, else a ParameterError."""
    if path.suffix.lower() not in suffixes:
        raise ParameterError(f"{option} must end in {' or '.join(suffixes)}. Got '{path}'.")
    if not path.parent.is_dir():
        raise ParameterError(f"{option}: folder '{path.parent}' does not exist.")
    return path
