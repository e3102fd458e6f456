"""
Quick start: spam filtering with make_text_classifier
=====================================================

Train skbig's default TF-IDF -> MLP pipeline on the SMS Spam Collection that ships
with skbig, evaluate it, cross-validate it and tune it with scikit-learn's own tools.
"""

# %%
from sklearn.metrics import classification_report
from sklearn.model_selection import GridSearchCV, cross_val_score

from skbig import make_text_classifier
from skbig.datasets import load_sms_spam

X_train, y_train = load_sms_spam(subset="train", return_X_y=True)
X_test, y_test = load_sms_spam(subset="test", return_X_y=True)

# %%
# An ordinary scikit-learn Pipeline: steps "tfidf" and "mlp".
clf = make_text_classifier(mlp__random_state=0)
clf.fit(X_train, y_train)
print(classification_report(y_test, clf.predict(X_test), digits=4))

# %%
# Stratified 3-fold cross-validation (skbig's classifier is a scikit-learn classifier).
scores = cross_val_score(make_text_classifier(mlp__epochs=3), X_train, y_train, cv=3)
print("cross-validated accuracy:", scores.round(4))

# %%
# Grid search over both steps.
grid = GridSearchCV(
    make_text_classifier(mlp__epochs=3),
    {
        "tfidf__ngram_range": [(1, 1), (1, 2)],
        "mlp__hidden_layer_sizes": [(64,), (256,)],
    },
    cv=3,
)
grid.fit(X_train, y_train)
print("best parameters:", grid.best_params_, "accuracy:", round(grid.best_score_, 4))
