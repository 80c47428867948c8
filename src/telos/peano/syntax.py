"""The parsed form of a `.p` file (SPEC §1.2): top-level items and proof actions.

Plain frozen dataclasses produced by `parser.py` and consumed by the checker. Every item keeps
the `(line, column)` of its first token so that errors can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .terms import PatDecl, Pos, Term

# -- top level ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Declare:
    """`[let|axiom] name : type [= value].`"""

    name: str
    type: Term
    value: Term | None
    pos: Pos


@dataclass(frozen=True)
class Assume:
    """`assume type.` — an anonymous opaque object named `__pobj<offset>`."""

    type: Term
    offset: int  # byte offset of the `assume` keyword in the file
    pos: Pos


@dataclass(frozen=True)
class Import:
    path: str
    pos: Pos


@dataclass(frozen=True)
class Using:
    names: tuple[str, ...]
    pos: Pos


@dataclass(frozen=True)
class Forward:
    """`#forward name (P1 : T1) … .`"""

    name: str
    preconditions: tuple[PatDecl, ...]
    pos: Pos


@dataclass(frozen=True)
class Backward:
    """`#backward name infer|subgoal … .`"""

    name: str
    modes: tuple[str, ...]  # each "infer" or "subgoal"
    pos: Pos


# -- proof actions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplyStep:
    name: str
    pos: Pos
    name_pos: Pos


@dataclass(frozen=True)
class ConstructStep:
    name: str
    type: Term
    value: Term
    by: str
    pos: Pos
    by_pos: Pos


@dataclass(frozen=True)
class ShowStep:
    type: Term
    by: str
    pos: Pos
    by_pos: Pos


@dataclass(frozen=True)
class IntroStep:
    name: str
    type: Term
    pos: Pos


@dataclass(frozen=True)
class CurrentGoalStep:
    term: Term
    pos: Pos


@dataclass(frozen=True)
class GoalBlock:
    term: Term
    actions: tuple[Action, ...]
    pos: Pos


@dataclass(frozen=True)
class HaveBlock:
    term: Term
    actions: tuple[Action, ...]
    pos: Pos


@dataclass(frozen=True)
class HaltStep:
    pos: Pos


Action = (
    ApplyStep
    | ConstructStep
    | ShowStep
    | IntroStep
    | CurrentGoalStep
    | GoalBlock
    | HaveBlock
    | HaltStep
    | Using
)


# -- blocks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProofBlock:
    """`theorem|lemma|corollary name : statement { actions }`."""

    kind: str
    name: str
    statement: Term
    actions: tuple[Action, ...]
    pos: Pos
    name_pos: Pos


@dataclass(frozen=True)
class VerifyBlock:
    """`verify|example|test name { show | construct | definition … }`."""

    kind: str
    name: str
    items: tuple[ShowStep | ConstructStep | Declare | Assume, ...]
    pos: Pos
    name_pos: Pos


Item = Declare | Assume | Import | Using | Forward | Backward | ProofBlock | VerifyBlock
