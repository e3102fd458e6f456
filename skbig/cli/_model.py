"""Saved models for the commands, and the metadata that says how to read data."""

import os

from ._data import DataError


def metadata_for(args, targets, **facts):
    """What evaluate/predict need to read new files the way training read them."""
    classes = [str(c) for c in targets.classes] if targets.multilabel else None
    return dict(
        text_column=args.text_column,
        label_column=args.label_column,
        label_separator=args.label_separator,
        multilabel=targets.multilabel,
        classes=classes,
        task="regression" if targets.numeric else "classification",
        **facts,
    )


def load_model(path, regressors=None):
    """A saved text classifier and its metadata, or one line saying why not.
    ``regressors``: "text" takes a regressor of raw text too, "any" any regressor
    (export and card, which describe numeric pipelines as well)."""
    from sklearn.base import is_classifier, is_regressor
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    from .._model_file import load, model_info

    if not os.path.exists(path):
        raise DataError(f"{path}: no such file")
    model = load(path)
    metadata = model_info(path)["metadata"]
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise DataError(f"{path}: the model in it was never fitted") from None
    if regressors == "any" and is_regressor(model):
        return model, metadata
    if regressors == "text" and is_regressor(model) and _takes_text(model):
        return model, metadata
    if regressors == "text" and is_regressor(model):
        raise DataError(
            f"{path}: holds a {type(model).__name__} of numeric input, not a text "
            "regressor (skbig train --regression or make_text_regressor())"
        )
    if is_regressor(model):
        raise DataError(
            f"{path}: holds a regressor ({type(model).__name__}); this command takes "
            "text classifiers (a regressor's file is for evaluate, predict, explain, "
            "report, export and card)"
        )
    if not (is_classifier(model) and hasattr(model, "predict_proba")):
        raise DataError(
            f"{path}: holds a {type(model).__name__}, not a text classifier "
            "(skbig train, tune or skbig.save of make_text_classifier())"
        )
    classes = metadata.get("classes")
    if metadata.get("multilabel") and not (
        isinstance(classes, list) and all(isinstance(c, str) for c in classes)
    ):
        raise DataError(f"{path}: multi-label metadata without a list of classes")
    return model, metadata


def _takes_text(model):
    from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer

    steps = getattr(model, "steps", None) or [(None, None)]
    return isinstance(steps[0][1], CountVectorizer | HashingVectorizer)


def columns(args, metadata):
    text = args.text_column or metadata.get("text_column") or "text"
    label = (
        getattr(args, "label_column", None) or metadata.get("label_column") or "label"
    )
    separator = getattr(args, "label_separator", None) or metadata.get(
        "label_separator"
    )
    return text, label, separator
