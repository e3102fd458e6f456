"""The Examples sections of the public names' docstrings run as written.

``--doctest-modules`` finds a module's examples only on objects whose
``__module__`` is that module, and every public class records itself as
``skbig.<name>`` (``skbig._names.public``), so pytest's own collection skips them.
"""

import doctest

import pytest

import skbig

#: The names pytest's collection skips; functions keep their modules' names and
#: their examples run there.
NAMES = [
    name
    for name in skbig.__all__
    if getattr(getattr(skbig, name), "__module__", None) == "skbig"
]


def _examples(name):
    finder = doctest.DocTestFinder(recurse=False, exclude_empty=True)
    return finder.find(getattr(skbig, name), f"skbig.{name}", globs={})


def test_public_classes_have_examples_to_run():
    with_examples = [n for n in NAMES if _examples(n)]
    assert {"MLPClassifier", "MLPRegressor", "SparseAdagrad"} <= set(with_examples)


@pytest.mark.parametrize("name", NAMES)
def test_docstring_examples_run(name):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in _examples(name):
        runner.run(test)
    assert runner.failures == 0, f"skbig.{name}: {runner.failures} example(s) failed"
