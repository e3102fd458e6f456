"""
Serving raw text without the training stack: ONNX export
========================================================

:func:`skbig.export` writes the whole fitted pipeline, TF-IDF included, as one ONNX
graph from a string tensor ``text`` to ``label`` and ``probabilities``. It serves
under onnxruntime alone: no TensorFlow, scikit-learn or skbig in the serving
process. Before the file is written the export is run on probe documents and
compared with the pipeline; a disagreement raises instead. Needs the ``export``
extra (``pip install "skbig[export]"``); ``skbig export MODEL OUT`` does the same
from the command line.
"""

# %%
import os
import pathlib
import tempfile
import time

import numpy as np
import onnxruntime

import skbig
from skbig import make_text_classifier
from skbig.datasets import load_sms_spam

X_train, y_train = load_sms_spam(subset="train", return_X_y=True)
X_test, y_test = load_sms_spam(subset="test", return_X_y=True)
clf = make_text_classifier(mlp__random_state=0).fit(X_train, y_train)

folder = pathlib.Path(tempfile.mkdtemp())
skbig.save(clf, folder / "spam.skbig")
skbig.export(clf, folder / "spam.onnx")
skbig.export(clf, folder / "spam-int8.onnx", quantize="int8")
for name in ["spam.skbig", "spam.onnx", "spam-int8.onnx"]:
    print(f"{name:>15}: {os.path.getsize(folder / name) / 2**20:6.2f} MB")

# %%
# Serving: only onnxruntime and NumPy. The input is an array of strings.
session = onnxruntime.InferenceSession(folder / "spam.onnx")
labels, probabilities = session.run(
    ["label", "probabilities"], {"text": np.array(X_test, dtype=object)}
)
reference = clf.predict_proba(X_test)
print("labels equal to the pipeline's:", np.mean(labels == clf.predict(X_test)))
print(f"largest probability difference: {np.abs(probabilities - reference).max():.1e}")

# %%
# One document at a time, as a web service would call it.
start = time.perf_counter()
for text in X_test[:200]:
    session.run(["label"], {"text": np.array([text], dtype=object)})
print(f"{(time.perf_counter() - start) / 200 * 1000:.2f} ms per document")
