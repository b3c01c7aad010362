"""Start ``kg serve`` as a child process on a free port, for the server and browser tests."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def kg_serve(*args: str, log: Path) -> Iterator[str]:
    """Run ``kg serve --port 0 ARGS`` until the block ends; yield the page's URL."""
    with log.open("w") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--port", "0", *args],
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            found = re.search(r"at (http://\S+/) ", log.read_text())
            if found:
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"kg serve did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield found.group(1)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
