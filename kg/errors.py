"""Exceptions raised by :mod:`kg` for bad input and missing resources."""

from __future__ import annotations

import os

__all__ = [
    "InputError",
    "KgError",
]


class KgError(Exception):
    """Base class of every error that :mod:`kg` raises on purpose.

    The command line turns any :class:`KgError` into a one-line message and exit code 2.

    >>> issubclass(InputError, KgError)
    True
    """


class InputError(KgError):
    """A file (or other input) that cannot be used, with the place where it goes wrong.

    :param path: The file that is wrong.
    :param detail: What is wrong, in words a curator understands.
    :param line: The 1-based line number, when it is known.

    >>> str(InputError("data/x.ttl", "expected '.' at end of statement", line=12))
    "data/x.ttl, line 12: expected '.' at end of statement"
    >>> str(InputError("data/y.ttl", "file not found"))
    'data/y.ttl: file not found'
    """

    def __init__(
        self, path: str | os.PathLike[str], detail: str, *, line: int | None = None
    ) -> None:
        """Create the error; see the class docstring for the parameters."""
        self.path = os.fspath(path)
        self.detail = detail
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        """Render as ``path, line N: detail`` (or ``path: detail`` without a line)."""
        where = self.path if self.line is None else f"{self.path}, line {self.line}"
        return f"{where}: {self.detail}"
