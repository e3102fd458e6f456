"""
Tabular data: classification and regression next to scikit-learn's models
==========================================================================

``MLPClassifier`` and ``MLPRegressor`` take numeric arrays as well as text. They
standardise the features (and a regressor's target) inside, so unscaled columns
such as the breast-cancer measurements, which span four orders of magnitude, need
no ``StandardScaler`` in front, and a classifier trains a one-hot encoded table
given as a sparse matrix as a table. Here both are cross-validated beside the models a
user would otherwise pick, on datasets that ship with scikit-learn. On tables this
small a linear model is as good as a network or better; the scores below are what
one run measured, not a claim that the network wins.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skbig import MLPClassifier, MLPRegressor

X, y = load_breast_cancer(return_X_y=True)
spread = X.max(axis=0)
print(f"breast cancer: column maxima from {spread.min():g} to {spread.max():g}")
folds = StratifiedKFold(3, shuffle=True, random_state=0)
classifiers = {
    "skbig MLPClassifier": MLPClassifier(random_state=0),
    "scaled LogisticRegression": make_pipeline(StandardScaler(), LogisticRegression()),
    "scaled sklearn MLP": make_pipeline(
        StandardScaler(),
        SklearnMLPClassifier(early_stopping=True, max_iter=1000, random_state=0),
    ),
}
accuracy = {
    name: cross_val_score(model, X, y, cv=folds).mean()
    for name, model in classifiers.items()
}
for name, score in accuracy.items():
    print(f"{name:>26}: accuracy {score:.4f}")

# %%
# Regression: the diabetes progression score, ten standardised features.
X, y = load_diabetes(return_X_y=True)
folds = KFold(3, shuffle=True, random_state=0)
regressors = {
    "skbig MLPRegressor": MLPRegressor(random_state=0),
    "RidgeCV": RidgeCV(),
    "scaled sklearn MLP": make_pipeline(
        StandardScaler(),
        SklearnMLPRegressor(early_stopping=True, max_iter=2000, random_state=0),
    ),
}
r2 = {
    name: cross_val_score(model, X, y, cv=folds).mean()
    for name, model in regressors.items()
}
for name, score in r2.items():
    print(f"{name:>26}: R² {score:.3f}")

# %%
# Categories: a ``ColumnTransformer`` one-hot encodes them and, when under 30 % of
# its entries are non-zero, returns a sparse matrix, as a vectorizer does. Every
# row of it holds one column per category and one per number, as no text does, so
# the classifier trains it as the table it is (``densify_tables``: standardised,
# with the defaults for tables) rather than as text.
rng = np.random.RandomState(0)
n = 2000
city = rng.choice([f"city {i}" for i in range(12)], n)
plan = rng.choice(["basic", "plus", "pro"], n)
age = rng.randint(18, 80, n)
table = np.column_stack([city, plan, age]).astype(object)
young_basic = (plan == "basic") & (age < 35)
churn = np.where(young_basic | (city == "city 3") | (rng.rand(n) < 0.1), "yes", "no")
encode = ColumnTransformer(
    [
        ("categories", OneHotEncoder(handle_unknown="ignore"), [0, 1]),
        ("numbers", StandardScaler(), [2]),
    ]
)
print("the encoded table is", type(encode.fit_transform(table)).__name__)
model = make_pipeline(encode, MLPClassifier(random_state=0))
folds = StratifiedKFold(3, shuffle=True, random_state=0)
print(f"churn accuracy {cross_val_score(model, table, churn, cv=folds).mean():.4f}")
scaler = model.fit(table, churn)[-1].feature_encoder_
print("trained as a table, standardised by a", type(scaler).__name__)

# %%
fig, axes = plt.subplots(1, 2, figsize=(8, 3))
axes[0].barh(list(accuracy), list(accuracy.values()))
axes[0].set_xlim(0.9, 1.0)
axes[0].set_title("breast cancer: accuracy")
axes[1].barh(list(r2), list(r2.values()))
axes[1].set_title("diabetes: R²")
fig.tight_layout()
