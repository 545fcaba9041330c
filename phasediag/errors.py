"""The one exception hierarchy of phasediag.

Every error raised on purpose derives from :class:`PhasediagError`; its message is one line
that says what is wrong and what is allowed. The CLI prints it and exits with code 2. Anything
else escaping the library is a bug.
"""

__all__ = ["PhasediagError", "ParameterError", "TooLargeError", "FileFormatError"]


class PhasediagError(Exception):
    """A user mistake: bad input, an impossible request, an unreadable file."""


class ParameterError(PhasediagError, ValueError):
    """A task spec, parameter or option value is not allowed."""


class TooLargeError(PhasediagError):
    """The instance is beyond what the requested method can finish; the message says what to use."""


class FileFormatError(PhasediagError):
    """A file is not what phasediag expected (missing, foreign or from another schema)."""
