"""SavedModel export: TF-IDF and the network as plain TensorFlow operations.

The saved ``tf.Module`` holds only TensorFlow objects (a vocabulary table,
constants, variables and one ``tf.function``), so ``tf.saved_model.load`` and
TensorFlow Serving run it without Keras, scikit-learn or skbig. The TF-IDF matrix
stays sparse: the first layer is a sparse-dense product.
"""

from .. import _runtime  # noqa: F401  (starts TensorFlow quietly)

# isort: split
import contextlib
import os
import shutil
import tempfile
import uuid

import numpy as np
import tensorflow as tf

from ._columns import Columns
from ._spec import NotExportableError, Preprocessing, folded, network_spec
from ._text_spec import (
    SPACE_CHARACTERS,
    TextUnion,
    accent_map,
    re2_class,
    text_parts,
    text_spec,
)
from ._tf_hash import hashed_columns
from ._tf_lower import Lowering
from ._tf_steps import steps_function

_ACTIVATIONS = {
    "relu": tf.nn.relu,
    "tanh": tf.math.tanh,
    "sigmoid": tf.math.sigmoid,
    "linear": tf.identity,
    "elu": tf.nn.elu,
    "softplus": tf.math.softplus,
    "gelu": lambda x: tf.nn.gelu(x, approximate=False),
    "silu": tf.nn.silu,
}


class _Serving(tf.Module):
    """The exported computation; its ``serve`` is the ``serving_default``
    signature."""

    def __init__(self, text, network, weight_dtype, metadata, steps=None):
        super().__init__(name="skbig")
        # numeric steps in front of the network ((name, transformer) pairs)
        self.steps = None if steps is None else steps_function(steps)
        self.metadata = {
            key: tf.Variable(value, trainable=False, dtype=tf.string)
            for key, value in metadata.items()
        }
        self.text, self.network = text, network
        if text is not None:  # one table, IDF and stop-word table per part
            parts = [part for part, _, _ in text_parts(text)]
            self.tables = [
                None if part.hashing else _table(part.terms, range(len(part.terms)))
                for part in parts
            ]
            self.idfs = [None if p.idf is None else tf.constant(p.idf) for p in parts]
            self.accents = [
                _accent_table(part.strip_accents) if part.strip_accents else None
                for part in parts
            ]
            if any(part.lowercase for part in parts):
                self.lowering = Lowering()
            self.stops = [
                _table(part.stop_words, [1] * len(part.stop_words), default=0)
                if part.stop_words
                else None
                for part in parts
            ]
        weights = network.feature_weights
        self.weights = None if weights is None else tf.constant(weights)
        self.kernels = [
            tf.Variable(layer.kernel.astype(weight_dtype), trainable=False)
            for layer in network.layers
        ]
        self.biases = [tf.constant(layer.bias) for layer in network.layers]
        if network.classes is not None:
            classes = network.classes
            classes = classes.astype(str if classes.dtype.kind in "OUS" else np.int64)
            self.classes = tf.constant(classes)
        if text is not None:
            signature = tf.TensorSpec([None], tf.string, name="text")
        else:
            width = network.n_features if steps is None else steps[0][1].n_features_in_
            signature = tf.TensorSpec([None, width], tf.float32, name="X")
        self.serve = tf.function(self._serve, input_signature=[signature])

    def _serve(self, inputs):
        if self.text is not None:
            x = self._tfidf(inputs)
        else:
            x = inputs if self.steps is None else self.steps(inputs)
            if self.network.mean is not None:
                x = (x - self.network.mean) / self.network.scale
            if self.weights is not None:
                scaled = x * self.weights
                x = (
                    scaled
                    * _factors(
                        tf.reduce_sum(x * x, axis=1),
                        tf.reduce_sum(scaled * scaled, axis=1),
                    )[:, None]
                )
        return self._outputs(x)

    def _tfidf(self, text):
        n_rows = tf.shape(text, out_type=tf.int64)[0]
        rows, columns, values = [], [], []
        for i, (part, offset, weight) in enumerate(text_parts(self.text)):
            row, column, value = self._part(text, i, part, n_rows)
            rows.append(row)
            columns.append(column + offset)
            values.append(value * weight if weight != 1.0 else value)
        row, column, values = (tf.concat(x, axis=0) for x in (rows, columns, values))
        if isinstance(self.text, TextUnion):  # the union's Normalizer
            values = _normalised(values, row, n_rows, self.text.norm)
        if self.weights is not None:  # nb_weights behind a norm other than L2
            scaled = values * tf.gather(self.weights, column)
            factors = _factors(
                tf.math.unsorted_segment_sum(values * values, row, n_rows),
                tf.math.unsorted_segment_sum(scaled * scaled, row, n_rows),
            )
            values = scaled * tf.gather(factors, row)
        width = tf.constant(self.text.width, tf.int64)
        matrix = tf.sparse.reorder(
            tf.sparse.SparseTensor(
                tf.stack([row, column], axis=1), values, [n_rows, width]
            )
        )
        return matrix

    def _part(self, text, i, spec, n_rows):
        """(row, column, value) of each nonzero of part ``i``'s TF-IDF."""
        if spec.lowercase:
            text = self.lowering(text)
        if spec.strip_accents:  # after lowercasing, as scikit-learn does
            text = _stripped(text, spec.strip_accents, self.accents[i])
        if spec.analyzer == "word":
            grams = _word_grams(text, *spec.ngram_range, spec.tokens, self.stops[i])
        else:
            grams = _GRAMS[spec.analyzer](text, *spec.ngram_range)
        grams = grams[0] if len(grams) == 1 else tf.concat(grams, axis=1)
        if spec.hashing:  # every term has a column
            ids = tf.ragged.map_flat_values(hashed_columns, grams, spec.hashing)
        else:
            ids = tf.ragged.map_flat_values(self.tables[i].lookup, grams)
        rows = ids.value_rowids()
        known = ids.flat_values >= 0
        width = tf.constant(spec.width, tf.int64)
        flat = tf.boolean_mask(rows, known) * width + tf.boolean_mask(
            ids.flat_values, known
        )
        cells, _, counts = tf.unique_with_counts(flat, out_idx=tf.int64)
        row, column = cells // width, cells % width
        values = tf.cast(counts, tf.float32)
        if spec.binary:
            values = tf.ones_like(values)
        if spec.sublinear_tf:
            values = 1.0 + tf.math.log(values)
        if self.idfs[i] is not None:
            values = values * tf.gather(self.idfs[i], column)
        return row, column, _normalised(values, row, n_rows, spec.norm)

    def _outputs(self, x):
        spec = self.network
        linear = None
        for i, (kernel, bias) in enumerate(zip(self.kernels, self.biases, strict=True)):
            kernel = tf.cast(kernel, tf.float32)
            if isinstance(x, tf.sparse.SparseTensor):
                x = tf.sparse.sparse_dense_matmul(x, kernel) + bias
            else:
                x = tf.matmul(x, kernel) + bias
            if i == 0 and spec.linear_columns:  # the linear part's columns
                x, linear = x[:, : -spec.linear_columns], x[:, -spec.linear_columns :]
            if i < len(self.kernels) - 1:
                x = _ACTIVATIONS[spec.layers[i].activation](x)
        if linear is not None:
            x = x + linear + spec.linear_intercept
        if spec.kind == "continuous":
            y = x * spec.target_scale + spec.target_mean
            if spec.target_bounds is not None:  # predictions clipped into them
                y = tf.clip_by_value(y, *spec.target_bounds)
            return {"prediction": tf.reshape(y, [-1]) if spec.flat_target else y}
        temperature = spec.temperature if spec.temperature not in (None, 1.0) else None
        if spec.kind == "multiclass":
            proba = tf.nn.softmax(x, axis=1)
            if temperature is not None:
                logits = tf.math.log(tf.clip_by_value(proba, 1e-12, 1.0))
                proba = tf.nn.softmax(logits / temperature, axis=1)
        else:
            if temperature is not None:
                bound = float(np.log(1e12))
                x = tf.clip_by_value(x, -bound, bound) / temperature
            proba = tf.math.sigmoid(x)
            if spec.kind == "binary":
                proba = tf.concat([1.0 - proba, proba], axis=1)
        if spec.kind == "multilabel-indicator":
            if spec.thresholds is None:
                on = proba > 0.5
            else:
                on = proba >= tf.constant(spec.thresholds, tf.float32)
            label = tf.cast(on, tf.int64)
        else:
            label = tf.gather(self.classes, tf.argmax(proba, axis=1))
        return {"label": label, "probabilities": proba}


class Exported:
    """A SavedModel written to a private folder, ready to be checked and moved."""

    def __init__(self, module):
        self.folder = tempfile.mkdtemp(prefix="skbig-savedmodel-")
        tf.saved_model.save(
            module, self.folder, signatures={"serving_default": module.serve}
        )

    def __del__(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def run(self, inputs):
        serve = tf.saved_model.load(self.folder).signatures["serving_default"]
        dtype = tf.string if isinstance(inputs, list) else tf.float32
        name = "text" if dtype == tf.string else "X"
        outputs = serve(**{name: tf.constant(inputs, dtype)})
        out = {key: value.numpy() for key, value in outputs.items()}
        if "label" in out and out["label"].dtype.kind in "SO":
            out["label"] = np.char.decode(out["label"].astype(bytes), "utf-8")
        return out

    def write(self, path):
        """Copy beside ``path``, then swap it in: a reader sees the old folder or
        the new one, never a half-written one."""
        path = os.path.realpath(path)
        parent = os.path.dirname(path)
        staged = os.path.join(parent, f".skbig-{uuid.uuid4().hex[:12]}.tmp")
        old = staged + ".old"
        shutil.copytree(self.folder, staged)
        try:
            if os.path.exists(path):
                os.replace(path, old)
            os.replace(staged, path)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            with contextlib.suppress(OSError):
                if os.path.exists(old) and not os.path.exists(path):
                    os.replace(old, path)
            raise
        shutil.rmtree(old, ignore_errors=True)

    @staticmethod
    def size(path):
        return sum(
            os.path.getsize(os.path.join(root, name))
            for root, _, names in os.walk(path)
            for name in names
        )


def _word_grams(text, min_n, max_n, tokens, stop=None):
    """scikit-learn's word n-grams: the runs of ``tokens`` (a spec's ``tokens``),
    less the stop words (a table that maps each to 1), joined by spaces."""
    _, between, shortest = tokens
    tokens = tf.strings.split(
        tf.strings.regex_replace(text, re2_class(between) + "+", " ")
    )
    kept = tf.strings.length(tokens, unit="UTF8_CHAR") >= shortest
    if stop is not None:
        kept = kept & tf.ragged.map_flat_values(lambda t: stop.lookup(t) == 0, tokens)
    tokens = tf.ragged.boolean_mask(tokens, kept)
    return [
        tokens if n == 1 else tf.strings.ngrams(tokens, n, separator=" ")
        for n in range(min_n, max_n + 1)
    ]


def _char_grams(text, min_n, max_n):
    """scikit-learn's ``char`` analyzer: every n characters, each run of two or
    more whitespace characters read as one space."""
    text = tf.strings.regex_replace(text, SPACE_CHARACTERS + "{2,}", " ")
    chars = tf.strings.unicode_split(text, "UTF-8")
    return [tf.strings.ngrams(chars, n, separator="") for n in range(min_n, max_n + 1)]


def _char_wb_grams(text, min_n, max_n):
    """scikit-learn's ``char_wb`` analyzer: the n characters inside each
    whitespace-separated word padded with a space on either side; a padded word
    shorter than ``min_n`` counts once, whole."""
    words = tf.strings.split(
        tf.strings.regex_replace(text, SPACE_CHARACTERS + "+", " ")
    )
    padded = tf.ragged.map_flat_values(lambda w: tf.strings.join([" ", w, " "]), words)
    chars = tf.strings.unicode_split(padded, "UTF-8")
    grams = [
        tf.strings.ngrams(chars, n, separator="").merge_dims(1, 2)
        for n in range(min_n, max_n + 1)
    ]
    short = tf.strings.length(padded, unit="UTF8_CHAR") < min_n
    return [*grams, tf.ragged.boolean_mask(padded, short)]


_GRAMS = {"char": _char_grams, "char_wb": _char_wb_grams}


def _table(keys, values, default=-1):
    kind = tf.string if isinstance(default, str) else tf.int64
    return tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(
            tf.constant(list(keys), tf.string), tf.constant(list(values), kind)
        ),
        default_value=default,
    )


# What the accent table gives a character it does not change: no stripped form.
_UNCHANGED = "\x00unchanged"


def _accent_table(how):
    changed = accent_map(how)
    return _table(changed.keys(), changed.values(), default=_UNCHANGED)


def _stripped(text, how, table):
    """``text`` with scikit-learn's ``strip_accents=how`` applied, a character at
    a time: one the table holds becomes its stripped form; any other stays, but
    for "ascii", where a non-ASCII one goes."""

    def each(characters):
        stripped = table.lookup(characters)
        kept = characters
        if how == "ascii":
            ascii_ = tf.strings.length(characters, unit="BYTE") == 1
            kept = tf.where(ascii_, characters, "")
        return tf.where(stripped == _UNCHANGED, kept, stripped)

    characters = tf.strings.unicode_split(text, "UTF-8")
    return tf.strings.reduce_join(tf.ragged.map_flat_values(each, characters), axis=1)


def _normalised(values, row, n_rows, norm):
    """``values`` (one a nonzero, of rows ``row``) divided by their row's L2 or
    L1 norm, or as they are (``norm`` None)."""
    if norm is None:
        return values
    size = values * values if norm == "l2" else tf.abs(values)
    norms = tf.math.unsorted_segment_sum(size, row, n_rows)
    norms = tf.sqrt(norms) if norm == "l2" else norms
    return values / tf.gather(norms, row)


def _factors(before, after):
    """sqrt(before / after), 0 where ``after`` is 0: a row rescaled to its
    norm before the feature weights (``skbig._weights``)."""
    return tf.where(after > 0, tf.sqrt(before / tf.maximum(after, 1e-30)), 0.0)


def build(vectorizer, network, quantize=None, metadata=None):
    """The :class:`Exported` SavedModel of ``[vectorizer ->] network``, with
    ``metadata`` (str to str) as string variables of the loaded object's
    ``metadata`` dict."""
    net = network_spec(network)
    if isinstance(vectorizer, Columns):
        raise NotExportableError(
            "A SavedModel takes the network alone or behind a vectorizer, not "
            "behind a ColumnTransformer; export to ONNX, which takes one input a "
            "column."
        )
    steps = None
    if isinstance(vectorizer, Preprocessing):
        steps, vectorizer = vectorizer.steps, None
    text = None if vectorizer is None else text_spec(vectorizer)
    text, net = folded(text, net)
    dtype = np.float16 if quantize == "float16" else np.float32
    return Exported(_Serving(text, net, dtype, metadata or {}, steps))
