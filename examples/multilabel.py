"""
Multi-label text and tabular regression
=======================================

Multi-label targets go in as a binary indicator matrix; MLPRegressor fits tabular
targets such as risk scores. Both are ordinary scikit-learn estimators.
"""

# %%
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer, StandardScaler

from skbig import MLPRegressor, make_text_classifier

texts = [
    "wheat and grain exports rise",
    "grain harvest beats forecast",
    "oil prices fall as crude stocks grow",
    "crude oil output cut",
    "quarterly earnings up on grain trade",
    "earnings fall at oil refiner",
] * 20
labels = [
    ["grain", "wheat"],
    ["grain"],
    ["crude"],
    ["crude"],
    ["earn", "grain"],
    ["crude", "earn"],
] * 20
mlb = MultiLabelBinarizer()
Y = mlb.fit_transform(labels)
clf = make_text_classifier(tfidf__min_df=1, mlp__epochs=100, mlp__random_state=0)
clf.fit(texts, Y)
print(mlb.inverse_transform(clf.predict(["crude oil earnings", "wheat grain harvest"])))

# %%
X, y = make_regression(n_samples=1000, n_features=10, noise=5, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
reg = make_pipeline(
    StandardScaler(),
    MLPRegressor(
        hidden_layer_sizes=(64,), epochs=200, early_stopping=True, random_state=0
    ),
)
reg.fit(X_train, y_train / 100)
print(f"R² on held-out data: {reg.score(X_test, y_test / 100):.3f}")
