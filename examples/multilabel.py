"""
Multi-label text: several topics per document
=============================================

Multi-label targets go in as a binary indicator matrix (scikit-learn's
``MultiLabelBinarizer`` makes one from lists of labels). The network then has one
sigmoid output per label, and ``predict`` applies a threshold per label chosen on the
held-out part of the training data (``thresholds_``).
"""

# %%
from sklearn.preprocessing import MultiLabelBinarizer

from skbig import make_text_classifier

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
print("labels:", list(mlb.classes_), "indicator matrix:", Y.shape)

clf = make_text_classifier(tfidf__min_df=1, mlp__random_state=0)
clf.fit(texts, Y)

# %%
# Predictions come back as an indicator matrix; ``inverse_transform`` names them.
new = ["crude oil earnings", "wheat grain harvest"]
for text, topics in zip(new, mlb.inverse_transform(clf.predict(new)), strict=True):
    print(f"{text!r}: {topics}")
print("probabilities per label:", mlb.classes_)
print(clf.predict_proba(new).round(3))
print("thresholds_:", clf.named_steps["mlp"].thresholds_.round(2))
