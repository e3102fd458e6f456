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
        **facts,
    )


def load_model(path):
    """A saved text classifier and its metadata, or one line saying why not."""
    from sklearn.base import is_classifier
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


def columns(args, metadata):
    text = args.text_column or metadata.get("text_column") or "text"
    label = (
        getattr(args, "label_column", None) or metadata.get("label_column") or "label"
    )
    separator = getattr(args, "label_separator", None) or metadata.get(
        "label_separator"
    )
    return text, label, separator
