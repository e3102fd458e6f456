"""The SMS Spam Collection v.1 (Almeida, Gómez Hidalgo & Yamakami, 2011; CC BY 4.0)."""

import gzip
import json
from importlib import resources

import numpy as np
from sklearn.utils import Bunch

_SUBSETS = ("train", "test", "all")

_DESCR = """\
SMS Spam Collection v.1
-----------------------
5,574 English SMS messages labelled "ham" (4,827) or "spam" (747), from the UCI
Machine Learning Repository. License: CC BY 4.0. Authors: Tiago A. Almeida, José
María Gómez Hidalgo and Akebo Yamakami. Cite: "Contributions to the Study of SMS
Spam Filtering: New Collection and Results", DocEng 2011.

skbig's split is deterministic: a message is in the test subset when
int(sha256(text.encode("utf-8")).hexdigest(), 16) % 5 == 0, so duplicate messages
never straddle it. train: 4,456 messages (3,867 ham / 589 spam); test: 1,118
(960 ham / 158 spam).
"""


def _read(split):
    path = resources.files(__package__).joinpath(f"data/sms_spam/{split}.jsonl.gz")
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    return [row["text"] for row in rows], [row["label"] for row in rows]


def load_sms_spam(*, subset="train", return_X_y=False):
    """Load the SMS Spam Collection shipped with skbig.

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        Which part of skbig's fixed split to load; ``"all"`` is train then test.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (list of str, the messages), ``target`` (ndarray of str, ``"ham"``
        or ``"spam"``), ``target_names`` (``["ham", "spam"]``) and ``DESCR``.
    (data, target) : tuple
        When ``return_X_y`` is True.

    Examples
    --------
    >>> from skbig.datasets import load_sms_spam
    >>> bunch = load_sms_spam(subset="test")
    >>> len(bunch.data), sorted(set(bunch.target.tolist()))
    (1118, ['ham', 'spam'])
    """
    if subset not in _SUBSETS:
        raise ValueError(f"subset must be one of {_SUBSETS}, got {subset!r}.")
    splits = ("train", "test") if subset == "all" else (subset,)
    texts, labels = [], []
    for split in splits:
        split_texts, split_labels = _read(split)
        texts += split_texts
        labels += split_labels
    target = np.asarray(labels)
    if return_X_y:
        return texts, target
    return Bunch(
        data=texts,
        target=target,
        target_names=["ham", "spam"],
        DESCR=_DESCR,
    )
