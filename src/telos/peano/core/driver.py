"""Checking a file (trusted): which blocks pass is decided here and only here.

The file's items are taken in order. A declaration enters the core's `Env` (its type must be
a type; a definition's value must have its type; a name is declared once — S7); the first
declaration that fails makes every later block fail with its located error (S5). A proof block
whose name is taken fails (S2). Otherwise the untrusted `elaborate` — the step-by-step checker
of `checker.py`, with its messages and the original's rules — is asked for a proof term of the
block's statement; the block passes only if `Env.add_theorem` types that term as the
statement, and only then is the statement available to later blocks (S1). Verify blocks come
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
Elaborate = Callable[[Block, "str | None", frozenset[str]], Term]
Explain = Callable[[Declare | Assume, "str | None"], "PeanoError | None"]


@dataclass(frozen=True)
class Verdict:
    """One block's outcome: `ok`, or the reason with its position (and file)."""

    block: Block
    file: str | None  # where the reason lies (the block's file, or a declaration's)
    ok: bool
    message: str | None = None
    pos: Pos | None = None


def check_file(
    items: list[tuple[Item, str | None]], elaborate: Elaborate, explain: Explain
) -> list[Verdict]:
    """A verdict for every block, in file order.

    `explain` may locate a refused declaration more precisely (the offending application);
    it only words the error, the refusal is the core's."""
    env = Env()
    names: set[str] = set()  # block names (S2): a registry of their own
    passed: set[str] = set()
    broken: tuple[str, Pos, str | None] | None = None  # the first bad declaration
    verdicts: dict[int, Verdict] = {}
    scripts: list[tuple[int, VerifyBlock, str | None]] = []
    for item, file in items:
        if isinstance(item, (Declare, Assume)):
            name = item.name if isinstance(item, Declare) else f"__pobj{item.offset}"
            error = _declare(env, name, item, names)
            if error is not None and broken is None:
                located = explain(item, file)
                if located is not None:
                    broken = (located.message, located.pos, located.file or file)
                else:
                    broken = (error, item.pos, file)
        elif isinstance(item, ProofBlock):
            index = len(verdicts) + len(scripts)
            if item.name in names or item.name in env.entries:
                verdicts[index] = _duplicate(item, file)
            elif broken is not None:
                verdicts[index] = Verdict(item, broken[2], False, broken[0], broken[1])
            else:
                verdicts[index] = _prove(env, item, file, elaborate, frozenset(passed))
                if verdicts[index].ok:
                    passed.add(item.name)
            names.add(item.name)
        elif isinstance(item, VerifyBlock):
            index = len(verdicts) + len(scripts)
            if item.name in names:
                verdicts[index] = _duplicate(item, file)
            else:
                scripts.append((index, item, file))
            names.add(item.name)
    for index, block, file in scripts:  # whole-file scope: every declaration, passed lemmas
        if broken is not None:
            verdicts[index] = Verdict(block, broken[2], False, broken[0], broken[1])
        else:
            verdicts[index] = _prove(env, block, file, elaborate, frozenset(passed))
    return [verdicts[i] for i in range(len(verdicts))]


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


def _prove(
    env: Env, block: Block, file: str | None, elaborate: Elaborate, passed: frozenset[str]
) -> Verdict:
    try:
        proof = elaborate(block, file, passed)
    except PeanoError as e:
        return Verdict(block, e.file or file, False, e.message, e.pos)
    except RecursionError:
        return Verdict(block, file, False, "the proof is too deeply nested", block.pos)
    try:
        if isinstance(block, ProofBlock):
            env.add_theorem(block.name, from_named(block.statement), proof)
        else:
            env.check_script(proof)
    except CoreError as e:
        return Verdict(block, file, False, f"the kernel's core refuses the proof: {e}", block.pos)
    except RecursionError:
        return Verdict(block, file, False, "the proof is too deeply nested", block.pos)
    return Verdict(block, file, True)
