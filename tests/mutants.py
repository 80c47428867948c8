"""Mutants of valid Peano proofs, for testing that the checker accepts only true facts.

Sources of valid proofs (`sources()`):

- the golden `*-valid.p` files (each holds its theory's text, then lemmas);
- the golden `proofs.jsonl` solutions, rendered as `theorem` texts by `theorem_text`.

A mutant takes one proof block of a source and applies one to three mutation operators
(`OPERATORS`) to it: swapping or replacing subterms (by terms of the same kind drawn from the
source), replacing a subterm everywhere in the block, dropping, reordering or transplanting
steps, changing the arrow a step is `by`, flipping an equation, altering the statement,
changing a neighbouring atom (`z` ↔ `(s z)`, `+` ↔ `*`, `and` ↔ `or`, …), swapping the
arguments of an application, changing an intro's type. The mutant text is the mutated block
after the earlier blocks of the source it refers to (transitively), checked with the source's
theory text as prelude. Everything is deterministic given the seed.

`check_mutant` runs the kernel on a mutant and, when it accepts, asks the oracle of
`models.py` whether the statement and every fact the proof establishes hold in the models.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from models import (
    SIGNATURES,
    SORTS,
    THEORIES,
    BlockAudit,
    Fact,
    audit_text,
    context_of_state,
    facts_of_state,
    theory_of_text,
)

from telos.peano import (
    App,
    Arrow,
    Atom,
    Decl,
    Intro,
    Lambda,
    PeanoError,
    ProofTree,
    SelectConstruction,
    SelectGoals,
    check_text,
    load_theory_text,
    new_proof_state,
    parse_file,
    parse_term,
    theorem_text,
)
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
from telos.theories import load_theory

GOLDEN = Path(__file__).resolve().parents[2] / "shared" / "peano" / "golden"

BUILTINS = ("eq_refl", "eq_symm", "rewrite")


# -- sources -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Valid proof blocks of one theory, with the theory text they are checked after."""

    label: str
    theory: str
    prelude: str
    blocks: tuple[ProofBlock, ...]


def golden_file_sources() -> list[Source]:
    out = []
    for path in sorted((GOLDEN / "checks").glob("*-valid.p")):
        text = path.read_text(encoding="utf-8")
        items = parse_file(text)
        blocks = tuple(i for i in items if isinstance(i, ProofBlock))
        first_line = blocks[0].pos[0]
        prelude = "\n".join(text.splitlines()[: first_line - 1]) + "\n"
        out.append(Source(path.name, theory_of_text(text), prelude, blocks))
    return out


def golden_proof_records() -> list[dict]:
    with open(GOLDEN / "proofs.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def golden_root_goals() -> list[tuple[str, str]]:
    """(theory, goal) of every proofs.jsonl record and every actions.jsonl.gz root goal."""
    seen: dict[tuple[str, str], None] = {}
    for rec in golden_proof_records():
        seen[(rec["theory"], rec["goal"])] = None
    path = GOLDEN / "actions.jsonl.gz"
    if path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                seen[(rec["theory"], rec["root_goal"])] = None
    return list(seen)


def rendered_proof_sources() -> list[Source]:
    out = []
    for index, rec in enumerate(golden_proof_records()):
        theory = load_theory(rec["theory"])
        state = new_proof_state(theory.text, rec["premises"], rec["goal"])
        text = theorem_text(f"t{index}", state, ProofTree.from_json(rec["proof"]))
        (block,) = [i for i in parse_file(text) if isinstance(i, ProofBlock)]
        out.append(Source(f"proofs.jsonl:{index}", rec["theory"], theory.text, (block,)))
    return out


@cache
def sources() -> tuple[Source, ...]:
    return tuple(golden_file_sources() + rendered_proof_sources())


@cache
def sources_of(theory: str) -> tuple[Source, ...]:
    return tuple(s for s in sources() if s.theory == theory)


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


# -- the material a mutation draws on ------------------------------------------------------------


@dataclass
class Material:
    """What mutations of one source draw on: its terms (by kind), steps and arrow names."""

    theory: str
    terms: dict[str, list[Term]] = field(default_factory=dict)  # kind -> terms
    closed: dict[str, list[Term]] = field(default_factory=dict)  # sort -> variable-free terms
    steps: list = field(default_factory=list)
    arrows: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # names a renamed intro may take

    def kind(self, t: Term) -> str:
        return kind_of(t, self.theory)

    def same_kind(self, t: Term) -> list[Term]:
        return [u for u in self.terms.get(self.kind(t), []) if u != t]


@cache
def variable_sorts(theory: str) -> dict[str, str]:
    """The sort of each variable name used in the theory's sources (`'n`, `x`, `a` : nat)."""
    sorts: dict[str, str] = {}
    for source in sources_of(theory):
        for block in source.blocks:
            for t in block_terms(block):
                for _path, sub in positions(t):
                    if type(sub) is Arrow:
                        for i in sub.inputs:
                            if type(i) is Decl and type(i.type) is Atom:
                                if i.type.name in SORTS[theory]:
                                    sorts[i.name] = i.type.name
            for step in all_steps(block.actions):
                if isinstance(step, IntroStep) and type(step.type) is Atom:
                    if step.type.name in SORTS[theory]:
                        sorts[step.name] = step.type.name
    return sorts


def kind_of(t: Term, theory: str) -> str:
    """The sort of a term where it is evident (constants, known variables), else its form."""
    sig = SIGNATURES[theory]
    if type(t) is Atom:
        spec = sig.get(t.name)
        if spec is not None:
            return spec[1] if not spec[0] else f"fn{len(spec[0])}{spec[1]}"
        if t.name in SORTS[theory]:
            return "type"
        sort = variable_sorts(theory).get(t.name)
        if sort is not None:
            return sort
    elif type(t) is App and type(t.fn) is Atom:
        if t.fn.name == "=":
            return "prop"
        spec = sig.get(t.fn.name)
        if spec is not None:
            return spec[1]
    elif type(t) is Arrow:
        return "prop"
    return type(t).__name__


def _closed(t: Term, theory: str) -> bool:
    return (
        all(
            type(sub) is not Atom or sub.name in SIGNATURES[theory] or sub.name == "="
            for _p, sub in positions(t)
        )
        and type(t) is not Arrow
    )


@cache
def material(source: Source) -> Material:
    m = Material(source.theory)
    seen: set[Term] = set()
    for block in source.blocks:
        for t in block_terms(block):
            for _path, sub in positions(t):
                if sub not in seen:
                    seen.add(sub)
                    kind = m.kind(sub)
                    m.terms.setdefault(kind, []).append(sub)
                    if _closed(sub, source.theory) and kind in SORTS[source.theory]:
                        m.closed.setdefault(kind, []).append(sub)
        m.steps.extend(
            s for s in all_steps(block.actions) if not isinstance(s, (GoalBlock, HaveBlock))
        )
    arrows = [
        i.name
        for i in parse_file(source.prelude)
        if isinstance(i, Declare) and type(i.type) is Arrow
    ]
    arrows += [b.name for b in source.blocks if type(b.statement) is Arrow]
    m.arrows = sorted(set(arrows)) + list(BUILTINS)
    names: set[str] = set()
    for block in source.blocks:
        for t in block_terms(block):
            names.update(sub.name for _p, sub in positions(t) if type(sub) is Atom)
        for step in all_steps(block.actions):
            if isinstance(step, IntroStep):
                names.add(step.name)
            elif isinstance(step, ConstructStep):
                names.update(f"{step.name}{k}" for k in (1, 2, 3))
    names.update(f"_{k}" for k in (1, 2, 3))
    m.names = sorted(names - {"=", "prop", "type"})
    return m


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


# -- mutation operators ----------------------------------------------------------------------------

Operator = Callable[[random.Random, ProofBlock, Material], "ProofBlock | None"]


def _all_positions(block: ProofBlock) -> list[tuple[Slot, tuple[int, ...], Term]]:
    return [
        (slot, path, sub)
        for slot in term_slots(block)
        for path, sub in positions(get_slot(block, slot))
    ]


def _replace(block: ProofBlock, slot: Slot, path: tuple[int, ...], new: Term) -> ProofBlock:
    return set_slot(block, slot, replace_at(get_slot(block, slot), path, new))


def swap_subterms(rng, block, mat):
    """Swap two different subterms of the same kind (anywhere in the block)."""
    sites = _all_positions(block)
    rng.shuffle(sites)
    for s1, p1, t1 in sites[:30]:
        for s2, p2, t2 in sites:
            if t1 == t2 or mat.kind(t1) != mat.kind(t2):
                continue
            if s1 == s2 and (p1[: len(p2)] == p2 or p2[: len(p1)] == p1):
                continue  # nested occurrences
            return _replace(_replace(block, s1, p1, t2), s2, p2, t1)
    return None


def replace_subterm(rng, block, mat):
    """Replace one subterm by a different term of the same kind drawn from the source."""
    slot, path, t = rng.choice(_all_positions(block))
    pool = mat.same_kind(t)
    if not pool:
        return None
    return _replace(block, slot, path, rng.choice(pool))


def replace_everywhere(rng, block, mat):
    """Replace every occurrence of a subterm in the block (statement and steps) by another."""
    _slot, _path, t = rng.choice(_all_positions(block))
    pool = mat.same_kind(t) + neighbours(t, mat.theory)
    if not pool:
        return None
    new = rng.choice(pool)
    for slot in term_slots(block):
        block = set_slot(block, slot, replace_all(get_slot(block, slot), t, new))
    return block


def drop_step(rng, block, mat):
    """Remove one step."""
    lists = [p for p in action_lists(block) if get_actions(block, p)]
    if not lists:
        return None
    path = rng.choice(lists)
    actions = get_actions(block, path)
    i = rng.randrange(len(actions))
    return set_actions(block, path, actions[:i] + actions[i + 1 :])


def reorder_steps(rng, block, mat):
    """Exchange two steps of the same action list."""
    lists = [p for p in action_lists(block) if len(get_actions(block, p)) >= 2]
    if not lists:
        return None
    path = rng.choice(lists)
    actions = list(get_actions(block, path))
    i = rng.randrange(len(actions) - 1)
    j = i + 1 if rng.random() < 0.5 else rng.randrange(len(actions))
    if i == j:
        return None
    actions[i], actions[j] = actions[j], actions[i]
    return set_actions(block, path, tuple(actions))


def transplant_step(rng, block, mat):
    """Insert a step taken from anywhere in the source (or duplicate one)."""
    if not mat.steps:
        return None
    path = rng.choice(action_lists(block))
    actions = get_actions(block, path)
    i = rng.randrange(len(actions) + 1)
    return set_actions(block, path, actions[:i] + (rng.choice(mat.steps),) + actions[i:])


def change_by(rng, block, mat):
    """Make a show/construct/apply step use another arrow of the theory or a built-in."""
    sites = [
        (p, i)
        for p in action_lists(block)
        for i, a in enumerate(get_actions(block, p))
        if isinstance(a, (ShowStep, ConstructStep, ApplyStep))
    ]
    if not sites:
        return None
    path, i = rng.choice(sites)
    actions = get_actions(block, path)
    step = actions[i]
    current = step.name if isinstance(step, ApplyStep) else step.by
    names = [n for n in mat.arrows if n != current and n != block.name]
    name = rng.choice(names)
    if isinstance(step, ApplyStep):
        changed = dataclasses.replace(step, name=name)
    else:
        changed = dataclasses.replace(step, by=name)
    return set_actions(block, path, actions[:i] + (changed,) + actions[i + 1 :])


def _is_eq(t: Term) -> bool:
    return type(t) is App and t.fn == Atom("=") and len(t.args) == 2


def flip_equation(rng, block, mat):
    """`(= a b)` → `(= b a)` at one place."""
    sites = [(s, p, t) for s, p, t in _all_positions(block) if _is_eq(t)]
    if not sites:
        return None
    slot, path, t = rng.choice(sites)
    return _replace(block, slot, path, App(t.fn, (t.args[1], t.args[0])))


def alter_statement(rng, block, mat):
    """Change the statement only: a subterm, a neighbouring atom, arguments or an input."""
    statement = block.statement
    sites = list(positions(statement))
    how = rng.choice(("replace", "neighbour", "neighbour", "drop_input", "flip"))
    if how == "drop_input":
        arrows = [(p, t) for p, t in sites if type(t) is Arrow]
        if arrows:
            path, t = rng.choice(arrows)
            i = rng.randrange(len(t.inputs))
            rest = t.inputs[:i] + t.inputs[i + 1 :]
            new = Arrow(rest, t.output) if rest else t.output
            return dataclasses.replace(block, statement=replace_at(statement, path, new))
        how = "neighbour"
    if how == "flip":
        eqs = [(p, t) for p, t in sites if _is_eq(t)]
        if eqs:
            path, t = rng.choice(eqs)
            new = App(t.fn, (t.args[1], t.args[0]))
            return dataclasses.replace(block, statement=replace_at(statement, path, new))
        how = "neighbour"
    if how == "neighbour":
        options = [(p, n) for p, t in sites for n in neighbours(t, mat.theory)]
        if options:
            path, new = rng.choice(options)
            return dataclasses.replace(block, statement=replace_at(statement, path, new))
    path, t = rng.choice(sites)
    pool = mat.same_kind(t)
    if not pool:
        return None
    return dataclasses.replace(block, statement=replace_at(statement, path, rng.choice(pool)))


def change_atom(rng, block, mat):
    """One small step at one place: `z` ↔ `(s z)`, `id` ↔ `(inv id)`, `+` ↔ `*`, `and` ↔ `or`."""
    options = [(s, p, n) for s, p, t in _all_positions(block) for n in neighbours(t, mat.theory)]
    if not options:
        return None
    slot, path, new = rng.choice(options)
    return _replace(block, slot, path, new)


def swap_arguments(rng, block, mat):
    """Exchange two arguments of one application."""
    sites = [(s, p, t) for s, p, t in _all_positions(block) if type(t) is App and len(t.args) > 1]
    if not sites:
        return None
    slot, path, t = rng.choice(sites)
    args = list(t.args)
    i, j = rng.sample(range(len(args)), 2)
    args[i], args[j] = args[j], args[i]
    return _replace(block, slot, path, App(t.fn, tuple(args)))


def change_intro_type(rng, block, mat):
    """Give an intro another type: a neighbour of it, or a term drawn from the source."""
    slots = [
        s for s in term_slots(block) if s[-1] == "type" and isinstance(_step(block, s), IntroStep)
    ]
    if not slots:
        return None
    slot = rng.choice(slots)
    t = get_slot(block, slot)
    pool = neighbours(t, mat.theory) + mat.same_kind(t)
    if mat.kind(t) == "type":  # a variable becomes a hypothesis, or a variable of another sort
        pool += mat.terms.get("prop", []) + [Atom(sort) for sort in SORTS[mat.theory]]
    pool = [u for u in pool if u != t]
    return set_slot(block, slot, rng.choice(pool)) if pool else None


def rename_intro(rng, block, mat):
    """Give an intro another name (a binder of the statement, another intro's name, the name a
    construct step will define, a constant …), renaming its later uses consistently."""
    sites = [
        (p, i)
        for p in action_lists(block)
        for i, a in enumerate(get_actions(block, p))
        if isinstance(a, IntroStep)
    ]
    if not sites:
        return None
    path, i = rng.choice(sites)
    actions = get_actions(block, path)
    old = actions[i].name
    params = [
        inp.name
        for _p, sub in positions(block.statement)
        if type(sub) is Arrow
        for inp in sub.inputs
        if type(inp) is Decl
    ]
    new = rng.choice(params + mat.names)
    if new == old:
        return None
    block = set_actions(
        block, path, actions[:i] + (dataclasses.replace(actions[i], name=new),) + actions[i + 1 :]
    )
    for slot in term_slots(block)[1:]:
        block = set_slot(block, slot, replace_all(get_slot(block, slot), Atom(old), Atom(new)))
    return block


def instantiate_variable(rng, block, mat):
    """Instantiate the statement's first variable with a closed term of its sort, dropping the
    intro that introduced it and putting the term for its uses: often still a valid proof."""
    st = block.statement
    if type(st) is not Arrow or type(st.inputs[0]) is not Decl:
        return None
    decl = st.inputs[0]
    sort = decl.type.name if type(decl.type) is Atom else None
    pool = mat.closed.get(sort, []) if sort else []
    if not pool:
        return None
    value = rng.choice(pool)
    rest = Arrow(st.inputs[1:], st.output) if len(st.inputs) > 1 else st.output
    block = dataclasses.replace(block, statement=_substitute(rest, decl.name, value))
    first = block.actions[0] if block.actions else None
    if isinstance(first, IntroStep):
        block = dataclasses.replace(block, actions=block.actions[1:])
        for slot in term_slots(block)[1:]:
            block = set_slot(
                block, slot, replace_all(get_slot(block, slot), Atom(first.name), value)
            )
    return block


def _substitute(t: Term, param: str, value: Term) -> Term:
    """`t` with the free occurrences of `param` replaced by the closed term `value`."""
    if type(t) is Atom:
        return value if t.name == param else t
    if type(t) is App:
        return App(
            _substitute(t.fn, param, value), tuple(_substitute(a, param, value) for a in t.args)
        )
    if type(t) is Arrow:
        inputs = []
        for k, inp in enumerate(t.inputs):
            if type(inp) is Decl:
                inputs.append(Decl(inp.name, _substitute(inp.type, param, value)))
                if inp.name == param:
                    return Arrow(tuple(inputs) + t.inputs[k + 1 :], t.output)
            else:
                inputs.append(_substitute(inp, param, value))
        return Arrow(tuple(inputs), _substitute(t.output, param, value))
    return t


def _step(block: ProofBlock, slot: Slot):
    if slot == ("statement",):
        return None
    return get_actions(block, slot[:-2])[slot[-2]]


OPERATORS: dict[str, Operator] = {
    "swap_subterms": swap_subterms,
    "replace_subterm": replace_subterm,
    "replace_everywhere": replace_everywhere,
    "drop_step": drop_step,
    "reorder_steps": reorder_steps,
    "transplant_step": transplant_step,
    "change_by": change_by,
    "flip_equation": flip_equation,
    "alter_statement": alter_statement,
    "change_atom": change_atom,
    "swap_arguments": swap_arguments,
    "change_intro_type": change_intro_type,
    "rename_intro": rename_intro,
    "instantiate_variable": instantiate_variable,
}


# How often each operator is drawn: the ones that (almost) always break a proof less often, the
# ones that tend to keep it checkable (and so probe what the checker accepts) more often.
WEIGHTS = {
    "swap_subterms": 0.5,
    "drop_step": 0.5,
    "change_by": 0.5,
    "transplant_step": 1.5,
    "rename_intro": 1.5,
    "instantiate_variable": 2.0,
}


# -- mutants ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    seed: int
    source: str  # label of the source
    theory: str
    block: str  # name of the mutated block
    operators: tuple[str, ...]
    prelude: str  # the theory text
    text: str  # earlier blocks it depends on, then the mutated block

    def full_text(self) -> str:
        return self.prelude + "\n" + self.text


def _dependencies(source: Source, index: int, block: ProofBlock) -> list[ProofBlock]:
    """The earlier blocks of the source that `block` refers to, transitively, in order."""
    earlier = {b.name: (i, b) for i, b in enumerate(source.blocks[:index])}
    needed: dict[str, int] = {}
    todo = [block]
    while todo:
        b = todo.pop()
        words = set()
        for step in all_steps(b.actions):
            if isinstance(step, (ShowStep, ConstructStep)):
                words.add(step.by)
            elif isinstance(step, ApplyStep):
                words.add(step.name)
        for t in block_terms(b):
            words.update(str(sub) for _p, sub in positions(t) if type(sub) is Atom)
        for w in words:
            if w in earlier and w not in needed:
                needed[w] = earlier[w][0]
                todo.append(earlier[w][1])
    return [source.blocks[i] for i in sorted(needed.values())]


def mutant(seed: int, theory: str | None = None) -> Mutant:
    """The mutant of a given seed (of a theory drawn by the seed unless `theory` is given)."""
    rng = random.Random(seed)
    theory = theory or THEORIES[seed % len(THEORIES)]
    source = rng.choice(sources_of(theory))
    index = rng.randrange(len(source.blocks))
    original = source.blocks[index]
    mat = material(source)
    names = list(OPERATORS)
    weights = [WEIGHTS.get(name, 1.0) for name in names]
    for _attempt in range(20):
        count = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
        block = original
        applied: list[str] = []
        for _ in range(count):
            name = rng.choices(names, weights)[0]
            changed = OPERATORS[name](rng, block, mat)
            if changed is not None and changed != block:
                block = changed
                applied.append(name)
        if applied and render_block(block) != render_block(original):
            break
    deps = _dependencies(source, index, block)
    text = "\n".join(render_block(b) for b in deps + [block])
    return Mutant(seed, source.label, theory, block.name, tuple(applied), source.prelude, text)


def mutants(count: int, seed: int = 0, theory: str | None = None) -> Iterator[Mutant]:
    """`count` mutants, deterministic given `seed` (theories in turn unless one is given)."""
    for i in range(count):
        yield mutant(seed * 1_000_003 + i, theory)


# -- checking a mutant -----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the kernel and the oracle say about one mutant.

    `status`: "rejected" (the checker refused the mutated block), "unparsable", "true"
    (accepted, and everything it states holds in the models), "false" (accepted although
    something it states is false in a model: a soundness bug), "uninterpretable" (accepted,
    nothing false, but something the models cannot evaluate), or "crash" (the kernel raised
    something other than a PeanoError).
    """

    mutant: Mutant
    status: str
    message: str = ""
    audits: list[BlockAudit] = field(default_factory=list)

    def report(self) -> str:
        lines = [
            f"mutant seed={self.mutant.seed} source={self.mutant.source} "
            f"operators={','.join(self.mutant.operators)}: {self.status} {self.message}",
        ]
        for audit in self.audits:
            for fact, cex in audit.false_facts:
                lines.append(f"  block {audit.name}: {fact.origin} is false {cex}")
        lines.append(self.mutant.text)
        return "\n".join(lines)


def check_mutant(m: Mutant) -> Outcome:
    try:
        results = check_text(m.text, prelude=m.prelude)
    except PeanoError as e:
        return Outcome(m, "unparsable", str(e))
    except Exception as e:  # noqa: BLE001 - a crash of the kernel is a finding
        return Outcome(m, "crash", f"{type(e).__name__}: {e}")
    mutated = results[-1]
    audits = audit_text(m.text, results, m.theory, prelude=m.prelude)
    if any(a.verdict == "false" for a in audits):
        return Outcome(m, "false", "", audits)
    if not mutated.ok:
        return Outcome(m, "rejected", mutated.message or "", audits)
    if any(a.verdict == "uninterpretable" for a in audits):
        reasons = [why for a in audits for _f, why in a.uninterpretable]
        return Outcome(m, "uninterpretable", "; ".join(reasons[:3]), audits)
    return Outcome(m, "true", "", audits)


# -- random walks through proof states -------------------------------------------------------------


@cache
def _derivation(theory: str):
    return load_theory_text(load_theory(theory).text)


def walk_roots(variants: int = 0) -> list[tuple[str, tuple[str, ...], str]]:
    """(theory, premises, goal) of every golden root goal: proofs.jsonl records with their own
    premises, then the actions.jsonl.gz roots with the theory's premises; with `variants`,
    also that many altered goals per root (mostly false: a walk must never close them)."""
    premises = {(r["theory"], r["goal"]): tuple(r["premises"]) for r in golden_proof_records()}
    roots = [
        (theory, premises.get((theory, goal), load_theory(theory).premises), goal)
        for theory, goal in golden_root_goals()
    ]
    altered = []
    for theory, prem, goal in roots:
        rng = random.Random(f"{theory}:{goal}")
        for _ in range(variants):
            changed = altered_goal(parse_term(goal), theory, rng)
            if changed is None:
                continue
            try:
                new_proof_state(_derivation(theory), prem, changed)
            except PeanoError:
                continue  # an ill-typed variant
            altered.append((theory, prem, str(changed)))
    return roots + list(dict.fromkeys(altered))


def altered_goal(goal: Term, theory: str, rng: random.Random) -> Term | None:
    """A goal one small change away: a neighbouring subterm, a dropped input, a flipped
    equation."""
    sites = list(positions(goal))
    options: list[Term] = []
    for path, t in sites:
        options.extend(replace_at(goal, path, n) for n in neighbours(t, theory))
        if _is_eq(t):
            options.append(replace_at(goal, path, App(t.fn, (t.args[1], t.args[0]))))
        if type(t) is Arrow and len(t.inputs) > 1:
            for i in range(len(t.inputs)):
                rest = Arrow(t.inputs[:i] + t.inputs[i + 1 :], t.output)
                options.append(replace_at(goal, path, rest))
    options = [o for o in options if o != goal and not unbound_parameters(o)]
    return rng.choice(options) if options else None


def unbound_parameters(t: Term, bound: frozenset[str] = frozenset()) -> set[str]:
    """The parameters of `t` used outside the scope of a binder of theirs."""
    if type(t) is Atom:
        return {t.name} if t.is_param and t.name not in bound else set()
    if type(t) is Arrow:
        out: set[str] = set()
        for inp in t.inputs:
            if type(inp) is Decl:
                out |= unbound_parameters(inp.type, bound)
                bound = bound | {inp.name}
            else:
                out |= unbound_parameters(inp, bound)
        return out | unbound_parameters(t.output, bound)
    return set().union(*(unbound_parameters(k, bound) for k in children(t)))


@dataclass
class Walk:
    """A random walk: the states it reached, the states whose goal an action closed, and the
    backward steps it took (a state and the subgoals an action left)."""

    theory: str
    goal: str
    states: list = field(default_factory=list)
    closed: list = field(default_factory=list)
    splits: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (state, action, error) of offered actions


def random_walk(theory: str, premises, goal: str, rng: random.Random, max_steps: int = 8) -> Walk:
    """A seeded random walk of at most `max_steps` actions from `goal`.

    At each state the actions are tried in random order and the first one that leaves a state
    with actions of its own is taken (so walks do not stop at the many dead-end level-2
    states); a random one of its children is the next state. Every action tried is recorded:
    one that closes the goal, and one that splits it into subgoals.
    """
    state = new_proof_state(_derivation(theory), premises, goal)
    walk = Walk(theory, goal, [state])
    for _ in range(max_steps):
        actions = list(state.actions())
        rng.shuffle(actions)
        for action in actions:
            try:
                children = state.execute(action)
            except PeanoError as e:  # an offered action should not fail; recorded
                walk.errors.append((state, str(action), e))
                continue
            if not children and isinstance(action, (Intro, SelectConstruction, SelectGoals)):
                walk.closed.append((state, str(action)))
            elif isinstance(action, SelectGoals):
                walk.splits.append((state, str(action), action.goals))
            live = [child for child in children if child.actions()]
            if live:
                state = rng.choice(live)
                walk.states.append(state)
                break
        else:
            break
    return walk


def facts_of_walk(walk: Walk) -> list[Fact]:
    """What a walk claims: every object created in every state it reached (see
    `models.facts_of_state`), the goal of every state an action closed, and for every backward
    step, the goal under its subgoals as hypotheses."""
    facts: list[Fact] = []
    for state in walk.states:
        facts.extend(facts_of_state(state, walk.theory))
    for state, action in walk.closed:
        context = context_of_state(state, walk.theory)
        facts.append(Fact(state.goal, context, f"goal {state.goal} closed by {action}"))
    for state, action, subgoals in walk.splits:
        context = context_of_state(state, walk.theory)
        context += tuple(("hyp", None, g) for g in subgoals)
        facts.append(Fact(state.goal, context, f"goal {state.goal} split by {action}"))
    return facts
