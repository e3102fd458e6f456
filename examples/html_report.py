"""
An HTML report and a model card
===============================

:func:`skbig.report` writes one self-contained HTML file about a fitted classifier
on labelled data: the headline scores (accuracy, macro-F1, log-loss, expected
calibration error), per-class scores, the confusion matrix, a reliability diagram,
the learning curve, the top terms per class, the most confident errors with their
words highlighted, and the model card. It loads nothing from the network, so it
opens anywhere. :func:`skbig.model_card` gives the card as Markdown in the Hugging
Face layout. From the command line: ``skbig report MODEL DATA -o report.html`` and
``skbig card MODEL -o README.md``.
"""

# %%
import pathlib
import tempfile

from sklearn.calibration import CalibrationDisplay

import skbig
from skbig import make_text_classifier
from skbig.datasets import load_sms_spam

X_train, y_train = load_sms_spam(subset="train", return_X_y=True)
X_test, y_test = load_sms_spam(subset="test", return_X_y=True)
clf = make_text_classifier(mlp__random_state=0).fit(X_train, y_train)

path = pathlib.Path(tempfile.mkdtemp()) / "report.html"
scores = skbig.report(clf, X_test, y_test, path, data_name="SMS test")
print({name: round(value, 4) for name, value in scores.items()})
print(f"{path.name}: {path.stat().st_size / 1024:.0f} KiB, one file")

# %%
# The report's reliability diagram asks whether a predicted probability of 0.9 is
# right nine times in ten; scikit-learn draws the same curve for the spam class.
CalibrationDisplay.from_estimator(clf, X_test, y_test, pos_label="spam", n_bins=10)

# %%
# The model card, for publishing next to the model file.
card = skbig.model_card(clf, license="cc-by-4.0")
print("\n".join(card.splitlines()[:24]))
