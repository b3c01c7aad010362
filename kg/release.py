"""The release: the package and data version, and the date the data was released.

This module is the one place they are written. The build reads :data:`VERSION` (hatch's
``[tool.hatch.version]``), ``kg --version`` and ``kg.__version__`` print it, and the dataset
description (:mod:`kg.publish.dataset`) carries both. ``CITATION.cff`` and ``CHANGELOG.md`` repeat
them for people and tools that read those files; ``tests/test_release.py`` keeps them equal.

>>> VERSION.count("."), len(DATA_RELEASED)
(2, 10)
"""

from __future__ import annotations

__all__ = [
    "CODE_LICENSE",
    "DATA_LICENSE",
    "DATA_RELEASED",
    "VERSION",
]

#: The version of the package and of the data it ships (semantic versioning).
VERSION = "0.1.0"
#: The day this version of the curated data was released (ISO 8601).
DATA_RELEASED = "2026-12-05"
#: The licence of the code (SPDX id); the text is in LICENSE.
CODE_LICENSE = "MIT"
#: The licence of the data, ontology, shapes and stored queries; the text is in LICENSE-DATA.
DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
