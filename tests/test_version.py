"""skbig._version: one version, the one the package was installed with."""

from importlib.metadata import version

import skbig
from skbig._version import __version__


def test_the_package_face_and_the_metadata_agree():
    assert skbig.__version__ == __version__ == version("skbig")
