"""matplotlib for the modules that draw: imported on first use, file-only when saving.

Importing matplotlib and saving a figure load C extensions (the Agg renderer, lxml, fontTools);
both run with Ctrl-C held back, since a KeyboardInterrupt inside an extension's initialisation
comes out as an ImportError traceback. The Ctrl-C is raised once they have ended."""

from __future__ import annotations

import os

from .files import atomic_path
from .interrupts import held_interrupts

__all__ = ["pyplot", "save"]


def pyplot(path):
    """matplotlib.pyplot, on the file-only Agg backend (loaded now) when the figure goes to
    ``path``."""
    with held_interrupts():
        import matplotlib

        if path is not None:
            matplotlib.use("Agg", force=False)
            import matplotlib.backends.backend_agg  # noqa: F401 - else loaded by the first figure
        import matplotlib.pyplot as plt
    return plt


def save(fig, path) -> None:
    """Save ``fig`` to ``path`` (atomically; format from the suffix), if a path is given."""
    if path is not None:
        with held_interrupts(), atomic_path(path) as tmp:  # a Ctrl-C meanwhile: once written
            fig.savefig(tmp, dpi=150, format=os.fspath(path).rsplit(".", 1)[-1].lower())
