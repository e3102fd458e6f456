"""skbig: Keras neural networks as scikit-learn estimators.

``MLPClassifier`` and ``MLPRegressor`` are scikit-learn estimators (through scikeras)
whose Keras network trains directly on sparse input; ``make_text_classifier`` puts a
TF-IDF vectorizer in front for raw text.
"""

from . import _runtime  # noqa: F401  (quiet TensorFlow before anything imports it)
from ._classifier import MLPClassifier
from ._export import NotExportableError, export
from ._model_file import ModelFileError, ModelVersionWarning, load, model_info, save
from ._network.layers import SparseDense
from ._network.optimizers import LazyAdam, SparseAdagrad
from ._privacy import PrivacyWarning
from ._regressor import MLPRegressor
from ._report import model_card, report
from ._streaming import fit_stream
from ._text import TextPipeline, TfidfVectorizer, make_text_classifier
from ._version import __version__

# Public names are the only ones that pickles and model files record, so that a
# module of skbig can move without breaking a saved model.
for _public in (
    LazyAdam,
    MLPClassifier,
    MLPRegressor,
    ModelFileError,
    ModelVersionWarning,
    NotExportableError,
    PrivacyWarning,
    SparseAdagrad,
    SparseDense,
    TextPipeline,
    TfidfVectorizer,
):
    _public.__module__ = __name__
del _public

__all__ = [
    "LazyAdam",
    "MLPClassifier",
    "MLPRegressor",
    "ModelFileError",
    "ModelVersionWarning",
    "NotExportableError",
    "PrivacyWarning",
    "SparseAdagrad",
    "SparseDense",
    "TextPipeline",
    "TfidfVectorizer",
    "__version__",
    "export",
    "fit_stream",
    "load",
    "make_text_classifier",
    "model_card",
    "model_info",
    "report",
    "save",
]
