"""Sphinx configuration for skbig's documentation."""

import skbig

project = "skbig"
author = "The skbig developers"
copyright = "2026, The skbig developers"
release = version = skbig.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
]
autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Classes list the estimator API only (docs/_templates/autosummary/class.rst):
# scikit-learn's inherited metadata-routing helpers cross-reference its glossary.
# Offline builds: cross-references to these projects render as plain text.
intersphinx_mapping = {}
nitpicky = False
exclude_patterns = ["_build"]
html_theme = "alabaster"
templates_path = ["_templates"]
