"""
Tuning both steps with GridSearchCV
===================================

The pipeline's parameters are ``tfidf__*`` (scikit-learn's ``TfidfVectorizer``) and
``mlp__*`` (the network), so one ``GridSearchCV`` tunes the text processing and the
network together, with stratified folds and refitting on all the data. To keep the
search quick, every candidate trains once with the stopping rule and keeps its best
epoch's weights (``refit=False``) instead of retraining on all of its fold.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.model_selection import GridSearchCV

from skbig import make_text_classifier
from skbig.datasets import load_sms_spam

X_train, y_train = load_sms_spam(subset="train", return_X_y=True)
X_test, y_test = load_sms_spam(subset="test", return_X_y=True)

grid = GridSearchCV(
    make_text_classifier(mlp__refit=False, mlp__random_state=0),
    {
        "tfidf__ngram_range": [(1, 1), (1, 2)],
        "mlp__hidden_layer_sizes": [(64,), (256,)],
    },
    scoring="f1_macro",
    cv=3,
)
grid.fit(X_train, y_train)
print("best parameters:", grid.best_params_)
print(f"cross-validated macro-F1: {grid.best_score_:.4f}")
print(f"test accuracy of the refitted best: {grid.score(X_test, y_test):.4f}")

# %%
# Every candidate's score against its fit time: the search is an ordinary
# scikit-learn search, so ``cv_results_`` has it all.
results = grid.cv_results_
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.errorbar(results["mean_fit_time"], results["mean_test_score"],
            yerr=results["std_test_score"], fmt="o")  # fmt: skip
for x, y, params in zip(results["mean_fit_time"], results["mean_test_score"],
                        results["params"], strict=True):  # fmt: skip
    label = f"{params['tfidf__ngram_range']}, {params['mlp__hidden_layer_sizes']}"
    ax.annotate(label, (x, y), fontsize=8, xytext=(4, 4), textcoords="offset points")
ax.set_xlabel("mean fit time (s)")
ax.set_ylabel("macro-F1 (3-fold)")
fig.tight_layout()
