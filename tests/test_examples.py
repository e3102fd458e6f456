"""The Examples sections of the public names' docstrings are collected and run.

Every public class records itself as ``skbig.<name>`` (``skbig._names.public``),
so ``--doctest-modules`` finds its examples in ``skbig/__init__.py`` (as
``skbig/__init__.py::skbig.MLPClassifier``) and runs them there, once; these
tests pin that the examples exist and that the collection sees them.
"""

import doctest

import skbig

#: The names whose examples run from ``skbig/__init__.py``; functions keep their
#: modules' names and their examples run there.
NAMES = [
    name
    for name in skbig.__all__
    if getattr(getattr(skbig, name), "__module__", None) == "skbig"
]


def _examples(name):
    finder = doctest.DocTestFinder(recurse=False)
    tests = finder.find(getattr(skbig, name), f"skbig.{name}", globs={})
    return [test for test in tests if test.examples]


def test_public_classes_have_examples_to_run():
    with_examples = [n for n in NAMES if _examples(n)]
    assert {"MLPClassifier", "MLPRegressor", "SparseAdagrad"} <= set(with_examples)


def test_the_doctest_collection_of_the_package_runs_them():
    # What pytest's doctest module does with skbig/__init__.py: one finder over
    # the module, keeping the objects whose ``__module__`` is the module's name.
    found = {test.name for test in doctest.DocTestFinder().find(skbig) if test.examples}
    assert {f"skbig.{name}" for name in NAMES if _examples(name)} <= found
