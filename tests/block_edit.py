"""Editing parsed Peano proofs: positions in terms and blocks, and rendering back to text.

The mutation operators of `mutants.py` and `mutation_binders.py` work on a `Draft`: the
declarations a mutant puts before its proof block, and the block. A *slot* is where a term sits:
`("statement",)`, `(i, j, …, field)` for a field of an action reached by the indices (nested
through goal/have blocks), or `("decl", k, "type" | "value")` for a declaration of the draft.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from telos.peano import App, Arrow, Atom, Decl, Lambda
from telos.peano.syntax import (
    ApplyStep,
    ConstructStep,
    CurrentGoalStep,
    Declare,
    GoalBlock,
    HaltStep,
    HaveBlock,
    IntroStep,
    ProofBlock,
    ShowStep,
    Using,
)
from telos.peano.terms import Term


@dataclass(frozen=True)
class Draft:
    """A proof block being mutated, with the declarations rendered before it."""

    decls: tuple[Declare, ...]
    block: ProofBlock


def render_decl(d: Declare) -> str:
    return f"{d.name} : {d.type}" + (f" = {d.value}." if d.value is not None else ".")


def declaration(name: str, ty: Term, value: Term | None = None) -> Declare:
    return Declare(name, ty, value, (0, 0))


# -- rendering parsed blocks back to text ------------------------------------------------------


def render_actions(actions, indent: str = "    ") -> list[str]:
    lines: list[str] = []
    for a in actions:
        if isinstance(a, ShowStep):
            lines.append(f"{indent}show {a.type} by {a.by}.")
        elif isinstance(a, IntroStep):
            lines.append(f"{indent}intro {a.name} : {a.type}.")
        elif isinstance(a, ApplyStep):
            lines.append(f"{indent}apply {a.name}.")
        elif isinstance(a, ConstructStep):
            lines.append(f"{indent}construct {a.name} : {a.type} = {a.value} by {a.by}.")
        elif isinstance(a, CurrentGoalStep):
            lines.append(f"{indent}current goal: {a.term}.")
        elif isinstance(a, (GoalBlock, HaveBlock)):
            keyword = "goal" if isinstance(a, GoalBlock) else "have"
            lines.append(f"{indent}{keyword} {a.term} {{")
            lines.extend(render_actions(a.actions, indent + "    "))
            lines.append(f"{indent}}}")
        elif isinstance(a, HaltStep):
            lines.append(f"{indent}halt.")
        elif isinstance(a, Using):
            lines.append(f"{indent}using {', '.join(a.names)}.")
        else:  # pragma: no cover
            raise TypeError(f"cannot render {a!r}")
    return lines


def render_block(block: ProofBlock) -> str:
    body = "\n".join(render_actions(block.actions))
    return f"{block.kind} {block.name} : {block.statement} {{\n{body}\n}}\n"


# -- positions in terms and blocks ---------------------------------------------------------------


def children(t: Term) -> list[Term]:
    k = type(t)
    if k is App:
        return [t.fn, *t.args]
    if k is Arrow:
        return [i.type if type(i) is Decl else i for i in t.inputs] + [t.output]
    if k is Lambda:
        return [p.type for p in t.params] + [t.body]
    return []


def with_children(t: Term, kids: list[Term]) -> Term:
    k = type(t)
    if k is App:
        return App(kids[0], tuple(kids[1:]))
    if k is Arrow:
        inputs = tuple(
            Decl(i.name, kid) if type(i) is Decl else kid for i, kid in zip(t.inputs, kids)
        )
        return Arrow(inputs, kids[-1])
    if k is Lambda:
        params = tuple(Decl(p.name, kid) for p, kid in zip(t.params, kids))
        return Lambda(params, kids[-1])
    return t


def positions(t: Term, prefix: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], Term]]:
    """Every subterm occurrence (pre-order) with its path of child indices."""
    yield prefix, t
    for i, kid in enumerate(children(t)):
        yield from positions(kid, prefix + (i,))


def replace_at(t: Term, path: tuple[int, ...], new: Term) -> Term:
    if not path:
        return new
    kids = children(t)
    kids[path[0]] = replace_at(kids[path[0]], path[1:], new)
    return with_children(t, kids)


def replace_all(t: Term, old: Term, new: Term) -> Term:
    if t == old:
        return new
    kids = children(t)
    if not kids:
        return t
    return with_children(t, [replace_all(k, old, new) for k in kids])


# A slot is where a term sits in a block: ("statement",) or (i, j, …, field) for a field of
# the action reached by the indices (nested through goal/have blocks).
Slot = tuple

_TERM_FIELDS = {
    ShowStep: ("type",),
    IntroStep: ("type",),
    ConstructStep: ("type", "value"),
    CurrentGoalStep: ("term",),
    GoalBlock: ("term",),
    HaveBlock: ("term",),
}


def term_slots(block: ProofBlock) -> list[Slot]:
    slots: list[Slot] = [("statement",)]

    def rec(actions, prefix):
        for i, a in enumerate(actions):
            for name in _TERM_FIELDS.get(type(a), ()):
                slots.append(prefix + (i, name))
            if isinstance(a, (GoalBlock, HaveBlock)):
                rec(a.actions, prefix + (i,))

    rec(block.actions, ())
    return slots


def action_lists(block: ProofBlock) -> list[tuple[int, ...]]:
    """Paths to every action list of a block: () for the body, (i, …) for nested blocks."""
    out: list[tuple[int, ...]] = [()]

    def rec(actions, prefix):
        for i, a in enumerate(actions):
            if isinstance(a, (GoalBlock, HaveBlock)):
                out.append(prefix + (i,))
                rec(a.actions, prefix + (i,))

    rec(block.actions, ())
    return out


def get_actions(block: ProofBlock, path: tuple[int, ...]) -> tuple:
    actions = block.actions
    for i in path:
        actions = actions[i].actions
    return actions


def set_actions(block: ProofBlock, path: tuple[int, ...], new: tuple) -> ProofBlock:
    def rec(actions, path):
        if not path:
            return tuple(new)
        i = path[0]
        inner = dataclasses.replace(actions[i], actions=rec(actions[i].actions, path[1:]))
        return actions[:i] + (inner,) + actions[i + 1 :]

    return dataclasses.replace(block, actions=rec(block.actions, path))


def get_slot(block: ProofBlock, slot: Slot) -> Term:
    if slot == ("statement",):
        return block.statement
    actions = block.actions
    for i in slot[:-2]:
        actions = actions[i].actions
    return getattr(actions[slot[-2]], slot[-1])


def set_slot(block: ProofBlock, slot: Slot, term: Term) -> ProofBlock:
    if slot == ("statement",):
        return dataclasses.replace(block, statement=term)
    path, i, name = slot[:-2], slot[-2], slot[-1]
    actions = get_actions(block, path)
    changed = dataclasses.replace(actions[i], **{name: term})
    return set_actions(block, path, actions[:i] + (changed,) + actions[i + 1 :])


def block_terms(block: ProofBlock) -> list[Term]:
    return [get_slot(block, s) for s in term_slots(block)]


def all_steps(actions) -> Iterator:
    for a in actions:
        yield a
        if isinstance(a, (GoalBlock, HaveBlock)):
            yield from all_steps(a.actions)


# Neighbouring terms per theory: (wrap, unwrap-able functions, interchangeable functions).
_WRAP = {"nat-add": "s", "nat-mul": "s", "groups": "inv", "propositional-logic": "not"}
_SWAPS = {
    "nat-add": (),
    "nat-mul": (("+", "*"),),
    "groups": (),
    "propositional-logic": (("and", "or"), ("or", "iff"), ("iff", "and")),
}
_NOT_VALUES = {"=", "s", "+", "*", "op", "inv", "not", "and", "or", "iff", "nat", "G", "prop"}


def neighbours(t: Term, theory: str) -> list[Term]:
    """Terms one small step away from `t`: `z` → `(s z)`, `(s x)` → `x`, `+` → `*`, …"""
    out: list[Term] = []
    wrap = _WRAP[theory]
    if type(t) is App and type(t.fn) is Atom and t.fn.name == wrap and len(t.args) == 1:
        out.append(t.args[0])
    if (type(t) is Atom and t.name not in _NOT_VALUES) or (
        type(t) is App and not (type(t.fn) is Atom and t.fn.name == "=")
    ):
        out.append(App(Atom(wrap), (t,)))
    if type(t) is Atom:
        for a, b in _SWAPS[theory]:
            if t.name == a:
                out.append(Atom(b))
            elif t.name == b:
                out.append(Atom(a))
    if type(t) is App and len(t.args) >= 2:
        args = list(t.args)
        args[0], args[1] = args[1], args[0]
        out.append(App(t.fn, tuple(args)))
    return [n for n in out if n != t]


def draft_slots(draft: Draft) -> list[Slot]:
    """The block's slots, then the type and value of every declaration of the draft."""
    slots = term_slots(draft.block)
    for k, d in enumerate(draft.decls):
        slots.append(("decl", k, "type"))
        if d.value is not None:
            slots.append(("decl", k, "value"))
    return slots


def get_draft_slot(draft: Draft, slot: Slot) -> Term:
    if slot[0] == "decl":
        return getattr(draft.decls[slot[1]], slot[2])
    return get_slot(draft.block, slot)


def set_draft_slot(draft: Draft, slot: Slot, term: Term) -> Draft:
    if slot[0] == "decl":
        k = slot[1]
        changed = dataclasses.replace(draft.decls[k], **{slot[2]: term})
        return Draft(draft.decls[:k] + (changed,) + draft.decls[k + 1 :], draft.block)
    return Draft(draft.decls, set_slot(draft.block, slot, term))
