"""Private text regression: ``make_text_regressor(dp_epsilon=, dp_target_bounds=)``.

Every corpus of ``text_regression.py``, each with bounds on its targets that a user
would know without looking at the data (the rating scale, the years or days the
records cover; ``BOUNDS``, fixed before any private fit ran on them). Per corpus
and epsilon: the private pipeline's test R² and fit seconds over ``--fits`` fits
(the privacy noise is fresh in each), beside the non-private default
(``make_text_regressor()``, seed 0) and, with ``--no-bounds``, the private pipeline
trained on the targets as they are.

``--reach`` sets what the bounds are mapped to (``[-reach, reach]``) for a probe, by
replacing the constant the target encoder reads (``TARGET_REACH``)::

    python benchmarks/private_regression.py --epsilons 1 8 --fits 2
    python benchmarks/private_regression.py --corpora tweets parl_de --reach 4 6 8

``--batch-fraction`` probes the expected batch of ``batch_size="auto"`` as a
share of the training rows (``AUTO_BATCH_FRACTION``), each value beside each step::

    python benchmarks/private_regression.py --epsilons 1 8 --no-default \\
        --batch-fraction 0.125 0.25 0.5

``--param NAME=VALUE`` sets a parameter of every private pipeline (a Python literal),
e.g. ``--param mlp__epochs=60``. ``--noise-step`` probes the "auto" rate's constant
(``PRIVATE_NOISE_STEP``, how far a step moves a weight through the noise), each
value beside each reach::

    python benchmarks/private_regression.py --epsilons 1 8 --no-default \\
        --noise-step 0.0035 0.007 0.014
"""

import argparse
import ast
import time
import warnings

import numpy as np
from _worker import DATA_DIR
from text_regression import load

#: Public bounds of each corpus's targets: VADER's raters scored -4 to +4; the
#: ParlSpeech samples hold speeches of 1990-2020; the health tweets were sent in
#: 2011-2015 (years since 2011); the news articles are from the months after
#: February 2017 (days since then, at most 150); the Guardian headlines from the
#: first seven months of 2020 (day of the year); MR and SMS spam labels are 0/1.
BOUNDS = {
    **dict.fromkeys(["tweets", "nyt", "amazon", "movies"], (-4.0, 4.0)),
    **dict.fromkeys(["parl_de", "parl_en", "parl_es", "parl_nl"], (1990.0, 2020.0)),
    "tweet_time": (0.0, 5.0),
    "news_day": (0.0, 150.0),
    "guardian_day": (0.0, 213.0),
    "mr": (0.0, 1.0),
    "sms": (0.0, 1.0),
}


def fit_score(model, X, y, X_test, y_test):
    from sklearn.metrics import r2_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
    return r2_score(y_test, model.predict(X_test)), seconds


def main():
    import skbig._privacy
    import skbig._scikeras
    from skbig import make_text_regressor

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--corpora", nargs="+", default=list(BOUNDS))
    parser.add_argument("--epsilons", nargs="+", type=float, default=[1, 2, 4, 8])
    parser.add_argument("--fits", type=int, default=2)
    parser.add_argument("--reach", nargs="+", type=float, default=[None])
    parser.add_argument("--noise-step", nargs="+", type=float, default=[None])
    parser.add_argument("--batch-fraction", nargs="+", type=float, default=[None])
    parser.add_argument("--no-bounds", action="store_true")
    parser.add_argument("--no-default", action="store_true")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    params = {}
    for item in args.param:
        name, value = item.split("=", 1)
        params[name] = ast.literal_eval(value)
    reach_default = skbig._scikeras.TARGET_REACH
    step_default = skbig._privacy.PRIVATE_NOISE_STEP
    fraction_default = skbig._privacy.AUTO_BATCH_FRACTION
    rows = []
    for corpus in args.corpora:
        X, y, X_test, y_test = load(corpus, args.data_dir)
        print(f"{corpus}: {len(y)} training, {len(y_test)} test", flush=True)
        if not args.no_default:
            model = make_text_regressor(mlp__random_state=0)
            r2, seconds = fit_score(model, X, y, X_test, y_test)
            rows.append((corpus, "not private", "", r2, r2, r2, seconds))
            print(f"  not private: R² {r2:.4f} in {seconds:.1f} s", flush=True)
        settings = [
            (f"bounds, reach {r or reach_default:g}"
             + (f", step {step:g}" if step else "")
             + (f", batch fraction {fraction:g}" if fraction else ""),
             r, step, fraction)
            for r in args.reach for step in args.noise_step
            for fraction in args.batch_fraction
        ]  # fmt: skip
        if args.no_bounds:
            settings.append(("no bounds", "none", None, None))
        for epsilon in args.epsilons:
            for label, reach, step, fraction in settings:
                skbig._scikeras.TARGET_REACH = (
                    reach if reach not in (None, "none") else reach_default
                )
                skbig._privacy.PRIVATE_NOISE_STEP = step or step_default
                skbig._privacy.AUTO_BATCH_FRACTION = fraction or fraction_default
                bounds = None if reach == "none" else BOUNDS[corpus]
                models = [
                    make_text_regressor(
                        dp_epsilon=epsilon,
                        dp_target_bounds=bounds,
                        mlp__random_state=fit,
                        **params,
                    )
                    for fit in range(args.fits)
                ]
                scores = [fit_score(m, X, y, X_test, y_test) for m in models]
                r2 = [s for s, _ in scores]
                seconds = float(np.mean([t for _, t in scores]))
                rows.append((corpus, label, epsilon, np.mean(r2), *minmax(r2), seconds))
                print(
                    f"  epsilon {epsilon:g} {label}: R² {np.mean(r2):.4f} "
                    f"({', '.join(f'{v:.3f}' for v in r2)}) in {seconds:.1f} s",
                    flush=True,
                )
    skbig._scikeras.TARGET_REACH = reach_default
    skbig._privacy.PRIVATE_NOISE_STEP = step_default
    skbig._privacy.AUTO_BATCH_FRACTION = fraction_default
    print("\n| corpus | training | epsilon | test R² (mean) | range | fit s |")
    print("|---|---|---:|---:|---|---:|")
    for corpus, label, epsilon, mean, low, high, seconds in rows:
        eps = f"{epsilon:g}" if epsilon != "" else ""
        print(
            f"| {corpus} | {label} | {eps} | {mean:.4f} | {low:.3f} to {high:.3f} "
            f"| {seconds:.1f} |"
        )


def minmax(values):
    return min(values), max(values)


if __name__ == "__main__":
    main()
