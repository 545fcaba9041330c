"""The installed version of phasediag (``0+unknown`` when run from a source tree)."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("phasediag")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"
