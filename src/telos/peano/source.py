"""Reading `.p` sources: files, imports and theory texts, with located errors.

Every problem that makes the input unusable (missing or unreadable file, bytes that are not
UTF-8, a parse error, a missing imported file) raises `SourceError` or `ParseError`, which
carry the file and position; the caller reports them as unusable input.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ParseError, PeanoError
from .parser import parse_file
from .syntax import Import, Item


class SourceError(PeanoError):
    """A file that cannot be read at all (missing, a directory, unreadable, not UTF-8)."""


def read_source(path: str | Path) -> str:
    """The text of `path`, or SourceError saying why it cannot be used."""
    p = Path(path)
    if not p.exists():
        raise SourceError("no such file", None, str(path))
    if p.is_dir():
        raise SourceError("is a directory, not a file", None, str(path))
    try:
        data = p.read_bytes()
    except OSError as e:
        raise SourceError(f"cannot read: {e.strerror or e}", None, str(path)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise SourceError("bytes that are not UTF-8", (line, col), str(path)) from None


def load_items(
    text: str, file: str | None = None, base_dir: Path | None = None
) -> list[tuple[Item, str | None]]:
    """Parse `text` and expand its imports (each file at most once), in order.

    Returns `(item, file)` pairs, `file` being where the item was written. An imported file is
    resolved relative to the importing file (or `base_dir`, else the working directory, for
    text that did not come from a file). Unlike the original, which ignores a missing import,
    a missing or unreadable import is an error: a proof should not depend on a file that is
    not there.
    """
    seen: set[Path] = set()
    if file is not None:
        seen.add(Path(file).resolve())
    return _expand(text, file, base_dir, seen)


def _expand(
    text: str, file: str | None, base_dir: Path | None, seen: set[Path]
) -> list[tuple[Item, str | None]]:
    items = parse_file(text, file)
    here = Path(file).parent if file is not None else (base_dir or Path.cwd())
    out: list[tuple[Item, str | None]] = []
    for item in items:
        if not isinstance(item, Import):
            out.append((item, file))
            continue
        target = (here / item.path).resolve()
        if target in seen:
            continue
        seen.add(target)
        try:
            imported_text = read_source(target)
        except SourceError as e:
            raise ParseError(f'import "{item.path}": {e.message}', item.pos, file) from None
        shown = str(Path(file).parent / item.path) if file is not None else item.path
        out.extend(_expand(imported_text, shown, None, seen))
    return out


def load_file(path: str | Path) -> list[tuple[Item, str | None]]:
    return load_items(read_source(path), str(path))
