"""Files written whole or not at all, and the kinds of data file skbig reads."""

import contextlib
import errno
import os
import stat
import uuid

#: Data file suffixes (before an optional ``.gz``) and their kinds.
DATA_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
}


def data_format(path):
    """The kind of a data file from its name (``"csv"``, ``"tsv"``, ``"jsonl"``,
    ``"parquet"``), or None."""
    name = os.fspath(path).lower().removesuffix(".gz")
    return next((k for s, k in DATA_FORMATS.items() if name.endswith(s)), None)


def write_atomically(path, data):
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one.

    The bytes go to a temporary file beside ``path``, are flushed to disk and renamed
    over it; the rename is made durable by syncing the folder. A symbolic link is
    followed (its target is replaced, the link stays), an existing file keeps its
    permissions, and the temporary name is short whatever the file's name.
    """
    asked, path = os.fspath(path), os.path.realpath(path)
    folder = os.path.dirname(path)
    temporary = os.path.join(folder, f".skbig-{uuid.uuid4().hex[:12]}.tmp")
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), asked)
    # os.open applies the umask, as a plain open() of the target would.
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:  # a missing or read-only folder: name the file asked for
        raise type(error)(error.errno, error.strerror, asked) from None
    try:
        if mode is not None:
            os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_folder(folder)


def fsync_folder(folder):
    # Makes the rename itself durable; not possible (nor needed) on Windows.
    if not hasattr(os, "O_DIRECTORY"):
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
