"""The kernel's exceptions, each with a message and, where known, a source position; and the
bounds on nesting that keep every check within the interpreter's stack (S8)."""

from __future__ import annotations

import sys
import threading
from types import TracebackType

from .terms import Pos

MAX_NESTING = 256
"""The deepest nesting the parser accepts: brackets of a term, and `have`/`goal` blocks of a
proof (docs/kernel.md, "Limits"). Deeper input is a located ParseError."""

# Python frames the kernel may use while a `bounded_recursion` is active. Terms built by
# substitution and unfolding nest deeper than parsed ones, so the room is several times what
# MAX_NESTING needs; and it stays well under what an 8 MiB thread stack holds (about 20,000
# frames of term comparison or printing, measured on CPython 3.11), so the interpreter raises
# RecursionError instead of overflowing the C stack.
RECURSION_LIMIT = 10_000


class PeanoError(Exception):
    """Base of every error the kernel raises on bad input or a failed check."""

    def __init__(self, message: str, pos: Pos | None = None, file: str | None = None):
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.file = file

    def located(self) -> str:
        """`file:line:col: message` with whatever parts are known, on one line."""
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.pos is not None:
            where.append(f"{self.pos[0]}:{self.pos[1]}")
        return one_line((":".join(where) + ": " if where else "") + self.message)


class ParseError(PeanoError):
    """The text does not follow the grammar of SPEC §1 (or is not UTF-8, or cannot be read)."""


class TypeCheckError(PeanoError):
    """An undeclared atom, an ill-typed application or a numeric atom (SPEC §3.7 rule S5)."""


class ProofError(PeanoError):
    """A proof step that does not follow, or any other failure of a block's check."""


class DepthError(PeanoError):
    """A term or proof nested deeper than the checker can follow (S8): a located refusal
    instead of Python's RecursionError."""


def one_line(text: str) -> str:
    """`text` with its non-printable characters (newlines, NUL, …) escaped: a message about a
    hostile file name or goal stays one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class bounded_recursion:  # noqa: N801 - used as a statement: `with bounded_recursion(...):`
    """Run kernel code with RECURSION_LIMIT frames of room; a RecursionError inside becomes a
    DepthError at `pos` in `file`.

    The interpreter's limit is raised by the outermost active guard (of any thread) and put
    back by the last one to leave, so nothing of it outlives the checks.
    """

    _lock = threading.Lock()
    _active = 0
    _saved = 0

    __slots__ = ("pos", "file")

    def __init__(self, pos: Pos | None = None, file: str | None = None):
        self.pos = pos
        self.file = file

    def __enter__(self) -> None:
        cls = bounded_recursion
        with cls._lock:
            if cls._active == 0:
                cls._saved = sys.getrecursionlimit()
                if cls._saved < RECURSION_LIMIT:
                    sys.setrecursionlimit(RECURSION_LIMIT)
            cls._active += 1

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        cls = bounded_recursion
        with cls._lock:
            cls._active -= 1
            if cls._active == 0:
                sys.setrecursionlimit(cls._saved)
        if kind is not None and issubclass(kind, RecursionError):
            message = "terms nested too deeply to check"
            raise DepthError(message, self.pos, self.file) from None
