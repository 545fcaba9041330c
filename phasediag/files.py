"""Files: atomic writes and checked reads, shared by every module that touches the disk."""

from __future__ import annotations

import csv
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import FileFormatError, PhasediagError

__all__ = ["atomic_path", "read_text", "write_table_csv"]


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (same suffix); on success it replaces ``path``,
    on any failure it is removed."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent or ".")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_text(path: str | os.PathLike, error: type[PhasediagError] = FileFormatError, what: str = "") -> str:
    """The UTF-8 text of ``path``; a file that cannot be read raises ``error`` naming it."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise error(f"Cannot read {what}{path}: {getattr(e, 'strerror', None) or e}.") from None


def write_table_csv(rows: list[dict], path: str | os.PathLike, fields: list[str] | None = None) -> None:
    """``rows`` (dicts) as CSV with a header, written atomically; ``fields`` default to the first
    row's keys."""
    fields = fields if fields is not None else list(rows[0]) if rows else []
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
