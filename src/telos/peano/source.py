"""Reading `.p` sources: files, imports and theory texts, with located errors.

Every problem that makes the input unusable (a missing file, a directory, a device or a pipe,
a file over MAX_SOURCE_BYTES, bytes that are not UTF-8, a parse error, an unusable imported
file) raises `SourceError` or `ParseError`, which carry the file and position; the caller
reports them as unusable input. Only regular files are read, and never more than
MAX_SOURCE_BYTES + 1 bytes of one, so no input makes reading hang or fill memory (S8).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import ParseError, PeanoError
from .parser import parse_file
from .syntax import Import, Item

MAX_SOURCE_BYTES = 4 * 1024 * 1024
"""The largest `.p` file, given to `telos check` or imported, that is read (docs/kernel.md)."""


class SourceError(PeanoError):
    """A file that cannot be used at all (missing, not a regular file, too large, unreadable,
    not UTF-8)."""


def read_source(path: str | Path) -> str:
    """The text of `path`, or SourceError saying why it cannot be used."""
    shown = str(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the checks below refuse it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise SourceError("no such file", None, shown) from None
    except IsADirectoryError:
        raise SourceError("is a directory, not a file", None, shown) from None
    except (OSError, ValueError) as e:  # ValueError: a NUL byte in the path
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise SourceError(f"cannot read: {reason}", None, shown) from None
    try:
        # The open descriptor is what is checked and read: the path cannot change in between.
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise SourceError("is a directory, not a file", None, shown)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError("not a regular file", None, shown)
        if info.st_size > MAX_SOURCE_BYTES:
            raise SourceError(_too_large(info.st_size), None, shown)
        chunks = []
        left = MAX_SOURCE_BYTES + 1  # a file growing while it is read stops here
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as e:
        raise SourceError(f"cannot read: {e.strerror or e}", None, shown) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(_too_large(len(data)), None, shown)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise SourceError("bytes that are not UTF-8", (line, col), shown) from None


def _too_large(size: int) -> str:
    return f"file of {size} bytes or more, over the limit of {MAX_SOURCE_BYTES} bytes"


def load_items(
    text: str, file: str | None = None, base_dir: Path | None = None
) -> list[tuple[Item, str | None]]:
    """Parse `text` and expand its imports (each file at most once), in order.

    Returns `(item, file)` pairs, `file` being where the item was written. An imported file is
    resolved relative to the importing file (or `base_dir`, else the working directory, for
    text that did not come from a file). Unlike the original, which ignores a missing import,
    an import that cannot be used is an error located at the import: a proof should not
    depend on a file that is not there. A file imported again (a cycle, a self-import) adds
    nothing.
    """
    seen: set[Path] = set()
    if file is not None:
        seen.add(_resolved(Path(file)) or Path(file))
    here = Path(file).parent if file is not None else (base_dir or Path.cwd())
    out: list[tuple[Item, str | None]] = []
    # Depth first, with an explicit stack: a long chain of imports needs no recursion.
    stack = [(iter(parse_file(text, file)), file, here)]
    while stack:
        items, current, here = stack[-1]
        item = next(items, None)
        if item is None:
            stack.pop()
        elif not isinstance(item, Import):
            out.append((item, current))
        else:
            target = _resolved(here / item.path)
            if target is not None and target in seen:
                continue
            try:
                if target is None:
                    raise SourceError("cannot resolve the path", None, item.path)
                seen.add(target)
                imported_text = read_source(target)
            except SourceError as e:
                message = f'import "{item.path}": {e.message}'
                raise ParseError(message, item.pos, current) from None
            shown = str(Path(current).parent / item.path) if current is not None else item.path
            # Its own imports are relative to it, as reached (links not followed).
            stack.append((iter(parse_file(imported_text, shown)), shown, (here / item.path).parent))
    return out


def _resolved(path: Path) -> Path | None:
    """`path` made absolute with its links followed, or None when that fails (a NUL byte,
    a loop of links, a name too long)."""
    try:
        return path.resolve()
    except (OSError, ValueError, RuntimeError):
        return None


def load_file(path: str | Path) -> list[tuple[Item, str | None]]:
    return load_items(read_source(path), str(path))
