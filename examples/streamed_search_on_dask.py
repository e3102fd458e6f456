"""
A grid search over a streamed corpus on a Dask cluster
======================================================

Each candidate is fitted with :func:`skbig.fit_stream` on a worker, reading the
training file in chunks (never whole), and scored on a validation file, also in
chunks. The cluster here is a local one of two worker processes; with a real one,
pass its scheduler's address to ``Client`` and put the files where every worker can
read them. The SMS Spam Collection that ships with skbig (CC BY 4.0, Almeida et al.
2011) stands in for a corpus too large for memory.
"""

# %%
import itertools
import json
import os
import tempfile

from distributed import Client, LocalCluster
from sklearn.model_selection import ParameterGrid

from skbig import fit_stream, make_text_classifier
from skbig.datasets import load_sms_spam

CHUNK = 1000


def write_jsonl(path, texts, labels):
    with open(path, "w", encoding="utf-8") as file:
        for text, label in zip(texts, labels, strict=True):
            file.write(json.dumps({"text": text, "label": label}) + "\n")


def chunks_of(path):
    """A function that streams ``path`` in (texts, labels) chunks."""

    def chunks():
        with open(path, encoding="utf-8") as file:
            rows = (json.loads(line) for line in file)
            while batch := list(itertools.islice(rows, CHUNK)):
                yield [r["text"] for r in batch], [r["label"] for r in batch]

    return chunks


def fit_and_score(params, train_path, validation_path):
    """What each worker runs: a streamed fit, then accuracy on the validation
    file, chunk by chunk."""
    clf = make_text_classifier(mlp__random_state=0, **params)
    fit_stream(clf, chunks_of(train_path))
    right = total = 0
    for texts, labels in chunks_of(validation_path)():
        right += int((clf.predict(texts) == labels).sum())
        total += len(labels)
    return right / total


# %%
# The corpus as files: 80 % to train on, 20 % to choose the candidate.
texts, labels = load_sms_spam(subset="train", return_X_y=True)
folder = tempfile.mkdtemp()
cut = int(0.8 * len(texts))
train_path = os.path.join(folder, "train.jsonl")
validation_path = os.path.join(folder, "validation.jsonl")
write_jsonl(train_path, texts[:cut], labels[:cut].tolist())
write_jsonl(validation_path, texts[cut:], labels[cut:].tolist())

# %%
# One candidate per task; Dask spreads them over the workers.
grid = ParameterGrid(
    {"mlp__hidden_layer_sizes": [(32,), (128,)], "tfidf__ngram_range": [(1, 1), (1, 2)]}
)
if __name__ == "__main__":
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cl,
        Client(cl) as client,
    ):
        futures = [
            client.submit(fit_and_score, params, train_path, validation_path)
            for params in grid
        ]
        scores = client.gather(futures)
    ranked = sorted(zip(scores, grid, strict=True), key=lambda p: -p[0])
    for score, params in ranked:
        print(f"validation accuracy {score:.4f}  {params}")
    print("best parameters:", ranked[0][1])
