"""Running the `telos` command in process, as the CLI tests do."""

from __future__ import annotations

import pytest

from telos.cli import main


def run_telos(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    """`telos ARGS` in process: (exit status, stdout, stderr); usage errors included."""
    try:
        status = main(args)
    except SystemExit as e:  # argparse reports usage errors by exiting
        status = e.code
    out, err = capsys.readouterr()
    return status, out, err
