"""Build the wheel, install it into a new virtualenv, and use it from another directory."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ASSETS = ("ontology", "shapes", "data")
SCRIPT = """
import kg
g = kg.load_curated()
r = kg.validate(g)
print(len(g), r.conforms)
print(kg.__version__)
print(kg.__file__)
print(kg.asset_dir("ontology"))
"""


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command without the checkout on the Python path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the sdist, and the wheel from the sdist, as a release would."""
    out = tmp_path_factory.mktemp("dist")
    built = run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, REPO, cwd=out)
    assert built.returncode == 0, built.stdout + built.stderr
    return out


@pytest.mark.slow
def test_sdist_carries_the_assets(dist: Path) -> None:
    (sdist,) = dist.glob("als_kg-*.tar.gz")
    with tarfile.open(sdist) as archive:
        folders = {Path(name).parts[1] for name in archive.getnames() if len(Path(name).parts) > 2}
    assert {"kg", "tests", *ASSETS} <= folders


@pytest.mark.slow
def test_wheel_carries_the_assets(dist: Path) -> None:
    (wheel,) = dist.glob("als_kg-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "kg/py.typed" in names
    package = Path(__file__).resolve().parent.parent / "kg"
    ours = {
        path.relative_to(package.parent).as_posix()
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert "kg/publish/web/app.js" in ours and "kg/cli/__init__.py" in ours
    assert not ours - set(names), "modules and page assets missing from the wheel"
    for kind in ASSETS:
        assert any(n.startswith(f"kg/_assets/{kind}/") and n.endswith(".ttl") for n in names), kind
    assert not any(n.startswith(("tests/", "ontology/", "shapes/", "data/")) for n in names)
    licences = {n.rsplit("/", 1)[-1] for n in names if "/licenses/" in n}
    assert {"LICENSE", "LICENSE-DATA"} <= licences  # both licences travel with the wheel


@pytest.mark.slow
def test_installed_wheel_finds_its_assets(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("als_kg-*.whl")
    venv = tmp_path / "venv"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    created = run(sys.executable, "-m", "venv", venv, cwd=elsewhere)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    installed = run(python, "-m", "pip", "install", "--quiet", wheel, cwd=elsewhere)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    used = run(python, "-c", SCRIPT, cwd=elsewhere)
    assert used.returncode == 0, used.stderr
    summary, version, module, ontology = used.stdout.splitlines()
    triples, conforms = summary.split()
    assert int(triples) > 0
    assert conforms in ("True", "False")
    from kg.release import VERSION  # the one place the version is written (pyproject reads it)

    assert version == VERSION
    site_packages = Path(module).parent.parent
    assert site_packages.is_relative_to(venv)
    assert Path(ontology) == site_packages / "kg" / "_assets" / "ontology"

    checked = run(venv / "bin" / "kg", "validate", cwd=elsewhere)
    assert checked.returncode in (0, 1), checked.stdout + checked.stderr
    assert checked.stdout.startswith(("Conforms: ", "Does not conform: "))
    assert "Traceback" not in checked.stderr
