"""``skbig tune``: a grid search over the text pipeline, the best one saved."""

import sys
import time

import numpy as np

from ._commands import (
    UsageError,
    check_outputs_before_work,
    check_step_names,
    parse_params,
    text_pipeline,
)
from ._labels import training_data, validation_set
from ._model import metadata_for
from ._progress import interactive
from ._regression import check_regression_options


def tune(args):
    from sklearn.model_selection import GridSearchCV

    from .._model_file import save

    check_outputs_before_work(args)
    if args.regression:
        check_regression_options(args)
    grid = parse_params(args.grid, option="--grid")
    for name, values in grid.items():
        if not isinstance(values, list | tuple) or not values:
            raise UsageError(f"--grid {name}= needs a non-empty list of values")
        grid[name] = list(values)
    scoring = args.scoring or ("r2" if args.regression else "accuracy")
    pipeline = text_pipeline(
        parse_params(args.param), args.random_state, numbers=args.regression
    )
    check_step_names(pipeline, grid, "--grid")
    from sklearn.metrics import get_scorer_names

    if scoring not in get_scorer_names():
        raise UsageError(
            f"--scoring {scoring}: not a scikit-learn scorer; for example "
            "accuracy, f1_macro or neg_log_loss (sklearn.metrics.get_scorer_names())"
        )
    try:
        pipeline.set_params(**{name: values[0] for name, values in grid.items()})
    except ValueError as error:
        raise UsageError(str(error).splitlines()[0]) from None
    texts, targets, y = training_data(args)
    n_candidates = int(np.prod([len(v) for v in grid.values()]))
    if interactive(args.quiet):
        print(
            f"fitting {n_candidates} candidates x {args.cv} folds "
            f"= {n_candidates * args.cv} fits",
            file=sys.stderr,
        )
    search = GridSearchCV(
        pipeline,
        grid,
        cv=args.cv,
        scoring=scoring,
        n_jobs=args.n_jobs,
        error_score="raise",
    )
    given = validation_set(args, targets)
    if given and len(given["mlp__y_val"]) == len(texts):  # sklearn would cut it up
        raise UsageError(
            "--validation has as many rows as DATA, which a grid search splits "
            "with the folds; give it another size"
        )
    start = time.perf_counter()
    search.fit(texts, y, **given)
    seconds = time.perf_counter() - start
    results = search.cv_results_
    order = np.argsort(results["rank_test_score"], kind="stable")
    print(f"{'rank':>4}  {scoring:>10}  {'std':>7}  parameters")
    ranks, means, stds = (results[f"{k}_test_score"] for k in ("rank", "mean", "std"))
    for i in order:
        params = ", ".join(f"{k}={v!r}" for k, v in results["params"][i].items())
        print(f"{ranks[i]:>4}  {means[i]:>10.4f}  {stds[i]:>7.4f}  {params}")
    print(f"\n{n_candidates} candidates x {args.cv} folds in {seconds:.1f} s")
    tuning = {
        "best_params": {k: repr(v) for k, v in search.best_params_.items()},
        "best_score": float(search.best_score_),
        "scoring": scoring,
        "cv": args.cv,
    }
    save(
        search.best_estimator_,
        args.output,
        metadata=metadata_for(args, targets, tuning=tuning),
    )
    print(f"best model saved to {args.output}")
    return 0
