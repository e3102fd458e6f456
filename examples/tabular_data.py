"""
Tabular data: classification and regression next to scikit-learn's models
==========================================================================

``MLPClassifier`` and ``MLPRegressor`` take numeric arrays as well as text. They
standardise the features (and a regressor's target) inside, so unscaled columns
such as the breast-cancer measurements, which span four orders of magnitude, need
no ``StandardScaler`` in front. Here both are cross-validated beside the models a
user would otherwise pick, on datasets that ship with scikit-learn. On tables this
small a linear model is as good as a network or better; the scores below are what
one run measured, not a claim that the network wins.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

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
fig, axes = plt.subplots(1, 2, figsize=(8, 3))
axes[0].barh(list(accuracy), list(accuracy.values()))
axes[0].set_xlim(0.9, 1.0)
axes[0].set_title("breast cancer: accuracy")
axes[1].barh(list(r2), list(r2.values()))
axes[1].set_title("diabetes: R²")
fig.tight_layout()
