"""Shared helpers for the conformance tests against the recorded Peano reference behaviour.

The golden data (recorded from the original Rust kernel) lives outside the checkout, in
`../shared/peano/golden` (its README defines every file and how to compare). A test module
that needs it calls `golden_path(...)` at module level: when the data is absent the whole
module is skipped — except under `CI=true`, where a missing checkout of `../shared` fails the
run instead of passing it unseen.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import telos.peano
from telos.theories import Theory, load_theory

GOLDEN_DIR = Path(__file__).resolve().parents[2] / "shared" / "peano" / "golden"


def golden_path(*parts: str) -> Path:
    """The path of a golden file; skips the calling test module when it is not there."""
    path = GOLDEN_DIR.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"golden data not found under CI: {path}", pytrace=False)
        pytest.skip(f"golden data not found: {path}", allow_module_level=True)
    return path


def read_jsonl(path: Path) -> Iterator[dict]:
    """The records of a JSON-lines file, gzip-compressed when its name ends in `.gz`."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


@cache
def theory(name: str) -> Theory:
    return load_theory(name)


@cache
def derivation(name: str) -> telos.peano.Derivation:
    """A theory loaded once per test session; proof states copy it, queries only read it."""
    return telos.peano.load_theory_text(theory(name).text)


def new_state(theory_name: str, goal: str, premises=None) -> telos.peano.ProofState:
    """A proof state for `goal` with the theory's own premises (or the ones given)."""
    if premises is None:
        premises = theory(theory_name).premises
    return telos.peano.new_proof_state(derivation(theory_name), premises, goal)


def action_strings(state: telos.peano.ProofState) -> list[str]:
    return [str(a) for a in state.actions()]


_RESULT_COUNT = re.compile(r"it gives (\d+) result\(s\)")


def result_count(message: str | None) -> int | None:
    """N in a failing show step's message "… it gives N result(s): …" (0 for "no result")."""
    if message is None:
        return None
    if "it gives no result" in message:
        return 0
    m = _RESULT_COUNT.search(message)
    return int(m.group(1)) if m else None


def telos_script() -> Path:
    """The installed `telos` console script (next to the running interpreter, else on PATH)."""
    candidate = Path(sys.executable).parent / "telos"
    if candidate.exists():
        return candidate
    found = shutil.which("telos")
    if found is None:
        pytest.fail("the `telos` console script is not installed (pip install -e .)")
    return Path(found)
