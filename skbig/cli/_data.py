"""Reading texts and labels from CSV, TSV, JSON Lines and Parquet files."""

import csv
import gzip
import io
import itertools
import json
import math
import os
import zlib

from .._files import data_format
from .._labels import check_label_types


class DataError(Exception):
    """A data file the command cannot use; the message is one line for the user."""


def file_format(path):
    kind = data_format(path)
    if kind is None:
        raise DataError(
            f"{path}: unknown file type; use .csv, .tsv, .jsonl (optionally .gz) "
            "or .parquet"
        )
    return kind


def iter_rows(path):
    """Yield each row of a data file as a dict, streaming."""
    kind = file_format(path)
    if kind == "parquet":
        yield from _parquet_rows(path)
        return
    if not os.path.exists(path):
        raise DataError(f"{path}: no such file")
    opener = gzip.open if os.fspath(path).lower().endswith(".gz") else open
    # A CSV field may be a whole document (scikit-learn's limit is 128 KiB).
    field_limit = csv.field_size_limit(2**31 - 1)
    try:
        # utf-8-sig: a byte-order mark, as Excel writes, is not part of a column.
        with opener(path, "rt", encoding="utf-8-sig", newline="") as file:
            if kind == "jsonl":
                yield from _json_rows(file, path)
            else:
                delimiter = "\t" if kind == "tsv" else _csv_delimiter(file)
                yield from csv.DictReader(file, delimiter=delimiter)
    except UnicodeDecodeError as error:
        line, byte = _first_bad_line(path, opener)
        where = f"line {line}, byte {byte}" if line else "somewhere"
        raise DataError(
            f"{path}: text is not valid UTF-8 ({where}: {error.reason}); re-encode "
            "the file as UTF-8"
        ) from None
    except (OSError, EOFError, csv.Error, zlib.error) as error:
        raise DataError(f"{path}: cannot read the file ({error})") from None
    finally:
        csv.field_size_limit(field_limit)


def _csv_delimiter(file):
    """ "," unless the header has none and a tab or ";" instead (a spreadsheet's
    export named .csv)."""
    header = file.readline()
    file.seek(0)
    if "," in header:
        return ","
    return (
        max(("\t", ";"), key=header.count) if any(d in header for d in "\t;") else ","
    )


def _first_bad_line(path, opener):
    """The line (from 1) and byte in it where the file stops being UTF-8."""
    with opener(path, "rb") as file:
        for number, line in enumerate(file, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                return number, error.start + 1
    return None, None


def _json_rows(file, path):
    for number, line in enumerate(file, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError) as error:
            reason = "nested too deeply" if isinstance(error, RecursionError) else error
            raise DataError(f"{path}, line {number}: not JSON ({reason})") from None
        if not isinstance(row, dict):
            raise DataError(f"{path}, line {number}: expected a JSON object per line")
        yield row


def _parquet_rows(path):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(
            f"{path}: reading Parquet needs pyarrow (pip install pyarrow)"
        ) from None
    try:
        table = pq.ParquetFile(path)
        for batch in table.iter_batches(batch_size=4096):
            yield from batch.to_pylist()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except Exception as error:
        raise DataError(f"{path}: cannot read the Parquet file ({error})") from None


def is_missing(value):
    return (
        value is None or value == "" or (isinstance(value, float) and math.isnan(value))
    )


def is_missing_label(value):
    """A missing label: also the text "NaN" that spreadsheets write for one (a
    document that reads "nan" is still a document)."""
    return is_missing(value) or (isinstance(value, str) and value.strip() == "NaN")


def read_dataset(path, text_column, label_column, label_separator=None, numbers=False):
    """Read texts and labels; labels are lists when the data is multi-label.
    ``numbers``: the labels are a regressor's targets, which the caller reads as
    numbers (and refuses row by row), not classes."""
    texts, labels, missing_text, missing_label = [], [], [], []
    for number, row in enumerate(iter_rows(path), 1):
        if number == 1:
            named = {text_column: "--text-column", label_column: "--label-column"}
            check_columns(path, row, named)
        text, label = row.get(text_column), row.get(label_column)
        if is_missing(text):
            missing_text.append(number)
        if isinstance(label, list):
            pass
        elif is_missing_label(label):
            missing_label.append(number)
        elif label_separator is not None:
            label = split_labels(label, label_separator)
        texts.append(text)
        labels.append(label)
    if not texts:
        raise DataError(f"{path}: the file has no rows")
    for column, rows in ((label_column, missing_label), (text_column, missing_text)):
        if rows:
            raise DataError(
                f"{path}: column {column!r} has missing values in {len(rows)} "
                f"row(s) (first: row {rows[0]})"
            )
    if not numbers:
        check_label_column(path, label_column, labels)
    bad = [i for i, t in enumerate(texts, 1) if not isinstance(t, str)]
    if bad:
        raise DataError(
            f"{path}: column {text_column!r} holds non-text values in {len(bad)} "
            f"row(s) (first: row {bad[0]})"
        )
    return texts, labels


def split_labels(label, separator):
    """A multi-label cell's labels, joined by ``separator`` (empty parts dropped)."""
    return [part for part in str(label).split(separator) if part]


def check_label_column(path, column, labels):
    """Labels 1, "1" and 2 would become the classes "1" and "2" silently."""
    flat = [
        v for label in labels for v in (label if isinstance(label, list) else [label])
    ]
    try:
        check_label_types(flat)  # the library's own check, worded for a column
    except TypeError as error:
        reason = str(error).removeprefix("y ")
        raise DataError(f"{path}: column {column!r} {reason}") from None
    odd = next((v for v in flat if not isinstance(v, str | int | float | bool)), None)
    if odd is not None:
        raise DataError(
            f"{path}: column {column!r} holds a {type(odd).__name__} label "
            f"({repr(odd)[:60]}); labels are text or numbers (lists of them for "
            "multi-label)"
        )


def check_columns(path, row, columns):
    """Refuse a first ``row`` without each of ``columns`` (name: the option that
    names it), pointing to a column whose name differs only in case or spaces."""
    for column, option in columns.items():
        if column in row:
            continue
        found = ", ".join(repr(c) for c in row) or "none"
        near = [c for c in row if str(c).strip().lower() == column.strip().lower()]
        hint = f" (did you mean {near[0]!r}? {option} names it)" if near else ""
        raise DataError(f"{path}: no column {column!r}{hint}; the columns are {found}")


def text_chunks(path, text_column, chunk_size, id_column=None):
    """Stream ``(ids, texts)`` chunks for prediction."""
    ids, texts, number = [], [], 0
    for number, row in enumerate(iter_rows(path), 1):
        if number == 1:
            named = {text_column: "--text-column", id_column: "--id-column"}
            check_columns(path, row, {c: o for c, o in named.items() if c})
        text = row.get(text_column)
        if is_missing(text):
            text = ""
        if not isinstance(text, str):
            raise DataError(f"{path}, row {number}: column {text_column!r} is not text")
        ids.append(row[id_column] if id_column else number)
        texts.append(text)
        if len(texts) == chunk_size:
            yield ids, texts
            ids, texts = [], []
    if texts:
        yield ids, texts
    if number == 0:
        raise DataError(f"{path}: the file has no rows")


class RowFormat:
    """The rows ``skbig predict`` writes: CSV (``id, prediction, proba_<class>...``)
    or JSON Lines (``{"id", "prediction", "probabilities"}``); a regressor's rows
    (no ``classes``, None) have its number and no probabilities.

    A row is formatted as its id's part and the rest (``tails``): Dask's workers
    format the rest of their partitions' rows, and the client, which alone knows
    the row numbers of a file without ids, only joins each id to its row.
    """

    def __init__(self, classes, multilabel, jsonl):
        self.classes = [] if classes is None else [str(c) for c in classes]
        self.multilabel, self.jsonl = multilabel, jsonl

    def header(self):
        if self.jsonl:
            return ""
        return _csv_lines(
            [["id", "prediction"] + [f"proba_{c}" for c in self.classes]]
        )[0]

    def tails(self, predictions, probabilities):
        """Each row without its id, newline included."""
        if probabilities is None:  # a regressor's numbers
            if self.jsonl:
                return [f'"prediction": {json.dumps(p)}}}\n' for p in predictions]
            return _csv_lines([p] for p in predictions)
        rows = [
            (prediction, [round(float(p), 6) for p in proba])
            for prediction, proba in zip(predictions, probabilities, strict=True)
        ]
        if self.jsonl:
            return [
                json.dumps(
                    {"prediction": prediction,
                     "probabilities": dict(zip(self.classes, proba, strict=True))},
                    default=str,
                )[1:] + "\n"
                for prediction, proba in rows
            ]  # fmt: skip
        if self.multilabel:
            rows = [("|".join(prediction), proba) for prediction, proba in rows]
        return _csv_lines([shown, *proba] for shown, proba in rows)

    def rows(self, ids, tails):
        """The rows of ``tails`` with their ids, as one string."""
        if self.jsonl:
            return "".join(f'{{"id": {json.dumps(i, default=str)}, {tail}'
                           for i, tail in zip(ids, tails, strict=True))  # fmt: skip
        # An id's CSV field as in a row of two fields (quoted only when needed).
        heads = _csv_lines([i, ""] for i in ids)
        return "".join(head[:-3] + "," + tail
                       for head, tail in zip(heads, tails, strict=True))  # fmt: skip


def _csv_lines(rows):
    """Each row as one CSV line, its newline included. Nothing is shared between
    calls, so threads (a Dask worker's) may format at once."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    ends = list(itertools.accumulate(writer.writerow(row) for row in rows))
    text = buffer.getvalue()
    return [text[a:b] for a, b in zip([0, *ends][:-1], ends, strict=True)]


class OutputWriter:
    """Write predictions as CSV (``-`` is stdout) or JSON Lines, in row order."""

    def __init__(self, path, classes, multilabel):
        jsonl = os.fspath(path).lower().endswith((".jsonl", ".ndjson", ".json"))
        self.format = RowFormat(classes, multilabel, jsonl)
        if path == "-":
            import sys

            self.file, self.close_file = sys.stdout, False
        else:
            self.file, self.close_file = (
                open(path, "w", encoding="utf-8", newline=""),
                True,
            )
        self.file.write(self.format.header())

    def write(self, ids, predictions, probabilities):
        self.write_rows(ids, self.format.tails(predictions, probabilities))

    def write_rows(self, ids, tails):
        self.file.write(self.format.rows(ids, tails))

    def close(self):
        if self.close_file:
            self.file.close()
        else:
            self.file.flush()


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(data, file, indent=2, default=str)
        file.write("\n")
