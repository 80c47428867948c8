"""telos.peano — the trusted kernel: the Peano language, its proof checker and proof states.

The public surface, all of it:

- terms: `Term`, `Atom`, `App`, `Arrow`, `Lambda`, `Decl`, `PatDecl` and `parse_term`,
  `parse_term_exact`, `parse_file`;
- contexts: `Derivation` (with `Definition`), built from a theory by `load_theory_text`;
- checking: `check_text`, `check_path`, `check_items` → `BlockResult` per block (SPEC §3, rules
  S1–S8), decided by the trusted core `telos.peano.core`; `CheckedContext`, a context that
  grows by checked blocks (a theory, then lemmas one at a time, none checked twice);
- search API: `ProofState` with `actions()` / `execute()`, the actions `Intro`, `UseArrow`,
  `SelectGoals`, `SelectConstruction` (SPEC §4), created by `new_proof_state`;
- formats: `check_statement` (strict well-formedness), `normal_form`, `contract`,
  `elaborate`, `conjecture_statement`, `state_text`;
- proof text: `ProofTree`, `proof_lines`, `theorem_text`;
- errors: `PeanoError` and its subclasses `ParseError`, `TypeCheckError`, `ProofError`,
  `SourceError`, `DepthError` (a term nested deeper than the checker follows, S8); the
  guard `bounded_recursion` that turns a RecursionError into a DepthError.

This package imports nothing else of telos.
"""

from __future__ import annotations

from pathlib import Path

from .checker import BlockResult, CheckedContext, check_items, load_context, require_closed
from .derivation import Definition, Derivation
from .errors import (
    DepthError,
    ParseError,
    PeanoError,
    ProofError,
    TypeCheckError,
    bounded_recursion,
)
from .parser import parse_file, parse_term, parse_term_exact
from .prooftext import ProofTree, ProofTreeError, proof_lines, theorem_text
from .source import SourceError, load_file, load_items
from .state import Intro, ProofState, SelectConstruction, SelectGoals, UseArrow
from .statements import (
    check_statement,
    conjecture_statement,
    contract,
    elaborate,
    normal_form,
    state_text,
)
from .terms import App, Arrow, Atom, Decl, Lambda, PatDecl, Term

__all__ = [
    "App",
    "Arrow",
    "Atom",
    "BlockResult",
    "CheckedContext",
    "Decl",
    "Definition",
    "DepthError",
    "Derivation",
    "Intro",
    "Lambda",
    "ParseError",
    "PatDecl",
    "PeanoError",
    "ProofError",
    "ProofState",
    "ProofTree",
    "ProofTreeError",
    "SelectConstruction",
    "SelectGoals",
    "SourceError",
    "Term",
    "TypeCheckError",
    "UseArrow",
    "bounded_recursion",
    "check_path",
    "check_statement",
    "check_text",
    "conjecture_statement",
    "contract",
    "elaborate",
    "load_theory_text",
    "new_proof_state",
    "normal_form",
    "parse_file",
    "parse_term",
    "parse_term_exact",
    "proof_lines",
    "state_text",
    "theorem_text",
]


def load_theory_text(text: str, file: str | None = None) -> Derivation:
    """The derivation of a theory's text: declarations, annotations, passing statements."""
    with bounded_recursion(file=file):
        return load_context(load_items(text, file))


def check_text(text: str, file: str | None = None, prelude: str | None = None) -> list[BlockResult]:
    """Check every block of `text` (after the items of `prelude`, e.g. a theory's text)."""
    with bounded_recursion(file=file):
        items = load_items(prelude) if prelude is not None else []
        return check_items(items + load_items(text, file))


def check_path(path: str | Path, prelude: str | None = None) -> list[BlockResult]:
    with bounded_recursion(file=str(path)):
        items = load_items(prelude) if prelude is not None else []
        return check_items(items + load_file(path))


def new_proof_state(
    theory: str | Derivation,
    premises: list[str] | tuple[str, ...],
    goal: str | Term,
    cache_actions: bool = True,
) -> ProofState:
    """A proof state for `goal` in `theory` (its text, or a derivation loaded once and reused).

    The goal is walked into subterm objects named `goal` (SPEC §4.1); a goal given as text is
    parsed with the `term` rule. Raises ParseError / TypeCheckError on bad input, DepthError
    on a goal nested deeper than the checker follows.
    """
    d = load_theory_text(theory) if isinstance(theory, str) else theory.copy()
    goal_term = parse_term(goal) if isinstance(goal, str) else goal
    with bounded_recursion(goal_term.pos):
        require_closed(d, goal_term)  # as for a block's statement: no undeclared constant
        d._walk(goal_term, d.fresh("goal"), True)
        return ProofState(d, goal_term, tuple(premises), cache_actions=cache_actions)
