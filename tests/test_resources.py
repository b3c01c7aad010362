"""The resolver finds the bundled folders in a checkout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import kg
from kg.resources import ASSET_KINDS, asset_dir

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("kind", ASSET_KINDS)
def test_asset_dir_in_checkout(kind: str) -> None:
    """In a checkout, each kind of asset is the folder at the repository root."""
    assert asset_dir(kind) == REPO / kind  # type: ignore[arg-type]


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown asset kind"):
        asset_dir("images")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lister", "suffix"),
    [
        (kg.ontology_files, ".ttl"),
        (kg.shape_files, ".ttl"),
        (kg.data_files, ".ttl"),
        (kg.query_files, ".rq"),
    ],
)
def test_listers_are_sorted(lister: Callable[[], list[Path]], suffix: str) -> None:
    files = lister()
    assert all(path.suffix == suffix and path.is_file() for path in files)
    assert files == sorted(files)


def test_data_files_recurse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "trials" / "2024").mkdir(parents=True)
    for name in ("b.ttl", "a.ttl", "trials/2024/c.ttl", "notes.md"):
        (tmp_path / name).write_text("")
    monkeypatch.setattr(kg.resources, "asset_dir", lambda kind: tmp_path)
    found = [path.relative_to(tmp_path).as_posix() for path in kg.data_files()]
    assert found == ["a.ttl", "b.ttl", "trials/2024/c.ttl"]
    assert kg.ontology_files() == [tmp_path / "a.ttl", tmp_path / "b.ttl"]


def test_missing_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither installed nor in a checkout: a clear KgError, not a FileNotFoundError."""
    fake_module = tmp_path / "kg" / "resources.py"
    monkeypatch.setattr(kg.resources, "__file__", str(fake_module))
    with pytest.raises(kg.AssetNotFoundError, match="cannot find the bundled shapes/ folder"):
        asset_dir("shapes")
