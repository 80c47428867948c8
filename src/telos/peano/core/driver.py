"""Checking a file (trusted): which blocks pass is decided here and only here.

The file's items are taken in order. A declaration enters the core's `Env` (its type must be
a type; a definition's value must have its type; a name is declared once — S7); the first
declaration that fails makes every later block fail with its located error (S5). A proof block
whose name is taken fails (S2). Otherwise the untrusted `elaborate` — the step-by-step checker
of `checker.py`, with its messages and the original's rules — is asked for a proof term of the
block's statement, and for the script of all its steps; the block passes only if the core
types every step of the script and `Env.add_theorem` types the proof term as the statement,
and only then is the statement available to later blocks (S1). Verify blocks come
last and see the whole file (SPEC §3.2); each is a chain of facts the core types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import PeanoError
from ..syntax import Assume, Declare, Item, ProofBlock, VerifyBlock
from ..terms import Pos
from .terms import CoreError, Term, from_named
from .typing import Env

Block = ProofBlock | VerifyBlock
# The elaborator's answer: the proof term of a proof block's statement (None for a verify
# block), and the script of every step, dead ones included, as a chain of `let`s and `λ`s.
Elaborate = Callable[[Block, "str | None", set[str]], "tuple[Term | None, Term]"]
Explain = Callable[[Declare | Assume, "str | None"], "PeanoError | None"]


@dataclass(frozen=True)
class Verdict:
    """One block's outcome: `ok`, or the reason with its position (and file)."""

    block: Block
    file: str | None  # where the reason lies (the block's file, or a declaration's)
    ok: bool
    message: str | None = None
    pos: Pos | None = None


class Checker:
    """The file-level rules over a context that grows: feed it a file's items, or a theory's
    and then one block at a time (a lemma library) — no block is ever checked twice.

    `explain` may locate a refused declaration more precisely (the offending application);
    it only words the error, the refusal is the core's."""

    def __init__(self, elaborate: Elaborate, explain: Explain):
        self.elaborate, self.explain = elaborate, explain
        self.env = Env()
        self.names: set[str] = set()  # block names (S2): a registry of their own
        self.passed: set[str] = set()
        self.broken: tuple[str, Pos, str | None] | None = None  # the first bad declaration

    def feed(
        self, items: list[tuple[Item, str | None]], wanted: set[str] | None = None
    ) -> list[Verdict]:
        """A verdict for every block of `items`, in order; verify blocks are checked last, in
        the context of everything fed so far. With `wanted` (block names), checking stops
        after the last wanted proof block (unless a verify block is wanted): later blocks
        cannot change an earlier block's verdict, so they get none."""
        items = _up_to_wanted(items, wanted)
        verdicts: dict[int, Verdict] = {}
        scripts: list[tuple[int, VerifyBlock, str | None]] = []
        for item, file in items:
            if isinstance(item, (Declare, Assume)):
                self._declare(item, file)
            elif isinstance(item, ProofBlock):
                index = len(verdicts) + len(scripts)
                verdicts[index] = self._check_block(item, file)
                if verdicts[index].ok:
                    self.passed.add(item.name)
            elif isinstance(item, VerifyBlock):
                index = len(verdicts) + len(scripts)
                if item.name in self.names:
                    verdicts[index] = _duplicate(item, file)
                else:
                    scripts.append((index, item, file))
                self.names.add(item.name)
        for index, block, file in scripts:  # whole-file scope: every declaration, passed lemmas
            verdicts[index] = self._failed(block) or self._prove(block, file)
        return [verdicts[i] for i in range(len(verdicts))]

    def _declare(self, item: Declare | Assume, file: str | None) -> None:
        name = item.name if isinstance(item, Declare) else f"__pobj{item.offset}"
        error = _declare(self.env, name, item, self.names)
        if error is not None and self.broken is None:
            located = self.explain(item, file)
            if located is not None:
                self.broken = (located.message, located.pos, located.file or file)
            else:
                self.broken = (error, item.pos, file)

    def _check_block(self, block: ProofBlock, file: str | None) -> Verdict:
        taken = block.name in self.names or block.name in self.env.entries
        self.names.add(block.name)
        if taken:
            return _duplicate(block, file)
        return self._failed(block) or self._prove(block, file)

    def _failed(self, block: Block) -> Verdict | None:
        if self.broken is None:
            return None
        message, pos, file = self.broken
        return Verdict(block, file, False, message, pos)

    def _prove(self, block: Block, file: str | None) -> Verdict:
        try:
            proof, script = self.elaborate(block, file, self.passed)
        except PeanoError as e:
            return Verdict(block, e.file or file, False, e.message, e.pos)
        except RecursionError:
            return Verdict(block, file, False, "the proof is too deeply nested", block.pos)
        try:
            # Every step must check, also those after the goal is closed (SPEC §7 item 19).
            self.env.check_script(script)
            if isinstance(block, ProofBlock):
                if proof is None:
                    raise CoreError("no proof term")
                self.env.add_theorem(block.name, from_named(block.statement), proof)
        except CoreError as e:
            message = f"the kernel's core refuses the proof: {e}"
            return Verdict(block, file, False, message, block.pos)
        except RecursionError:
            return Verdict(block, file, False, "the proof is too deeply nested", block.pos)
        return Verdict(block, file, True)


def check_file(
    items: list[tuple[Item, str | None]], elaborate: Elaborate, explain: Explain
) -> list[Verdict]:
    """A verdict for every block of a file, in file order."""
    return Checker(elaborate, explain).feed(items)


def _up_to_wanted(
    items: list[tuple[Item, str | None]], wanted: set[str] | None
) -> list[tuple[Item, str | None]]:
    if wanted is None or any(isinstance(i, VerifyBlock) and i.name in wanted for i, _ in items):
        return items
    last = max(
        (k for k, (i, _) in enumerate(items) if isinstance(i, ProofBlock) and i.name in wanted),
        default=-1,
    )
    return items[: last + 1]


def _declare(env: Env, name: str, item: Declare | Assume, blocks: set[str]) -> str | None:
    if name in blocks:
        return f"declaration of {name} reuses the name of a proof block"
    value = item.value if isinstance(item, Declare) else None
    try:
        if value is None:
            env.declare(name, from_named(item.type, params=True))
        else:
            env.define(name, from_named(item.type), from_named(value))
    except CoreError as e:
        return f"declaration of {name}: {e}"
    except RecursionError:
        return f"declaration of {name}: too deeply nested"
    return None


def _duplicate(block: Block, file: str | None) -> Verdict:
    return Verdict(block, file, False, f"duplicate name {block.name}", block.name_pos)
