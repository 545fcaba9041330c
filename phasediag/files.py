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

__all__ = ["atomic_path", "read_bytes", "read_text", "write_table_csv", "WRITTEN"]


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


def read_bytes(path: str | os.PathLike, error: type[PhasediagError] = FileFormatError, what: str = "",
               limit: int = 1 << 30) -> bytes:
    """The bytes of the regular file ``path`` (``what`` names its kind in messages, e.g. "grid
    file "). A file that is missing, unreadable, not a regular file (a device or a pipe would be
    read without end) or larger than ``limit`` bytes raises ``error`` naming it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise error(f"Cannot read {what}{path}: not a regular file.")
        if size > limit:
            raise error(f"Cannot read {what}{path}: it has {size:,} bytes; {what or 'files '}are read up to {limit:,}.")
        return path.read_bytes()
    except OSError as e:
        raise error(f"Cannot read {what}{path}: {e.strerror or e}.") from None


def read_text(path: str | os.PathLike, error: type[PhasediagError] = FileFormatError, what: str = "",
              limit: int = 1 << 30) -> str:
    """The UTF-8 text of the regular file ``path`` (see :func:`read_bytes`); text that is not
    UTF-8 raises ``error`` naming the file."""
    try:
        return read_bytes(path, error, what, limit).decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise error(f"Cannot read {what}{path}: not UTF-8 text (byte {e.start}); save it as UTF-8.") from None


def write_table_csv(rows: list[dict], path: str | os.PathLike, fields: list[str] | None = None) -> None:
    """``rows`` (dicts) as CSV with a header, written atomically; ``fields`` default to the first
    row's keys."""
    fields = fields if fields is not None else list(rows[0]) if rows else []
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
