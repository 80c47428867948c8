"""The kernel's exceptions. Each carries a message and, where known, a source position."""

from __future__ import annotations

from .terms import Pos


class PeanoError(Exception):
    """Base of every error the kernel raises on bad input or a failed check."""

    def __init__(self, message: str, pos: Pos | None = None, file: str | None = None):
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.file = file

    def located(self) -> str:
        """`file:line:col: message` with whatever parts are known."""
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.pos is not None:
            where.append(f"{self.pos[0]}:{self.pos[1]}")
        return (":".join(where) + ": " if where else "") + self.message


class ParseError(PeanoError):
    """The text does not follow the grammar of SPEC §1 (or is not UTF-8, or cannot be read)."""


class TypeCheckError(PeanoError):
    """An undeclared atom, an ill-typed application or a numeric atom (SPEC §3.7 rule S5)."""


class ProofError(PeanoError):
    """A proof step that does not follow, or any other failure of a block's check."""
