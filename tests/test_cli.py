"""The skbig command line."""

import subprocess
import sys

import pytest

from skbig.cli import build_parser


def test_demo_prints_a_classification_report():
    result = subprocess.run(
        [sys.executable, "-m", "skbig", "demo"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "precision" in result.stdout and "spam" in result.stdout
    accuracy = float(result.stdout.split("accuracy")[1].split()[0])
    assert accuracy > 0.95


@pytest.mark.parametrize("argv", [[], ["no-such-command"]])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit:
        build_parser().parse_args(argv)
    assert exit.value.code == 2
    assert "usage: skbig" in capsys.readouterr().err
