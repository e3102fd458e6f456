"""What each ``skbig`` command does; parsing lives in ``skbig.cli``."""

import ast
import functools
import os
import sys
import time

import numpy as np

from .._labels import predicted_labels
from ._data import DataError, OutputWriter, read_dataset, text_chunks, write_json
from ._labels import hold_out, labels_to_score, training_data, validation_set
from ._model import columns, load_model, metadata_for
from ._progress import Bar, interactive
from ._regression import (
    check_regression_options,
    evaluate_regressor,
    regression_scores,
    regression_shown,
)


class UsageError(Exception):
    """A command line that cannot work; reported with the usage, exit code 2."""


def parse_params(items, option="--param"):
    params = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"{option} expects NAME=VALUE, got {item!r}")
        try:
            params[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[name] = value  # a bare word, such as relu or adam
    return params


def text_pipeline(
    params,
    random_state,
    dp_epsilon=None,
    vectorizer="tfidf",
    numbers=False,
    bounds=None,
):
    from .._factories import make_text_classifier, make_text_regressor

    private = {"vectorizer": vectorizer, "dp_epsilon": dp_epsilon}
    if numbers:
        pipeline = make_text_regressor(
            **private, dp_target_bounds=bounds, mlp__random_state=random_state
        )
    else:
        pipeline = make_text_classifier(**private, mlp__random_state=random_state)
    check_step_names(pipeline, params, "--param")
    try:
        pipeline.set_params(**params)
    except ValueError as error:
        raise UsageError(str(error).splitlines()[0]) from None
    return pipeline


def check_step_names(pipeline, names, option):
    for name in names:
        if "__" not in name:
            raise UsageError(
                f"{option} {name}: name the step, as in mlp__{name} (the network) "
                f"or {pipeline.steps[0][0]}__{name} (the vectorizer)"
            )


def train(args):
    from .._model_file import save

    check_outputs_before_work(args)
    if args.validation and args.dp_epsilon is not None:
        raise UsageError("--validation cannot be used with --dp-epsilon")
    if args.regression:
        check_regression_options(args)
    if args.dp_target_bounds and not (args.regression and args.dp_epsilon):
        raise UsageError("--dp-target-bounds needs --regression and --dp-epsilon")
    if args.regression and args.dp_epsilon and not args.dp_target_bounds:
        raise UsageError(
            "--regression --dp-epsilon needs --dp-target-bounds LOW HIGH: the range "
            "the numbers lie in, known without looking at the data"
        )
    pipeline = text_pipeline(
        parse_params(args.param),
        args.random_state,
        args.dp_epsilon,
        args.vectorizer,
        args.regression,
        args.dp_target_bounds,
    )
    if args.stream:
        from ._stream import fit_streamed

        targets, summary = fit_streamed(args, pipeline)
    else:
        targets, summary = _fit_in_memory(args, pipeline)
    mlp = pipeline[-1]
    if getattr(mlp, "epsilon_", None) is not None:
        print(
            f"trained privately: ({mlp.epsilon_:.3g}, {mlp.delta_:.2g})-differentially "
            f"private, noise multiplier {mlp.noise_multiplier_:.3g}, "
            f"{mlp.steps_} steps at sampling rate {mlp.sampling_rate_:.3g}"
        )
    vocabulary = getattr(pipeline[0], "vocabulary_", None)
    if vocabulary is not None:
        print(f"vocabulary: {len(vocabulary)} terms")
    if "accuracy" in summary:
        print(
            f"held-out ({summary['test_documents']} documents): accuracy "
            f"{summary['accuracy']:.4f}, macro-F1 {summary['macro_f1']:.4f}"
        )
    elif "r2" in summary:
        shown = regression_shown(summary)
        print(f"held-out ({summary['test_documents']} documents): {shown}")
    save(pipeline, args.output, metadata=metadata_for(args, targets, training=summary))
    size = os.path.getsize(args.output) / 2**20
    print(f"saved to {args.output} ({size:.1f} MB)")
    if args.report_dir:
        from ._plots import learning_curve

        os.makedirs(args.report_dir, exist_ok=True)
        learning_curve(
            mlp.history_, os.path.join(args.report_dir, "learning_curve.png")
        )
        history = {key: list(values) for key, values in mlp.history_.items()}
        write_json(
            os.path.join(args.report_dir, "training.json"),
            dict(summary, history=history, params=parse_params(args.param)),
        )
        print(f"report written to {args.report_dir}")
    return 0


def _fit_in_memory(args, pipeline):
    """Read DATA (and the held-out part) whole, fit; returns the targets and a
    summary of the training."""
    texts, targets, y = training_data(args)
    test_texts = test_y = None
    if args.test:
        test_texts, test_labels = read_dataset(
            args.test, args.text_column, args.label_column, args.label_separator,
            numbers=args.regression,
        )  # fmt: skip
        test_y = targets.encode(test_labels, args.test)
    elif args.test_size > 0:
        texts, y, test_texts, test_y, kept = hold_out(texts, y, targets, args)
        if kept:
            shown = ", ".join(map(str, kept[:5])) + (", ..." if len(kept) > 5 else "")
            print(
                f"{len(kept)} class(es) with a single document stay in training "
                f"only: {shown}"
            )
    from ._callbacks import HeldOutScores, fit_with_progress

    callbacks = []
    if test_texts is not None:
        callbacks.append(HeldOutScores(pipeline, test_texts, test_y))
    fit = functools.partial(pipeline.fit, **validation_set(args, targets))
    seconds = fit_with_progress(args, pipeline, callbacks, fit, texts, y)
    print_trained(pipeline, len(texts), targets, seconds)
    summary = {"documents": len(texts), "seconds": round(seconds, 2)}
    if test_texts is not None:
        score = regression_scores if args.regression else scores
        metrics = score(test_y, pipeline.predict(test_texts))
        summary.update(test_documents=len(test_texts), **metrics)
    return targets, summary


def print_trained(pipeline, n_documents, targets, seconds):
    if targets.numeric:
        print(
            f"trained on {n_documents} documents (targets {targets.low:.4g} to "
            f"{targets.high:.4g}) in {seconds:.1f} s, {pipeline[-1].n_iter_} epochs"
        )
        return
    shown = ", ".join(str(c) for c in targets.classes[:10])
    more = ", ..." if len(targets.classes) > 10 else ""
    kind = "labels" if targets.multilabel else "classes"
    print(
        f"trained on {n_documents} documents ({len(targets.classes)} {kind}: "
        f"{shown}{more}) in {seconds:.1f} s, {pipeline[-1].n_iter_} epochs"
    )


def check_outputs_before_work(args):
    """What would fail after the whole training, checked before it."""
    folder = os.path.dirname(os.path.abspath(args.output))
    if not os.path.isdir(folder):
        raise UsageError(f"-o {args.output}: the folder {folder} does not exist")
    if getattr(args, "report_dir", None):
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise UsageError(
                "--report-dir draws plots with matplotlib: pip install matplotlib "
                '(or "skbig[plot]")'
            ) from None


def scores(y_true, y_pred):
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
    }


def evaluate(args):
    from sklearn.base import is_regressor
    from sklearn.metrics import classification_report, confusion_matrix

    model, metadata = load_model(args.model, regressors="text")
    text_column, label_column, separator = columns(args, metadata)
    numbers = is_regressor(model)
    texts, labels = read_dataset(
        args.data, text_column, label_column, separator, numbers=numbers
    )
    if numbers:
        return evaluate_regressor(args, model, texts, labels, label_column)
    labels, label_names = labels_to_score(args.data, labels, model, metadata)
    y_pred = predict_in_chunks(model, texts, args.quiet)
    if label_names is not None:
        names, y_true = label_names, labels
        report = classification_report(
            y_true, y_pred, target_names=names, digits=4, zero_division=0
        )
        details = classification_report(
            y_true, y_pred, target_names=names, output_dict=True, zero_division=0
        )
        matrix = None
    else:
        y_true = np.asarray(labels).astype(np.asarray(y_pred).dtype, copy=False)
        names = list(model.classes_)
        report = classification_report(y_true, y_pred, digits=4, zero_division=0)
        details = classification_report(
            y_true, y_pred, output_dict=True, zero_division=0
        )
        matrix = confusion_matrix(y_true, y_pred, labels=names)
    metrics = scores(y_true, y_pred)
    print(f"accuracy {metrics['accuracy']:.4f}, macro-F1 {metrics['macro_f1']:.4f}")
    print(f"({len(texts)} documents)\n")
    print(report)
    if args.report_dir:
        from ._plots import confusion_matrix as plot_confusion

        os.makedirs(args.report_dir, exist_ok=True)
        result = dict(metrics, documents=len(texts), per_class=details)
        if matrix is not None:
            result["confusion_matrix"] = {"labels": names, "matrix": matrix.tolist()}
            plot_confusion(
                matrix, names, os.path.join(args.report_dir, "confusion_matrix.png")
            )
        write_json(os.path.join(args.report_dir, "evaluation.json"), result)
        print(f"report written to {args.report_dir}")
    return 0


def predict_in_chunks(model, texts, quiet, chunk_size=2048):
    bar = Bar(len(texts), "predict") if interactive(quiet) else None
    parts = []
    for start in range(0, len(texts), chunk_size):
        parts.append(model.predict(texts[start : start + chunk_size]))
        if bar:
            bar.update(min(start + chunk_size, len(texts)))
    if bar:
        bar.finish()
    return np.concatenate(parts)


def predict(args):
    if args.scheduler or args.workers is not None:
        try:
            from ._dask import predict_on_dask
        except ModuleNotFoundError as error:
            if error.name.split(".")[0] not in ("dask", "distributed", "pandas"):
                raise
            raise DataError(
                '--scheduler and --workers need Dask: pip install "skbig[dask]"'
            ) from None
        done = predict_on_dask(args, lambda: load_model(args.model, regressors="text"))
        if args.output != "-":
            print(f"{done} predictions written to {args.output}")
        return 0
    model, metadata = load_model(args.model, regressors="text")
    text_column = args.text_column or metadata.get("text_column") or "text"
    multilabel = bool(metadata.get("multilabel"))
    classes = metadata["classes"] if multilabel else getattr(model, "classes_", None)
    writer = None
    show_progress = interactive(args.quiet)
    done = 0
    try:
        for ids, texts in text_chunks(
            args.data, text_column, args.chunk_size, args.id_column
        ):
            names = classes if multilabel else None
            predictions, proba = predicted_labels(model, texts, names)
            if writer is None:
                writer = OutputWriter(args.output, classes, multilabel)
            writer.write(ids, predictions, proba)
            done += len(texts)
            if show_progress:
                print(f"\rpredicted {done} documents\033[K", end="", file=sys.stderr)
    finally:
        if writer is not None:
            writer.close()
    if show_progress:
        print(file=sys.stderr)
    if args.output != "-":
        print(f"{done} predictions written to {args.output}")
    return 0


def explain(args):
    from ..explain import explain_text

    model, metadata = load_model(args.model, regressors="text")
    numbers = not hasattr(model, "classes_")  # a regressor: its prediction
    if numbers and args.target is not None:
        raise UsageError("--target names a class; a regressor's prediction has none")
    # Multi-label models number their labels; the file keeps their names.
    names = metadata["classes"] if metadata.get("multilabel") else None
    names = names or [str(c) for c in getattr(model, "classes_", ())]
    target = None
    if args.target is not None:
        if args.target not in names:
            raise UsageError(
                f"unknown --target {args.target!r}; the classes are {', '.join(names)}"
            )
        target = model.classes_[names.index(args.target)]
    for text in args.text or [sys.stdin.read()]:
        explanation = explain_text(model, text, target=target, top_k=args.top_k)
        if not numbers:
            column = list(model.classes_).index(explanation.target)
            explanation.target = names[column]
        print(explanation.to_text())
        if args.html:
            with open(args.html, "w", encoding="utf-8") as file:
                file.write(explanation.to_html())
    return 0


def demo(args):
    from sklearn.metrics import classification_report

    from .._factories import make_text_classifier
    from ..datasets import load_sms_spam

    X_train, y_train = load_sms_spam(subset="train", return_X_y=True)
    X_test, y_test = load_sms_spam(subset="test", return_X_y=True)
    clf = make_text_classifier(mlp__random_state=args.random_state)
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    print(
        f"SMS Spam Collection (CC BY 4.0, Almeida et al. 2011): trained on "
        f"{len(X_train)} messages in {seconds:.1f} s, tested on {len(X_test)}.\n"
    )
    print(classification_report(y_test, clf.predict(X_test), digits=4))
    return 0
