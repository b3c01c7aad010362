"""The README's Python examples run as written, in order, and say what they claim."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _python_section() -> list[str]:
    section = README.split("## Use from Python", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_python_section_runs() -> None:
    """Every block of 'Use from Python' runs in one namespace, as a reader would paste them."""
    pytest.importorskip("pandas")
    blocks = _python_section()
    assert len(blocks) >= 3
    namespace: dict[str, object] = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for block in blocks:
            exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    output = printed.getvalue()
    assert re.search(r"^\d+ int$", output, flags=re.MULTILINE)  # a count is a number
    assert "True\n" in output  # the ASK
    assert "distinct sources" in output
