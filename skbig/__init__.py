"""skbig: Keras neural networks as scikit-learn estimators.

``MLPClassifier`` and ``MLPRegressor`` are scikit-learn estimators (through scikeras)
whose Keras network trains directly on sparse input; ``make_text_classifier`` puts a
TF-IDF vectorizer in front for raw text, ``make_text_regressor`` the same for numbers.

The names below are imported when first used (PEP 562), so ``import skbig`` and
``skbig --help`` do not start TensorFlow; the modules that import TensorFlow import
``skbig._runtime`` first, which starts it quietly.
"""

import importlib

from ._version import __version__ as __version__

#: Public name -> the module that defines it.
_LAZY = {
    "HashingVectorizer": "._text",
    "LazyAdam": "._network.optimizers",
    "MLPClassifier": "._classifier",
    "MLPRegressor": "._regressor",
    "ModelFileError": "._file_checks",
    "ModelVersionWarning": "._model_file",
    "NotExportableError": "._export",
    "PrivacyWarning": "._privacy",
    "SparseAdagrad": "._network.optimizers",
    "SparseDense": "._network.layers",
    "TextPipeline": "._text",
    "TfidfVectorizer": "._text",
    "export": "._export",
    "fit_stream": "._streaming",
    "load": "._model_file",
    "make_text_classifier": "._factories",
    "make_text_regressor": "._factories",
    "model_card": "._report",
    "model_info": "._model_file",
    "report": "._report",
    "save": "._model_file",
}
#: Public submodules, also reachable as attributes after ``import skbig``.
_SUBMODULES = ("datasets", "explain")

__all__ = sorted([*_LAZY, "__version__"])


def __getattr__(name):
    if name in _LAZY:
        importlib.import_module("._runtime", __name__)  # quiet TensorFlow first
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *_LAZY, *_SUBMODULES})
