"""
Which words drove a prediction
==============================

:func:`skbig.explain.explain_text` attributes one prediction to the words of the
document with integrated gradients computed from the network itself; the weights of
a document's terms sum to its probability minus the probability of an empty
document. :func:`skbig.explain.top_terms` lists, per class, the terms that raise its
probability most on their own, and :func:`skbig.explain.deletion_check` measures
whether the attributions are faithful.
"""

# %%
import matplotlib.pyplot as plt

from skbig import make_text_classifier
from skbig.datasets import load_sms_spam
from skbig.explain import deletion_check, explain_text, top_terms

X_train, y_train = load_sms_spam(subset="train", return_X_y=True)
X_test, y_test = load_sms_spam(subset="test", return_X_y=True)
clf = make_text_classifier(mlp__random_state=0).fit(X_train, y_train)

# %%
# One message, explained for the class the model predicts. In a notebook (and in
# this gallery) the explanation shows the message with each word highlighted:
# green raised the probability of "spam", red lowered it.
message = next(text for text, label in zip(X_test, y_test, strict=True)
               if label == "spam" and len(text) > 100)  # fmt: skip
explanation = explain_text(clf, message, target="spam")
print(explanation.to_text())
explanation  # noqa: B018 (the gallery shows its HTML)

# %%
# The same weights as a chart.
terms, weights = zip(*explanation.terms, strict=True)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.barh(terms[::-1], weights[::-1], color=["tab:green" if w > 0 else "tab:red"
                                           for w in weights[::-1]])  # fmt: skip
ax.set_xlabel('change in P("spam")')
fig.tight_layout()

# %%
# What each class has learned: the terms that most raise its probability alone.
for label, ranked in top_terms(clf, top_k=8).items():
    print(f"{label:>5}: " + ", ".join(term for term, _ in ranked))

# %%
# Faithfulness: deleting the k top-weighted words should lower the predicted
# class's probability far more than deleting k words at random.
check = deletion_check(clf, X_test[:200], ks=(1, 3), random_state=0)
for k, drop in check.items():
    print(f"delete {k}: top words -{drop['top']:.3f}, random words "
          f"-{drop['random']:.3f} ({drop['documents']} documents)")  # fmt: skip
