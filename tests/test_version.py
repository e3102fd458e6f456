"""skbig._version: one version, the one the package was installed with."""

import re
from importlib.metadata import version
from pathlib import Path

import pytest
from sklearn.utils.fixes import parse_version

import skbig
from skbig._version import __version__


def test_the_package_face_and_the_metadata_agree():
    assert skbig.__version__ == __version__ == version("skbig")


def test_ci_oldest_pins_the_floors_pyproject_declares():
    # .ci/oldest tests the floors by pinning them: a floor raised in one file and
    # not the other would leave that run testing something else.
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the files are static
    root = Path(__file__).resolve().parents[1]
    pins_file = root / ".ci" / "oldest-versions.txt"
    if not pins_file.exists():
        pytest.skip(".ci/ is not shipped")
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    floors = dict(
        re.match(r"([\w-]+)>=([\d.]+)", dependency).groups()
        for dependency in project["dependencies"]
    )
    pins = dict(
        line.split("==")
        for line in pins_file.read_text().splitlines()
        if line and not line.startswith("#")
    )
    for name, floor in floors.items():
        pinned, floor = parse_version(pins[name]), parse_version(floor)
        # at the floor's release series, not above it
        assert pinned >= floor and pinned.release[:2] == floor.release[:2], name
