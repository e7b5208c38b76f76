"""The package as users install it: a wheel in a fresh virtual environment, run outside the repository.

Resources (ontology, shapes, query library, page assets) must come from the
wheel itself: nothing may be found by climbing out of the package into a checkout.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "seed"

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv outside the repository with the freshly built wheel installed; its bin/ folder."""
    work = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work / "dist"), str(ROOT)], work)
    wheel = next((work / "dist").glob("laborgraph-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("laborgraph/resources/ontology/laborgraph.ttl", "laborgraph/resources/shapes/claim.ttl",
                    "laborgraph/resources/queries/reports/cq01-deployments.rq", "laborgraph/resources/viz.js"):
        assert shipped in names, f"{shipped} is missing from the wheel"
    env = work / "env"
    venv.EnvBuilder(with_pip=True).create(env)
    _run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], work, timeout=1200)
    return env / "bin"


def _data_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "corpus"))


def test_the_installed_wheel_builds_validates_queries_and_draws(installed, tmp_path):
    data = _data_copy(tmp_path)
    cli = str(installed / "laborgraph")
    _run([cli, "build", "--data", str(data), "--out", str(tmp_path / "out")], tmp_path)
    assert (tmp_path / "out" / "laborgraph.trig").stat().st_size > 0
    _run([cli, "validate", str(data), "--cache", str(tmp_path / "cache")], tmp_path)
    rows = _run([cli, "query", "cq01", "--data", str(data), "--format", "csv", "--cache", str(tmp_path / "cache")],
                tmp_path).stdout.splitlines()
    assert len(rows) > 1 and "deployment" in rows[0]
    _run([cli, "viz", "--data", str(data), "-o", str(tmp_path / "view.html")], tmp_path)
    page = (tmp_path / "view.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "Russia" in page


def test_the_installed_package_does_not_import_from_the_checkout(installed, tmp_path):
    where = _run([str(installed / "python"), "-c", "import laborgraph, sys; print(laborgraph.__file__)"],
                 tmp_path).stdout.strip()
    assert not Path(where).resolve().is_relative_to(ROOT), where
