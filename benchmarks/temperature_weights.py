"""Probe: the temperature learnt with the held-out rows weighed as training weighs
them, against without (session 39; not adopted).

skbig's default trains text with "balanced_sqrt" class weights, and its stopping
rule reads the held-out loss with those weights; the temperature does not. Per
corpus and seed, one default fit (the package as installed); the held-out outputs
and targets its temperature learnt from are kept, and the test split's ECE (15
bins) and log-loss are scored under the temperature fitted without weights (the
package's own, checked) and with each held-out row weighed by its class's
"balanced_sqrt" weight (counted on the whole training split, as the fit counts
them). Both come from the same network, so the difference is the temperature's
alone. One JSON line per fit in ``--out``; a table of 3-seed means at the end.

    python benchmarks/temperature_weights.py --data-dir ../shared/data \
        --group tuning --seeds 0,1,2
"""

import argparse
import json
import warnings

import numpy as np
from _worker import DATA_DIR
from bench import expected_calibration_error
from corpora import GROUPS, load_corpus
from scipy.optimize import minimize_scalar
from sklearn.base import clone
from sklearn.metrics import log_loss

from skbig import MLPClassifier, make_text_classifier
from skbig._calibration import tempered
from skbig._labels import balanced_weights
from skbig._metrics import validation_loss
from skbig._plan import MIN_NEW_ROWS, novel_rows


class Recording(MLPClassifier):
    """The default classifier, keeping what its temperature learnt from."""

    def _learn_from_validation(self, raw, y_val, features=None):
        super()._learn_from_validation(raw, y_val, features)
        raw = np.asarray(raw, np.float64).reshape(len(y_val), -1)
        y_val = np.asarray(y_val)
        novel = novel_rows(*features) if features is not None else None
        if novel is not None and novel.sum() >= MIN_NEW_ROWS:
            raw, y_val = raw[novel], y_val[novel]
        self.recorded_ = (raw, y_val)


def fit_temperature(raw, y, weights=None):
    """The package's temperature fit, its held-out rows averaged with ``weights``."""

    def loss(log_t):
        return validation_loss(y, tempered(raw, np.exp(log_t)), None, weights)

    found = minimize_scalar(loss, bounds=(np.log(0.05), np.log(20)), method="bounded")
    return float(np.exp(found.x))


def class_weights_of(y_val, y_train):
    """Each held-out row's "balanced_sqrt" weight, from the training split's counts."""
    codes = y_val.argmax(axis=1) if y_val.ndim == 2 and y_val.shape[1] > 1 else y_val
    _, counts = np.unique(y_train, return_counts=True)
    return balanced_weights(counts, "balanced_sqrt")[np.ravel(codes).astype(int)]


def scores(model, temperature, Xte, yte):
    model.temperature_ = temperature
    proba = model.predict_proba(Xte)
    return {
        "temperature": temperature,
        "ece": expected_calibration_error(yte, proba, model.classes_),
        "log_loss": log_loss(yte, proba, labels=model.classes_),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument("--group", choices=sorted(GROUPS))
    parser.add_argument("--corpora", nargs="+")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--out", default="temperature_weights.jsonl")
    args = parser.parse_args()
    corpora = args.corpora or GROUPS[args.group]
    rows = []
    for name in corpora:
        Xtr, ytr, Xte, yte = load_corpus(name, args.data_dir)
        ytr, yte = np.asarray(ytr), np.asarray(yte)
        tfidf = clone(make_text_classifier().named_steps["tfidf"])
        A, B = tfidf.fit_transform(Xtr), tfidf.transform(Xte)
        for seed in [int(s) for s in args.seeds.split(",")]:
            model = Recording(random_state=seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(A, ytr)
            raw, y_val = model.recorded_
            weights = class_weights_of(y_val, ytr)
            row = {"corpus": name, "seed": seed, "n_held_out": len(y_val)}
            row["fitted_temperature"] = model.temperature_  # the package's own
            assert np.isclose(model.temperature_, fit_temperature(raw, y_val), 1e-4)
            row["accuracy"] = 100 * np.mean(model.predict(B) == yte)
            weighted = fit_temperature(raw, y_val, weights)
            row["weighted"] = scores(model, weighted, B, yte)
            row["plain"] = scores(model, fit_temperature(raw, y_val), B, yte)
            rows.append(row)
            with open(args.out, "a") as out:
                print(json.dumps(row), file=out)
            print(
                f"{name:22s} seed={seed} acc={row['accuracy']:.2f} "
                f"fitted T={row['fitted_temperature']:.3f} "
                + " ".join(
                    f"{kind}: T={row[kind]['temperature']:.3f} "
                    f"ECE={row[kind]['ece']:.4f} LL={row[kind]['log_loss']:.4f}"
                    for kind in ("plain", "weighted")
                ),
                flush=True,
            )
    print("\n| corpus | ECE plain -> weighted | log-loss plain -> weighted |")
    print("|---|---|---|")
    for name in corpora:
        mine = [r for r in rows if r["corpus"] == name]
        mean = {
            (kind, key): np.mean([r[kind][key] for r in mine])
            for kind in ("plain", "weighted")
            for key in ("ece", "log_loss")
        }
        print(
            f"| {name} | {mean['plain', 'ece']:.4f} -> {mean['weighted', 'ece']:.4f} "
            f"| {mean['plain', 'log_loss']:.4f} -> {mean['weighted', 'log_loss']:.4f} |"
        )


if __name__ == "__main__":
    main()
