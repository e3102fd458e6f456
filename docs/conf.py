"""Sphinx configuration for skbig's documentation."""

import pathlib
import sys

import skbig

sys.path.insert(0, str(pathlib.Path(__file__).parent))  # _gallery_order

project = "skbig"
author = "The skbig developers"
copyright = "2026, The skbig developers"
release = version = skbig.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
# The examples become a gallery, run by the build: a failing example fails it.
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Every example runs except the one that starts a Dask cluster.
    "filename_pattern": r"/(?!streamed_search_on_dask)[^/]+\.py$",
    "within_subsection_order": "_gallery_order.GalleryOrder",
    "ignore_repr_types": r"matplotlib|Display",
    "download_all_examples": False,
    "show_memory": False,
    "matplotlib_animations": False,
}
autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Classes list the estimator API only (docs/_templates/autosummary/class.rst):
# scikit-learn's inherited metadata-routing helpers cross-reference its glossary.
# Offline builds: cross-references to these projects render as plain text.
intersphinx_mapping = {}
nitpicky = False
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
html_theme = "alabaster"
templates_path = ["_templates"]
