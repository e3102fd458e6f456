"""skbig._files: a file is written whole or not at all."""

import os
import stat

import pytest

from skbig._files import write_atomically


def test_writes_and_replaces(tmp_path):
    path = tmp_path / "out.bin"
    write_atomically(str(path), b"first")
    write_atomically(str(path), b"second")
    assert path.read_bytes() == b"second"
    assert os.listdir(tmp_path) == ["out.bin"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")

    def refuse(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(str(path), b"new")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.bin"]


def test_a_missing_folder_or_a_folder_in_the_way_names_the_path_asked_for(tmp_path):
    # The error named the temporary file (".skbig-<hex>.tmp"), a name nobody gave.
    missing = tmp_path / "no" / "such" / "model.skbig"
    with pytest.raises(FileNotFoundError) as info:
        write_atomically(missing, b"x")
    assert info.value.filename == str(missing) and ".tmp" not in str(info.value)
    with pytest.raises(IsADirectoryError, match="Is a directory") as info:
        write_atomically(tmp_path, b"x")
    assert info.value.filename == str(tmp_path)
    assert os.listdir(tmp_path) == []


def test_keeps_the_mode_follows_links_and_takes_long_names(tmp_path):
    private = tmp_path / "private.bin"
    private.write_bytes(b"old")
    private.chmod(0o600)
    write_atomically(str(private), b"new")
    assert private.read_bytes() == b"new"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    link = tmp_path / "link.bin"
    link.symlink_to(private)
    write_atomically(str(link), b"through the link")
    assert link.is_symlink() and private.read_bytes() == b"through the link"
    long_name = tmp_path / ("m" * 245 + ".skbig")  # 255 is the limit of a name
    write_atomically(str(long_name), b"x")
    assert long_name.read_bytes() == b"x"


@pytest.mark.parametrize(
    "name, kind",
    [("a.csv", "csv"), ("A.TSV.gz", "tsv"), ("d.jsonl.gz", "jsonl"),
     ("d.ndjson", "jsonl"), ("d.json", "jsonl"), ("p.parquet", "parquet"),
     ("notes.txt", None), ("csv", None)],
)  # fmt: skip
def test_data_format_reads_the_suffix_before_gz(name, kind):
    from skbig._files import data_format

    assert data_format(name) == kind
