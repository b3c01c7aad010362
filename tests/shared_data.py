"""Where the shared test data (``shared/``, beside the repository) is.

The shared folder is not part of the repository: CI clones it next to a fresh checkout, so
it is ``../shared`` from the repository's root. Set ``ALS_KG_SHARED`` to use another place
(for example from a git worktree that lives elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """The shared folder: ``$ALS_KG_SHARED`` if set, else ``shared/`` beside the repository."""
    configured = os.environ.get("ALS_KG_SHARED")
    return Path(configured) if configured else ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path inside the shared folder (which may not exist)."""
    return shared_dir().joinpath(*parts)


def needs(*parts: str) -> pytest.MarkDecorator:
    """Skip a test when a path inside the shared folder is missing."""
    path = shared_path(*parts)
    return pytest.mark.skipif(
        not path.exists(),
        reason=f"{path} is missing (clone shared/ beside the repository, or set ALS_KG_SHARED)",
    )
