"""A table of bad input files, shared by the library tests and the command-line tests."""

from __future__ import annotations

import shutil
from pathlib import Path

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


# case: (file name, content to write in tmp_path or a fixture to use, line, part of the message)
BAD_INPUTS: dict[str, tuple[str, bytes | str | None, int | None, str]] = {
    "missing dot": ("missing_dot.ttl", "bad/missing_dot.ttl", 6, "expected '.'"),
    "unbound prefix": ("unbound_prefix.ttl", "bad/unbound_prefix.ttl", 5, 'Prefix "chebi:"'),
    "comments only": ("comments_only.ttl", "bad/comments_only.ttl", None, "file is empty"),
    "zero bytes": ("zero.ttl", b"", None, "file is empty: no RDF triples"),
    "whitespace": ("blank.ttl", b"\n   \n\t\n", None, "file is empty: no RDF triples"),
    "csv suffix": ("table.csv", "bad/table.csv", None, "unsupported file type '.csv'"),
    "csv as ttl": ("table.ttl", "bad/table.csv", 1, "Turtle syntax error"),
    "png as ttl": ("picture.ttl", PNG, None, "not an RDF file: it holds binary data"),
    "png": ("picture.png", PNG, None, "unsupported file type '.png'"),
    "latin-1 as ttl": ("latin.ttl", b'<urn:x:a> <urn:x:b> "caf\xe9" .\n', 1, "not UTF-8 text"),
    "missing": ("nowhere.ttl", None, None, "file not found"),
}
BAD_CASES = sorted(BAD_INPUTS)


def bad_file(fixtures: Path, tmp_path: Path, case: str) -> tuple[Path, int | None, str]:
    """Make the bad input for one case: (file, expected line or None, expected message part)."""
    name, content, line, detail = BAD_INPUTS[case]
    path = tmp_path / name
    if isinstance(content, str):  # a fixture file, copied so that its name can change
        shutil.copy(fixtures / content, path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    return path, line, detail
