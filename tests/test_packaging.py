"""The distributions are true: built from this checkout (sdist and wheel), checked by twine,
with the license, classifiers, requires-python and dependencies the code needs, and the files
the package reads at run time."""

from __future__ import annotations

import email
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: use the setuptools installed here, so the test needs no network
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def test_twine_check(dist: Path) -> None:
    files = sorted(str(p) for p in dist.iterdir())
    assert len(files) == 2 and any(f.endswith(".whl") for f in files) and any(f.endswith(".tar.gz") for f in files)
    proc = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.count("PASSED") == 2, proc.stdout + proc.stderr


def test_wheel_metadata_and_contents(dist: Path) -> None:
    wheel = next(dist.glob("*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.message_from_string(zf.read(meta_name).decode())
    assert meta["Name"] == "leaklint-mem" and meta["License-Expression"] == "MIT"
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert meta["Requires-Python"] == ">=3.9"
    classifiers = meta.get_all("Classifier")
    versions = sorted(c.rsplit(":: ", 1)[1] for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c))
    assert versions == ["3.10", "3.11", "3.12", "3.13", "3.9"]
    requires = " ".join(meta.get_all("Requires-Dist"))
    for dependency in ("libcst", "nbformat", "pygls", "lsprotocol", "tomli"):
        assert dependency in requires
    # the files the package reads at run time ship in the wheel
    for path in ("leaklint/py.typed", "leaklint/evidence/LL103.json", "leaklint/server.py", "leaklint/notebook.py"):
        assert path in names
    body = meta.get_payload()
    assert "not on PyPI yet" in body  # the long description is the README, which says so
    # no placeholder metadata
    assert "OWNER" not in str(meta) and "example.com" not in str(meta)


def test_sdist_carries_license_changelog_and_tests(dist: Path) -> None:
    sdist = next(dist.glob("*.tar.gz"))
    with tarfile.open(sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    assert {"LICENSE", "README.md", "pyproject.toml", "leaklint/cli.py"} <= names


def test_changelog_has_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text and "## [0.1.0]" in text
    from leaklint import __version__

    assert f"## [{__version__}]" in text


def test_ci_builds_checks_and_installs_on_the_oldest_and_newest_python() -> None:
    """CI (.ci/run) builds both distributions, twine-checks them and hands the wheel to
    .ci/pythons, which installs it on exactly the oldest and newest Python the metadata
    promises (requires-python's floor, the newest classifier), so a new classifier or a raised
    floor without the matching CI interpreter fails here."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floor = re.fullmatch(r">=\s*(3\.\d+)", project["requires-python"]).group(1)
    versions = [c.rsplit(":: ", 1)[1] for c in project["classifiers"] if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    newest = max(versions, key=lambda v: tuple(map(int, v.split("."))))
    assert floor == min(versions, key=lambda v: tuple(map(int, v.split("."))))
    run = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#")]
    assert any("python -m build" in line and "twine check --strict" in line for line in run)
    assert ".ci/pythons dist/*.whl" in run and "python -m pytest" in run
    pythons = (ROOT / ".ci" / "pythons").read_text(encoding="utf-8")
    assert re.search(r"^for version in (.+); do$", pythons, re.M).group(1).split() == [floor, newest]
