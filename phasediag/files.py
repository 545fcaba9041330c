"""Files: atomic writes and checked reads, shared by every module that touches the disk."""

from __future__ import annotations

import csv
import glob
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import FileFormatError, PhasediagError

__all__ = ["atomic_path", "read_text", "write_table_csv", "WRITTEN"]


#: Every file the running process has written through :func:`atomic_path`, in order.
WRITTEN: list[Path] = []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _clean_stale(path: Path) -> None:
    """Remove the temporaries of ``path`` that a killed run left (its process is gone)."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*{glob.escape(path.suffix)}"):
        pid = stale.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (same suffix, named after this process); on success
    it replaces ``path``, on any failure it is removed. Temporaries of killed runs are removed."""
    path = Path(path)
    _clean_stale(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=path.suffix, dir=path.parent or ".")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
    try:
        yield Path(tmp)
        os.replace(tmp, path)
        WRITTEN.append(path)
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
