"""Raw documents checked before a text vectoriser reads them.

scikit-learn's vectorisers meet a ``None`` (pandas' empty cell) with an
``AttributeError`` from deep inside the tokenizer, an empty list with "empty
vocabulary; perhaps the documents only contain stop words", and a DataFrame by
reading its column names as the documents. skbig's vectorisers check first and
say what the input holds. Fitted on text written without spaces between words
(Chinese, Japanese, Thai...), where the default word tokenizer takes whole phrases
for terms, they warn and name the character n-grams that work.
"""

import contextlib
import math
import re
import warnings

#: Scripts written without spaces between words: CJK ideographs (with extension A
#: and the compatibility block), kana, Thai, Lao, Khmer and Myanmar.
_UNSPACED = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"
    "\u0e00-\u0eff\u1780-\u17ff\u1000-\u109f]"
)
#: How much text the check reads: the first documents, up to this many characters.
_SAMPLE_CHARACTERS = 100_000
#: scikit-learn's default ``token_pattern``: words of two or more word characters.
DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"


class DocumentChecks:
    """Mixin for a scikit-learn text vectoriser (``input``, ``encoding``): its
    ``fit`` and ``transform`` pass the documents through ``_checked`` and read
    them inside ``_decoding``."""

    #: The name make_text_classifier gives this vectoriser's step.
    _pipeline_step = "tfidf"

    @contextlib.contextmanager
    def _decoding(self):
        try:
            yield
        except UnicodeDecodeError as error:
            raise ValueError(
                f"a bytes document is not valid {self.encoding} ({error.reason} at "
                f"byte {error.start}); pass str, set encoding=, or set "
                'decode_error="replace" to replace undecodable bytes'
            ) from error

    def _checked(self, documents, fitting=False):
        if self.input == "content" and isinstance(documents, bytes):
            raise ValueError(
                "Iterable over raw text documents expected, bytes object received."
            )
        if self.input != "content" or isinstance(documents, str):
            return documents  # scikit-learn's own error for a lone string
        if hasattr(documents, "columns") and len(getattr(documents, "shape", ())) == 2:
            raise ValueError(  # a DataFrame iterates over its column names
                f"documents must be one column of text, but got a table with columns "
                f"{list(documents.columns)!r:.80}: pass the text column (X['text']), "
                "or a ColumnTransformer for several columns"
            )
        if not hasattr(documents, "__len__"):
            documents = list(documents)
        if fitting and len(documents) == 0:  # not "empty vocabulary ... stop words"
            raise ValueError("there are no documents to fit on (an empty sequence)")
        missing, other = [], []
        for position, document in enumerate(documents):
            if isinstance(document, str | bytes):
                continue
            if document is None or (
                isinstance(document, float) and math.isnan(document)
            ):
                missing.append(position)
            else:
                other.append(position)
        if missing:
            raise ValueError(
                f"documents must be text, but {len(missing)} of {len(documents)} are "
                f"missing (None or NaN), the first at position {missing[0]}; replace "
                'them with "" to treat them as empty.'
            )
        if other:
            first = documents[other[0]]
            raise TypeError(
                f"documents must be str or bytes, but {len(other)} of "
                f"{len(documents)} are not, the first at position {other[0]}: "
                f"{type(first).__name__} {first!r:.40}"
            )
        if fitting:
            self._warn_if_unspaced(documents)
        return documents

    def _warn_if_unspaced(self, documents):
        """Warn when most letters are in scripts written without spaces and the
        default word tokenizer would take whole phrases for terms."""
        if self.analyzer != "word" or self.tokenizer is not None:
            return
        if self.token_pattern != DEFAULT_TOKEN_PATTERN:
            return
        sample, size = [], 0
        for document in documents:
            if isinstance(document, str):
                sample.append(document)
                size += len(document)
                if size >= _SAMPLE_CHARACTERS:
                    break
        letters = re.sub(r"[\W\d_]+", "", "".join(sample))
        unspaced = len(_UNSPACED.findall(letters))
        if unspaced > 0.5 * len(letters):
            share = unspaced / len(letters)
            step = self._pipeline_step
            warnings.warn(
                f"{share:.0%} of the letters in these documents are in "
                "scripts written without spaces between words (Chinese, Japanese, "
                "Thai...), where the word analyzer's token_pattern takes whole "
                "phrases for terms; use character n-grams, analyzer='char_wb' and "
                f"ngram_range=(1, 2) (in make_text_classifier: {step}__analyzer="
                f"'char_wb', {step}__ngram_range=(1, 2)), or split the words first.",
                UserWarning,
                stacklevel=4,
            )
