"""A tiny, dependency-free progress bar for long loops, drawn only on a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Generator, Iterable, Sized
from typing import TextIO, TypeVar

__all__ = [
    "progress",
]

T = TypeVar("T")

_WIDTH = 30


def progress(
    items: Iterable[T],
    *,
    total: int | None = None,
    label: str = "",
    stream: TextIO | None = None,
    enabled: bool | None = None,
    min_interval: float = 0.1,
) -> Generator[T, None, None]:
    r"""Yield the items unchanged while drawing a one-line progress bar.

    The bar is redrawn in place (with a carriage return) at most every ``min_interval``
    seconds, and once more at the end, followed by a newline. By default it is drawn only
    when the stream is a terminal, so piped or captured output stays clean.

    :param items: What to iterate over.
    :param total: How many items there are; by default ``len(items)`` when it has a length.
        Without a total, only the count is shown.
    :param label: Text in front of the bar (for example ``"importing"``).
    :param stream: Where to draw; by default :data:`sys.stderr` (looked up at call time).
    :param enabled: Force the bar on (``True``) or off (``False``); by default it is on only
        if ``stream.isatty()``.
    :param min_interval: The least time between two redraws, in seconds.
    :returns: An iterator (a generator: ``close()`` ends the bar early) over the same items.

    >>> list(progress([1, 2, 3], enabled=False))
    [1, 2, 3]
    >>> import io
    >>> out = io.StringIO()
    >>> list(progress("abcd", label="files", stream=out, enabled=True))
    ['a', 'b', 'c', 'd']
    >>> print(out.getvalue().rsplit("\r", 1)[-1], end="")
    files [##############################] 4/4 100%
    """
    out = sys.stderr if stream is None else stream
    draw = out.isatty() if enabled is None else enabled
    if not draw:
        yield from items
        return
    if total is None and isinstance(items, Sized):
        total = len(items)
    prefix = f"{label} " if label else ""
    done = 0
    last = 0.0
    try:
        for item in items:
            yield item
            done += 1
            now = time.monotonic()
            if now - last >= min_interval:
                out.write("\r" + _line(prefix, done, total))
                out.flush()
                last = now
    finally:
        out.write("\r" + _line(prefix, done, total) + "\n")
        out.flush()


def _line(prefix: str, done: int, total: int | None) -> str:
    """Render the bar for ``done`` of ``total`` items (just the count without a total)."""
    if not total:
        return f"{prefix}{done}"
    share = min(done / total, 1.0)
    filled = round(share * _WIDTH)
    bar = "#" * filled + "." * (_WIDTH - filled)
    return f"{prefix}[{bar}] {done}/{total} {share:.0%}"
