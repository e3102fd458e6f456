"""``skbig predict --scheduler/--workers``: score the input's partitions on Dask.

Imported only for those options; it needs the ``dask`` extra.
"""

import collections
import os
import sys
import tempfile

import dask
from distributed import Client, LocalCluster

from ..dask import BLOCKSIZE, read_texts, score_partition
from ._commands import UsageError
from ._data import DataError, OutputWriter, file_format

#: Seconds to wait for a scheduler that does not answer.
CONNECT_TIMEOUT = 5


def predict_on_dask(args, load_model):
    """Write the predictions of ``model`` for DATA, scored on a Dask cluster.

    The model is scattered to every worker once; partitions are scored in
    parallel and written in input order to a temporary file that replaces OUT
    only when every partition has been written (a lost worker's partitions are
    retried by Dask; a job that fails leaves OUT as it was). Returns the number
    of predictions. The cluster is reached before ``load_model()`` (which
    returns the model and its metadata) takes its seconds: an address that does
    not answer fails fast.
    """
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers {args.workers}: needs at least one worker")
    cluster = None
    try:
        if args.scheduler:
            client = Client(args.scheduler, timeout=CONNECT_TIMEOUT)
        else:
            cluster = LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True,
                dashboard_address=None,
            )  # fmt: skip
            client = Client(cluster)
    except OSError as error:
        where = args.scheduler or "a local cluster"
        message = " ".join(str(error).split())
        raise DataError(
            f"cannot reach the Dask scheduler at {where}: {message}"
        ) from None
    try:
        model, metadata = load_model()
        multilabel = bool(metadata.get("multilabel"))
        classes = (
            metadata["classes"] if multilabel else getattr(model, "classes_", None)
        )
        n_workers = max(1, len(client.scheduler_info()["workers"]))
        text_column = args.text_column or metadata.get("text_column") or "text"
        frame = _read(args, text_column, n_workers)
        names = (
            classes if multilabel else None
        )  # a multi-label model's classes_ are 0..n-1
        shared = client.scatter(model, broadcast=True, hash=False)
        try:
            with _Output(args.output, classes, multilabel) as writer:
                return _score(client, frame, shared, writer, n_workers, text_column,
                              args.id_column, names)  # fmt: skip
        finally:
            client.cancel(shared)  # before the workers go: nothing to lose then
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _score(client, frame, model, writer, n_workers, column, id_column, names):
    score = dask.delayed(_formatted_partition, pure=False)
    parts = collections.deque(frame.to_delayed())
    pending = collections.deque()
    done = 0
    while parts or pending:
        # A few partitions ahead of the writer: every worker stays busy and
        # finished results do not pile up on the workers.
        while parts and len(pending) < 2 * n_workers + 1:
            task = score(parts.popleft(), model, column, id_column, names,
                         writer.format)  # fmt: skip
            pending.append(client.compute(task))
        try:
            ids, tails = pending.popleft().result()
        except Exception as error:  # a task's error, or the cluster's
            message = " ".join(str(error).split()) or type(error).__name__
            raise DataError(f"scoring on Dask failed: {message}") from None
        if ids is None:
            ids = range(done + 1, done + len(tails) + 1)
        writer.write_rows(ids, tails)
        done += len(tails)
    return done


def _formatted_partition(frame, model, column, id_column, names, row_format):
    """What a worker returns for a partition: its ids (None without an id
    column) and its rows formatted without them, so the client only joins."""
    ids, predictions, proba = score_partition(frame, model, column, id_column, names)
    return ids, row_format.tails(predictions, proba)


def _read(args, text_column, n_workers):
    kind = file_format(args.data)
    sep = ","
    if kind == "csv":
        from ._data import _csv_delimiter

        with open(args.data, encoding="utf-8-sig", newline="") as file:
            sep = _csv_delimiter(file)
    try:
        # Several partitions a worker, so that all of them work on a small file.
        size = os.path.getsize(args.data) if os.path.isfile(args.data) else 0
        blocksize = min(BLOCKSIZE, max(2**20, size // (4 * n_workers)))
        frame = read_texts(args.data, text_column, id_column=args.id_column, sep=sep,
                           blocksize=blocksize)  # fmt: skip
    except KeyError as error:
        raise DataError(f"{args.data}: no column {error}") from None
    except (OSError, ValueError) as error:
        raise DataError(f"{args.data}: cannot read it with Dask ({error})") from None
    return frame


class _Output:
    """OUT written whole or not at all: a temporary file beside it, renamed."""

    def __init__(self, path, classes, multilabel):
        self.path, self.classes, self.multilabel = path, classes, multilabel

    def __enter__(self):
        if self.path == "-":
            self.temporary = None
            self.writer = OutputWriter("-", self.classes, self.multilabel)
            return self.writer
        folder = os.path.dirname(os.path.abspath(self.path))
        suffix = os.path.splitext(self.path)[1]
        handle, self.temporary = tempfile.mkstemp(suffix=suffix, dir=folder)
        os.close(handle)
        self.writer = OutputWriter(self.temporary, self.classes, self.multilabel)
        return self.writer

    def __exit__(self, kind, error, traceback):
        self.writer.close()
        if self.temporary is None:
            return
        if kind is None:
            os.replace(self.temporary, self.path)
        else:
            os.unlink(self.temporary)
            print(f"{self.path} was not written", file=sys.stderr)
