"""matplotlib for the modules that draw: imported on first use, file-only when saving."""

from __future__ import annotations

import os

from .files import atomic_path

__all__ = ["pyplot", "save"]


def pyplot(path):
    """matplotlib.pyplot, on the file-only Agg backend when the figure goes to ``path``."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def save(fig, path) -> None:
    """Save ``fig`` to ``path`` (atomically; format from the suffix), if a path is given."""
    if path is not None:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=150, format=os.fspath(path).rsplit(".", 1)[-1].lower())
