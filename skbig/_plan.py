"""How long and in what batches a fit trains: the rule behind the "auto" defaults.

Every corpus is new to the defaults, so the defaults do not fix a number of epochs.
With ``early_stopping="auto"`` a fit holds out a stratified ``validation_fraction``
of the training data, trains until the held-out score has not improved for a while,
and then (``refit=True``) trains the network again from its initial weights on *all*
the training data for the number of epochs that scored best. "A while" and the
ceiling are counted in update steps, not epochs, so that a 400-document corpus and a
100,000-document one get the same amount of evidence before stopping. The batch is
``AUTO_BATCH`` samples, or a tenth of the data when that is smaller, so small sets
still take several steps per epoch. Each part can be set by hand; the measurements
behind the constants are in ``benchmarks/README.md``.
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.preprocessing import normalize

#: Samples per step when ``batch_size="auto"``, unless a tenth of the data is less.
AUTO_BATCH = 128
#: The smallest automatic batch.
MIN_BATCH = 16
#: With ``n_iter_no_change="auto"``: stop after about this many update steps (and at
#: least ``MIN_PATIENCE`` epochs) without a better held-out score.
PATIENCE_STEPS = 100
MIN_PATIENCE = 2
#: Held-out documents that repeat none trained on, enough to judge by: with fewer,
#: the held-out part keeps its copies of training documents.
MIN_NEW_ROWS = 50
#: A held-out document at least this similar (cosine of the l2-normalised rows) to one
#: trained on nearly repeats it ("Re: X" beside "X"): the temperature does not learn
#: from it (``novel_rows``).
NEAR_COPY = 0.9
#: ``novel_rows`` looks at most at this many held-out rows (a random sample already),
#: so that its cost grows with the training rows, not their square.
MAX_CHECKED = 2000
#: Streamed training rows are compared with the held-out ones in blocks of about
#: this many rows (``row_blocks``): at ten times 20 Newsgroups, blocks of 20,000
#: raised the fit's peak by 190 MB, of 5,000 by 44 MB.
BLOCK_ROWS = 5_000
#: ``novel_rows`` screens pairs by each row's heaviest terms, those whose squares
#: first sum past this share of its own (above ``1 - NEAR_COPY**2``, so that a pair
#: sharing none of them is screened out): on 20 Newsgroups, 2,800 pairs to compare
#: instead of 45,000 at 0.19 (0.24 s in all, against 0.6).
SCREEN_SHARE = 0.3
#: A ``fit`` on dense input (``dense_fit``): a patience of this many steps. A
#: table's held-out score rests on plateaus for many epochs and then moves again (a
#: regressor's R², a classifier's loss: ``benchmarks/README.md``, 2026-12-04).
#: Sparse input (text) keeps ``PATIENCE_STEPS``, where it was measured.
DENSE_PATIENCE_STEPS = 1000
#: With ``epochs="auto"``: at most this many update steps (and at least
#: ``MIN_EPOCHS`` epochs), so that a fit always ends.
MAX_STEPS = 5000
MIN_EPOCHS = 20
#: The fewest samples ``early_stopping="auto"`` holds some out of.
MIN_SAMPLES_TO_HOLD_OUT = 20
#: With ``alpha="auto"`` on dense input: an L2 penalty of this many samples' worth
#: of loss, ``ALPHA_SAMPLES / n_samples`` on the mean loss of a batch.
ALPHA_SAMPLES = 3.0


@dataclass(frozen=True)
class TrainingPlan:
    """What one ``fit`` does, resolved from the parameters and the data's size.

    Attributes
    ----------
    batch_size : int
        Samples per update step.
    epochs : int
        The most epochs the (first) training runs.
    early_stopping : bool
        Whether a part of the data is held out to decide when to stop.
    n_validation : int
        Samples held out (0 without early stopping).
    patience : int
        Epochs without improvement before stopping.
    refit : bool
        Whether the network is then trained again from its initial weights on
        all the data for the best number of epochs.
    """

    batch_size: int
    epochs: int
    early_stopping: bool
    n_validation: int
    patience: int
    refit: bool


def training_plan(
    estimator, n_samples, *, partial=False, epochs=None, max_validation=None,
    n_given=None,
):  # fmt: skip
    """Resolve ``estimator``'s "auto" parameters for ``n_samples`` samples.

    ``epochs`` is what scikeras passes to the fit (``epochs``, or 1 for
    ``partial_fit``); ``max_validation`` caps the held-out samples (a streamed
    fit holds out at most what it kept in memory); ``n_given``: the samples of
    the held-out data given to ``fit`` (``X_val``), which the fit stops on
    instead of holding out a part of its own, and then keeps (no refit: it
    trained on every sample already).
    """
    epochs = estimator.epochs if epochs is None else epochs
    given = n_given is not None
    stop = estimator.early_stopping
    if stop == "auto":
        stop = not partial and n_samples >= MIN_SAMPLES_TO_HOLD_OUT
    stop = (bool(stop) or given) and not partial
    n_validation = math.ceil(estimator.validation_fraction * n_samples) if stop else 0
    if max_validation is not None:
        n_validation = min(n_validation, max_validation)
    if stop and not given and (n_validation < 1 or n_samples - n_validation < 1):
        raise ValueError(
            f"validation_fraction={estimator.validation_fraction} leaves no data to "
            f"{'validate' if n_validation < 1 else 'train'} on with {n_samples} "
            "samples; use more data or early_stopping=False."
        )
    n_train = n_samples if given else n_samples - n_validation
    n_validation = n_given if given else n_validation
    batch_size = estimator.batch_size
    if batch_size == "auto":
        batch_size = min(AUTO_BATCH, max(MIN_BATCH, n_train // 10))
    steps = math.ceil(n_train / batch_size)
    if epochs == "auto":
        epochs = max(MIN_EPOCHS, math.ceil(MAX_STEPS / steps))
    patience = estimator.n_iter_no_change
    if patience == "auto":
        wait = PATIENCE_STEPS
        if dense_fit(estimator, partial=partial):
            wait = DENSE_PATIENCE_STEPS
        patience = max(MIN_PATIENCE, math.ceil(wait / steps))
    return TrainingPlan(
        batch_size=int(batch_size),
        epochs=int(epochs),
        early_stopping=stop,
        n_validation=n_validation,
        patience=int(patience),
        # A user's own network may be one Keras object that cannot be rebuilt
        # fresh; it keeps the best held-out weights instead.
        refit=bool(stop and estimator.refit and estimator.model is None and not given),
    )


def dense_fit(estimator, *, partial):
    """Whether this is a ``fit`` on dense input, outside a private fit: where the
    "auto" patience is ``DENSE_PATIENCE_STEPS``."""
    return (
        not partial
        and not getattr(estimator, "_sparse_input", True)
        and estimator.dp_epsilon is None
    )


def resolved_alpha(estimator, n_samples, *, sparse, partial):
    """The L2 penalty ``alpha`` stands for in a network built for ``n_samples``.

    ``"auto"`` is ``ALPHA_SAMPLES / n_samples`` on dense input: one prior on the
    weights whatever the data's size, so it matters on a table of a few hundred
    rows and fades on one of tens of thousands, as a penalty on a summed loss
    would. Text (sparse input) has none: a penalty on the first layer would update
    all its rows at every step instead of the batch's terms. Neither has a
    ``partial_fit`` stream, whose size is unknown, nor a private fit.
    """
    if estimator.alpha != "auto":
        return float(estimator.alpha)
    if sparse or partial or estimator.dp_epsilon is not None or n_samples < 1:
        return 0.0
    return ALPHA_SAMPLES / n_samples


def hold_out(X, y, sample_weight, n_validation, seed, stratify=None):
    """Hold out ``n_validation`` shuffled rows, stratified by ``stratify`` (labels,
    or None) where every class can give one to each side.

    Keras' own ``validation_split`` takes the last rows unshuffled, which on
    label-sorted corpora holds out one or two classes only. Returns ``X_train,
    y_train, sample_weight_train, (X_validation, y_validation,
    sample_weight_validation)``: the held-out rows are judged with the weights
    (``sample_weight`` times the class weights) that training gives them.

    A held-out document that repeats one trained on (54 % of 20 Newsgroups
    subject lines', 13 % of SMS spam's) tells what memorising is worth, not how
    the network does on new text: where ``MIN_NEW_ROWS`` others remain, such
    copies are judged on neither side (the refit trains on every row).

    Streamed rows (``skbig.fit_stream``; ``y`` and ``sample_weight`` None) hold
    out a sample of their own, weighed by their class weights, their copies left
    out the same way.
    """
    if is_streamed(X):
        rows, validation = X.hold_out(n_validation, seed)
        return rows, None, None, validation
    train, val = split_rows(X.shape[0], n_validation, seed, stratify)
    X_train = X[train]
    w_train, w_val = (
        (None, None)
        if sample_weight is None
        else (sample_weight[train], sample_weight[val])
    )
    validation = (X[val], y[val], w_val)
    if sp.issparse(X):
        validation = without_copies(X_train, validation)
    return X_train, y[train], w_train, validation


def split_rows(n, n_validation, seed, stratify=None):
    """``(train, validation)`` positions of ``n`` rows, ``n_validation`` of them held
    out at random, stratified by ``stratify`` where every class can give one row to
    each side."""
    splitter = ShuffleSplit(n_splits=1, test_size=n_validation, random_state=seed)
    if stratify is not None:
        _, counts = np.unique(stratify, return_counts=True)
        classes = len(counts)
        if counts.min() >= 2 and min(n_validation, n - n_validation) >= classes:
            splitter = StratifiedShuffleSplit(
                n_splits=1, test_size=n_validation, random_state=seed
            )
    return next(splitter.split(np.zeros(n), stratify))


def without_copies(X_train, validation):
    """The held-out ``validation`` (a tuple of arrays of its rows, sparse
    ``X_val`` first; None entries stay None) without the rows that equal one of
    ``X_train`` (a sparse matrix, or streamed rows), where ``MIN_NEW_ROWS``
    others remain."""
    new = new_rows(X_train, validation[0])
    if not MIN_NEW_ROWS <= new.sum() < len(new):
        return validation
    return tuple(None if part is None else part[new] for part in validation)


def new_rows(X_train, X_val):
    """Which rows of sparse ``X_val`` equal no row of ``X_train`` (a boolean
    mask), whatever the order of their entries and explicit zeros. ``X_train``
    may be streamed rows (``skbig.fit_stream``), read a block at a time."""
    keys = list(_row_keys(X_val))
    wanted, seen = set(keys), set()
    for block in row_blocks(X_train):
        seen.update(key for key in _row_keys(block) if key in wanted)
    return np.array([key not in seen for key in keys], bool)


def is_streamed(X):
    """Whether ``X`` is streamed rows (``skbig.fit_stream``'s
    ``skbig._network.streamed.StreamedRows``, known by their methods: importing
    the class would import TensorFlow into these plain numpy modules)."""
    return all(hasattr(X, name) for name in ("parts", "load", "hold_out", "mapped"))


def row_blocks(X):
    """Sparse ``X`` itself, or streamed rows' parts (as stored) stacked into
    matrices of about ``BLOCK_ROWS`` rows, one in memory at a time."""
    if not is_streamed(X):
        yield X
        return
    block = []
    for part in X.parts():
        block.append(X.load(part)[0])
        if sum(rows.shape[0] for rows in block) >= BLOCK_ROWS:
            yield sp.vstack(block, format="csr")
            block = []
    if block:
        yield sp.vstack(block, format="csr")


def novel_rows(X_train, X_val):
    """Which rows of sparse ``X_val`` are further than ``NEAR_COPY`` (cosine) from
    every row of ``X_train`` (a boolean mask; False past its first ``MAX_CHECKED``).
    Streamed rows are compared a block at a time (a row near one of any block is
    near one of all).

    Exact without comparing every pair. For unit rows, ``u . v`` is at most the norm
    of ``u`` on ``v``'s terms, so ``u . v >= NEAR_COPY`` needs ``v`` to hold all of
    ``u`` but a squared mass of at most ``1 - NEAR_COPY**2``, and so all of ``u``'s
    heaviest terms (``_heaviest``) but that much, and the same the other way round.
    Only the few pairs that pass both screens (heavy terms are rare ones, of high
    IDF) have their cosine computed.
    """
    novel = np.arange(X_val.shape[0]) < MAX_CHECKED
    for block in row_blocks(X_train):
        novel &= _novel_in(block, X_val)
    return novel


def _novel_in(X_train, X_val):
    """``novel_rows`` against one sparse ``X_train``."""
    train = normalize(sp.csr_matrix(X_train, dtype=np.float64))
    val = normalize(sp.csr_matrix(X_val, dtype=np.float64)[:MAX_CHECKED])
    slack = 1.0 - NEAR_COPY**2 + 1e-9  # and rounding's
    # Held-out rows on the right of each product: only their (small) side is
    # transposed, never the training part's.
    heavy_val, mass_val = _heaviest(val)
    heavy_train, mass_train = _heaviest(train)
    covered = (_pattern(train) @ heavy_val.T).tocoo()  # of each held-out row's mass
    screened = _kept(covered, covered.data >= mass_val[covered.col] - slack)
    covered = (heavy_train @ _pattern(val).T).tocoo()  # of each training row's
    screened = screened.multiply(
        _kept(covered, covered.data >= mass_train[covered.row] - slack)
    )
    pairs = sp.csr_matrix(screened.T)
    novel = np.zeros(X_val.shape[0], bool)
    novel[: val.shape[0]] = True
    for start in range(0, val.shape[0], 64):
        block = pairs[start : start + 64].tocoo()
        if block.nnz:
            rows = np.unique(block.col)
            similar = (train[rows] @ val[start : start + block.shape[0]].T).toarray()
            near = similar[np.searchsorted(rows, block.col), block.row] >= NEAR_COPY
            novel[start + block.row[near]] = False
    return novel


def _heaviest(X):
    """Each unit row's heaviest entries of ``X`` (CSR), squared: by decreasing
    square, those until they sum past ``SCREEN_SHARE``; and their sum per row."""
    counts = np.diff(X.indptr)
    rows = np.repeat(np.arange(X.shape[0]), counts)
    squares = X.data**2
    order = np.argsort(2.0 * rows - squares)  # by row, heaviest first
    ranked = squares[order]
    row_sums = np.bincount(rows, squares, minlength=X.shape[0])
    before = (
        np.cumsum(ranked) - ranked - np.repeat(np.cumsum(row_sums) - row_sums, counts)
    )
    keep = order[before <= SCREEN_SHARE]
    heavy = sp.csr_matrix((squares[keep], (rows[keep], X.indices[keep])), X.shape)
    return heavy, np.asarray(heavy.sum(axis=1)).ravel()


def _kept(coo, mask):
    """The entries of ``coo`` where ``mask``, as ones."""
    return sp.csr_matrix(
        (np.ones(mask.sum()), (coo.row[mask], coo.col[mask])), coo.shape
    )


def _pattern(X):
    """``X``'s non-zero pattern as ones."""
    return sp.csr_matrix((np.ones(X.nnz), X.indices, X.indptr), shape=X.shape)


def _row_keys(X):
    X = sp.csr_matrix(X, copy=True)
    X.eliminate_zeros()
    X.sort_indices()
    for start, end in zip(X.indptr[:-1], X.indptr[1:], strict=True):
        yield X.indices[start:end].tobytes(), X.data[start:end].tobytes()


def warn_unconverged(estimator, stacklevel):
    """As scikit-learn's MLP does: a training that ended at the epoch ceiling
    while it was still improving."""
    plan = estimator.training_plan_
    advice = "raise epochs="
    if not plan["early_stopping"]:
        advice += " or set early_stopping=True to stop on held-out data"
    warnings.warn(
        f"{type(estimator).__name__} reached epochs={plan['epochs']} while still "
        f"improving: training has not converged; {advice}.",
        ConvergenceWarning,
        stacklevel=stacklevel,
    )
