"""Find the bundled RDF assets (ontology, shapes, queries, data) in a wheel or a checkout."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal, get_args

from kg.errors import KgError

__all__ = [
    "ASSET_KINDS",
    "AssetKind",
    "AssetNotFoundError",
    "asset_dir",
    "data_files",
    "ontology_files",
    "query_files",
    "shape_files",
    "sorted_files",
]

#: The folders shipped with :mod:`kg`: at the repository root in a checkout,
#: and as ``kg/_assets/<kind>`` inside an installed wheel.
AssetKind = Literal["ontology", "shapes", "queries", "data"]
ASSET_KINDS: tuple[AssetKind, ...] = get_args(AssetKind)


class AssetNotFoundError(KgError):
    """A bundled asset folder is neither in the installed package nor in the checkout."""


def asset_dir(kind: AssetKind) -> Path:
    """Return the folder that holds one kind of bundled asset.

    An installed wheel carries the folders as ``kg/_assets/<kind>``; that copy wins when it
    exists. Otherwise, in a source checkout, the folder is the one at the repository root,
    next to the ``kg`` package.

    :param kind: One of ``"ontology"``, ``"shapes"``, ``"queries"`` or ``"data"``.
    :returns: The absolute path of an existing folder.
    :raises ValueError: If ``kind`` is not a known kind of asset.
    :raises AssetNotFoundError: If the folder is in neither place.

    >>> asset_dir("queries").name
    'queries'
    >>> asset_dir("queries").is_absolute()
    True
    """
    if kind not in ASSET_KINDS:
        raise ValueError(f"unknown asset kind {kind!r}; expected one of {', '.join(ASSET_KINDS)}")
    installed = files("kg") / "_assets" / kind
    if isinstance(installed, Path) and installed.is_dir():
        return installed.resolve()
    checkout = Path(__file__).resolve().parent.parent / kind
    if checkout.is_dir():
        return checkout
    raise AssetNotFoundError(
        f"cannot find the bundled {kind}/ folder: it is neither in the installed package "
        f"({installed}) nor in a source checkout ({checkout})"
    )


def ontology_files() -> list[Path]:
    """List the ontology's Turtle files, sorted by name.

    :returns: The ``*.ttl`` files directly in :func:`asset_dir` ``("ontology")``.
    :raises AssetNotFoundError: If the ontology folder cannot be found.

    >>> all(path.suffix == ".ttl" for path in ontology_files())
    True
    """
    return sorted_files(asset_dir("ontology"), "*.ttl")


def shape_files() -> list[Path]:
    """List the SHACL shapes' Turtle files, sorted by name.

    :returns: The ``*.ttl`` files directly in :func:`asset_dir` ``("shapes")``.
    :raises AssetNotFoundError: If the shapes folder cannot be found.

    >>> all(path.suffix == ".ttl" for path in shape_files())
    True
    """
    return sorted_files(asset_dir("shapes"), "*.ttl")


def data_files() -> list[Path]:
    """List the curated data's Turtle files, in sub-folders too, sorted by relative path.

    :returns: Every ``*.ttl`` file under :func:`asset_dir` ``("data")``.
    :raises AssetNotFoundError: If the data folder cannot be found.

    >>> all(path.suffix == ".ttl" for path in data_files())
    True
    """
    return sorted_files(asset_dir("data"), "*.ttl", recursive=True)


def query_files() -> list[Path]:
    """List the stored SPARQL queries, sorted by name.

    :returns: The ``*.rq`` files directly in :func:`asset_dir` ``("queries")``.
    :raises AssetNotFoundError: If the queries folder cannot be found.

    >>> all(path.suffix == ".rq" for path in query_files())
    True
    """
    return sorted_files(asset_dir("queries"), "*.rq")


def sorted_files(folder: Path, pattern: str, *, recursive: bool = False) -> list[Path]:
    """List the files in a folder that match a glob pattern, in a stable order.

    :param folder: The folder to look in.
    :param pattern: A glob pattern for file names, such as ``"*.ttl"``.
    :param recursive: Look in sub-folders too.
    :returns: The matching files (never folders), sorted by their path relative to ``folder``
        in POSIX form, so the order is the same on every machine.

    >>> sorted_files(asset_dir("queries"), "*.rq") == query_files()
    True
    """
    matches = folder.rglob(pattern) if recursive else folder.glob(pattern)
    return sorted(
        (path for path in matches if path.is_file()),
        key=lambda path: path.relative_to(folder).as_posix(),
    )
