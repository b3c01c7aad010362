"""Run a function under a time limit, in a forked process that is killed when the limit passes.

A thread cannot be stopped from outside, and rdflib's query engine never checks a clock, so
the only way to really stop a runaway query is to run it in a process of its own. The child
is forked, so it shares the parent's graph without copying or reloading it. Where ``fork``
does not exist (Windows), the function runs in a thread that is abandoned at the limit: the
caller gets its answer on time, but the thread runs on to its end.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from kg.errors import KgError

__all__ = [
    "TimeLimitError",
    "call_with_time_limit",
]

T = TypeVar("T")


class TimeLimitError(KgError):
    """The work did not finish within its time limit and was stopped."""


def call_with_time_limit(function: Callable[..., T], *args: Any, seconds: float) -> T:
    """Return ``function(*args)``, or stop it when it runs longer than ``seconds``.

    The function runs in a forked child process; its result must be picklable. An exception
    in the child comes back as a :class:`~kg.errors.KgError` with the same message.

    :param function: what to run
    :param args: its arguments
    :param seconds: the time limit
    :returns: the function's result
    :raises TimeLimitError: if the limit passes first (the child is then killed)
    :raises KgError: if the function fails, or the child dies

    >>> call_with_time_limit(sum, [1, 2, 3], seconds=10)
    6
    >>> import time
    >>> call_with_time_limit(time.sleep, 5, seconds=0.2)
    Traceback (most recent call last):
    ...
    kg.query.timelimit.TimeLimitError: stopped after 0.2 s, the time limit
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return _in_thread(function, args, seconds)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_run_child, args=(function, args, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise TimeLimitError(f"stopped after {seconds:g} s, the time limit")
        ok, value = receiver.recv()
    except EOFError:
        child.join(1)
        raise KgError(f"the worker process died (exit code {child.exitcode})") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if not ok:
        raise KgError(str(value))
    result: T = value
    return result


def _run_child(function: Callable[..., Any], args: tuple[Any, ...], sender: Connection) -> None:
    """In the child: run the function and send back (True, result) or (False, message)."""
    try:
        sender.send((True, function(*args)))
    except BaseException as error:
        sender.send((False, str(error) or type(error).__name__))
    finally:
        sender.close()


def _in_thread(function: Callable[..., T], args: tuple[Any, ...], seconds: float) -> T:
    """Without fork: run in a daemon thread and stop waiting for it at the limit."""
    outcome: list[tuple[bool, Any]] = []

    def target() -> None:
        try:
            outcome.append((True, function(*args)))
        except BaseException as error:
            outcome.append((False, error))

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if not outcome:
        raise TimeLimitError(f"stopped after {seconds:g} s, the time limit")
    ok, value = outcome[0]
    if not ok:
        raise value
    result: T = value
    return result
