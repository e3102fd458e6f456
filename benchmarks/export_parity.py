"""Exported models against the pipeline they came from, on the corpora's test splits.

For each corpus: fit the default ``make_text_classifier()``, export it (ONNX
float32 / float16 / int8, SavedModel), run every export on the whole test split
and report the share of labels that agree with ``pipeline.predict``, the largest
probability difference from ``pipeline.predict_proba`` and the accuracy change.

    python benchmarks/export_parity.py --data-dir ../shared/data [--corpora 20ng r8]

``--analyzer char_wb --ngram-range 2 4`` exports a pipeline of character n-grams
instead of words; ``--stop-words english`` drops scikit-learn's English stop
words; ``--token-pattern PATTERN`` sets the vectorizer's; ``--beside-words``
puts the character n-grams beside the default words (a ``FeatureUnion``);
``--strip-accents unicode`` strips accents; ``--columns`` makes each corpus a
table, the text beside its length in words (standardised) and its first word (a
one-hot encoded category), and exports a ``ColumnTransformer`` of the three in
front of the default network (ONNX only).
"""

import argparse
import os
import tempfile
import time

import numpy as np
from _worker import DATA_DIR
from corpora import load_corpus
from serving import _size
from sklearn.pipeline import make_union

VARIANTS = [("onnx", None), ("onnx", "float16"), ("onnx", "int8"), ("savedmodel", None)]


def run_onnx(path, texts):
    import onnxruntime

    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    labels, proba = [], []
    rows = len(next(iter(texts.values()))) if isinstance(texts, dict) else len(texts)
    for start in range(0, rows, 256):
        if isinstance(texts, dict):  # a table: one input a column
            feed = {
                name: np.asarray(values[start : start + 256]).reshape(-1, 1)
                for name, values in texts.items()
            }
        else:
            feed = {"text": np.asarray(texts[start : start + 256], dtype=object)}
        label, probability = session.run(["label", "probabilities"], feed)
        labels.append(label)
        proba.append(probability)
    return np.concatenate(labels), np.concatenate(proba)


def run_savedmodel(path, texts):
    import tensorflow as tf

    serve = tf.saved_model.load(path).signatures["serving_default"]
    labels, proba = [], []
    for start in range(0, len(texts), 256):
        out = serve(text=tf.constant(texts[start : start + 256]))
        labels.append(out["label"].numpy())
        proba.append(out["probabilities"].numpy())
    labels = np.concatenate(labels)
    if labels.dtype.kind in "SO":
        labels = np.char.decode(labels.astype(bytes), "utf-8")
    return labels, np.concatenate(proba)


def as_table(texts, first_words=None):
    """The documents as a table: the text, its length in words and its first
    word; also the feeds an exported graph takes."""
    import pandas as pd

    words = [text.split() for text in texts]
    table = pd.DataFrame(
        {
            "body": list(texts),
            "length": [float(len(w)) for w in words],
            "first": [w[0].lower() if w else "" for w in words],
        }
    )
    feeds = {
        "body": np.asarray(table["body"], dtype=object),
        "length": table["length"].to_numpy(np.float32),
        "first": np.asarray(table["first"], dtype=object),
    }
    return table, feeds


def columns_pipeline(words):
    """A ColumnTransformer of ``words`` (a fitted-to-be vectorizer), the length
    and the first word, in front of skbig's default network."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    import skbig

    columns = ColumnTransformer(
        [
            ("body", words, "body"),
            ("length", StandardScaler(), ["length"]),
            ("first", OneHotEncoder(handle_unknown="ignore"), ["first"]),
        ]
    )
    return make_pipeline(columns, skbig.MLPClassifier(random_state=0))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DATA_DIR)
    parser.add_argument(
        "--corpora", nargs="+", default=["20ng", "r8", "mr", "sms_spam"]
    )
    parser.add_argument(
        "--variants", nargs="+", default=[f"{f}:{q}" for f, q in VARIANTS]
    )
    parser.add_argument(
        "--analyzer", default="word", choices=["word", "char", "char_wb"]
    )
    parser.add_argument("--ngram-range", nargs=2, type=int, metavar=("MIN", "MAX"))
    parser.add_argument("--stop-words", choices=["english"])
    parser.add_argument("--token-pattern")
    parser.add_argument("--beside-words", action="store_true")
    parser.add_argument("--strip-accents", choices=["unicode", "ascii"])
    parser.add_argument("--columns", action="store_true")
    args = parser.parse_args()
    params = {"mlp__random_state": 0}
    if args.analyzer != "word":
        params["tfidf__analyzer"] = args.analyzer
    if args.ngram_range:
        params["tfidf__ngram_range"] = tuple(args.ngram_range)
    if args.stop_words:
        params["tfidf__stop_words"] = args.stop_words
    if args.token_pattern:
        params["tfidf__token_pattern"] = args.token_pattern
    if args.strip_accents:
        params["tfidf__strip_accents"] = args.strip_accents

    import skbig

    print(
        "| corpus | export | size MB | labels agree | max prob diff | accuracy change |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for corpus in args.corpora:
        X_train, y_train, X_test, y_test = load_corpus(corpus, args.data_dir)
        y_train, y_test = (
            np.asarray(y_train).astype(str),
            np.asarray(y_test).astype(str),
        )
        pipeline = skbig.make_text_classifier(**params)
        if args.beside_words:
            words = skbig.make_text_classifier(mlp__random_state=0)[0]
            union = make_union(words, pipeline[0])
            pipeline.set_params(tfidf=union)
        served = list(X_test)
        if args.columns:
            pipeline = columns_pipeline(pipeline[0])
            X_train, _ = as_table(X_train)
            X_test, served = as_table(X_test)
        pipeline.fit(X_train, y_train)
        expected = pipeline.predict(X_test)
        expected_proba = pipeline.predict_proba(X_test)
        accuracy = np.mean(expected == y_test)
        with tempfile.TemporaryDirectory() as folder:
            for variant in args.variants:
                format, quantize = variant.split(":")
                quantize = None if quantize == "None" else quantize
                path = os.path.join(folder, f"{format}-{quantize}")
                start = time.perf_counter()
                skbig.export(pipeline, path, format=format, quantize=quantize)
                seconds = time.perf_counter() - start
                run = run_onnx if format == "onnx" else run_savedmodel
                labels, proba = run(path, served)
                labels = labels.astype(str)
                size = _size(path) / 1e6
                print(
                    f"| {corpus} | {format} {quantize or 'float32'} ({seconds:.0f} s) "
                    f"| {size:.1f} | {np.mean(labels == expected):.2%} "
                    f"| {np.max(np.abs(proba - expected_proba)):.1e} "
                    f"| {np.mean(labels == y_test) - accuracy:+.2%} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
