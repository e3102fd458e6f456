"""What skbig knows about the steps of a pipeline in front of its network:
whether they are fitted, whether fitting them learns from the data, and how to put
them back when a fit stops part-way."""

import contextlib
import copy
import warnings

from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction import text as _sklearn_text
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, Normalizer
from sklearn.utils.validation import check_is_fitted

from ._base import _MLPMixin
from ._privacy import PrivacyWarning


@contextlib.contextmanager
def restored_on_failure(steps):
    """Put every step of ``steps`` back as it was when the block raises (skbig's
    estimators restore themselves; the others from a copy taken now)."""
    saved = [
        (step, copy.deepcopy(vars(step)))
        for _, step in steps
        if hasattr(step, "fit") and not isinstance(step, _MLPMixin)
    ]
    try:
        yield
    except BaseException:
        for step, state in saved:
            vars(step).clear()
            vars(step).update(state)
        raise


def is_fitted(step):
    """Whether ``step`` is fitted, as ``check_is_fitted`` judges."""
    try:
        check_is_fitted(step)
    except NotFittedError:
        return False
    return True


def learns_from_data(step):
    """Whether fitting ``step`` keeps statistics of its training data."""
    if step in (None, "passthrough", "drop") or isinstance(
        step, HashingVectorizer | FunctionTransformer | FrozenEstimator | Normalizer
    ):
        # A frozen step is not fitted here: it was fitted before (on public text,
        # or the user says so by freezing it). A Normalizer reads each row alone.
        return False
    if isinstance(step, Pipeline):  # words beside characters, each a pipeline
        return any(learns_from_data(inner) for _, inner in step.steps)
    if isinstance(step, FeatureUnion):
        return any(learns_from_data(inner) for _, inner in step.transformer_list)
    if isinstance(step, TfidfTransformer):
        return step.use_idf
    if isinstance(step, _sklearn_text.CountVectorizer):
        fixed = step.vocabulary is not None
        return not fixed or bool(getattr(step, "use_idf", False))
    return True


def warn_if_steps_learn_privately(steps):
    """A private network behind a step that learns from the same data: the
    guarantee covers the network, not that step (a vocabulary publishes every
    word used by a couple of people; IDF is a statistic of the data)."""
    *front, (_, last) = steps
    if getattr(last, "dp_epsilon", None) is None:
        return
    learning = [name for name, step in front if learns_from_data(step)]
    if learning:
        warnings.warn(
            f"The network trains privately, but step(s) {learning} learn from the "
            "same data (a vocabulary, IDF or scaling), which the privacy guarantee "
            "does not cover. Use make_text_classifier(dp_epsilon=...) (hashed "
            "features) or a vocabulary fitted on public text.",
            PrivacyWarning,
            stacklevel=3,
        )
