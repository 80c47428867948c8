"""Files of a run directory, written so that a crash never leaves half a file.

Every write goes to a temporary file in the same directory, is flushed to disk, and is then
renamed over the target (`os.replace` is atomic on POSIX). JSONL files are rewritten whole
when records are appended — once per phase, so the cost stays small — and can be cut back to
a known number of lines when a run resumes after a crash mid-phase.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data) -> None:
    write_text(path, json.dumps(data, indent=1, allow_nan=True) + "\n")


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_jsonl(path: Path, records: Iterable[dict]) -> None:
    write_text(path, "".join(json.dumps(r, allow_nan=True) + "\n" for r in records))


def append_jsonl(path: Path, records: Iterable[dict], keep: int | None = None) -> int:
    """Append `records` to the JSONL file at `path` after its first `keep` lines (all when
    None), atomically; returns the number of lines the file now has."""
    lines = read_jsonl(path)
    if keep is not None:
        lines = lines[:keep]
    lines.extend(records)
    write_jsonl(path, lines)
    return len(lines)
