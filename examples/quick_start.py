"""
Quick start: spam filtering with make_text_classifier
=====================================================

Train skbig's default TF-IDF -> MLP pipeline on the SMS Spam Collection that ships
with skbig (CC BY 4.0, Almeida and Gómez Hidalgo), evaluate it and cross-validate it
with scikit-learn's own tools.
"""

# %%
# The data: raw strings and their labels, split as the dataset ships them.
from sklearn.metrics import ConfusionMatrixDisplay, classification_report
from sklearn.model_selection import cross_val_score

from skbig import make_text_classifier
from skbig.datasets import load_sms_spam

X_train, y_train = load_sms_spam(subset="train", return_X_y=True)
X_test, y_test = load_sms_spam(subset="test", return_X_y=True)
print(f"{len(X_train)} training and {len(X_test)} test messages")

# %%
# An ordinary scikit-learn Pipeline: steps "tfidf" and "mlp". How long to train
# is decided on a held-out part of the training data (see the user guide).
clf = make_text_classifier(mlp__random_state=0)
clf.fit(X_train, y_train)
print(classification_report(y_test, clf.predict(X_test), digits=4))

# %%
# Where the errors are.
ConfusionMatrixDisplay.from_estimator(clf, X_test, y_test, colorbar=False)

# %%
# Stratified 3-fold cross-validation: skbig's classifier is a scikit-learn
# classifier, so ``cross_val_score`` stratifies the folds by label.
scores = cross_val_score(make_text_classifier(), X_train, y_train, cv=3)
print("cross-validated accuracy:", scores.round(4))
