"""Mutants of valid Peano proofs, for testing that the checker accepts only true facts.

Sources of valid proofs (`sources()`):

- the golden `*-valid.p` files (each holds its theory's text, then lemmas);
- the golden `proofs.jsonl` solutions, rendered as `theorem` texts by `theorem_text`;
- the seeds of `mutation_seeds.SEEDS`, one per theory: definitions with lambdas and binders
  that shadow one another, in the style of `../shared/peano/attacks/` (a quarter of the
  mutants start from them);
- and, not valid, the attack files of `../shared/peano/attacks/` about soundness (a tenth of
  the mutants are variants of them, which the checker must refuse unless they are true).

A mutant takes one proof block of a source, with the source's definitions (a `Draft`), and
applies one to three mutation operators (`OPERATORS`) to it: swapping or replacing subterms (by
terms of the same kind drawn from the source), replacing a subterm everywhere in the block,
dropping, reordering or transplanting steps, changing the arrow a step is `by`, flipping an
equation, altering the statement, changing a neighbouring atom (`z` ↔ `(s z)`, `+` ↔ `*`, `and`
↔ `or`, …), swapping the arguments of an application, changing an intro's type; and those of
`mutation_binders.py`, which introduce shadowing binders and definitions with lambdas. The
mutant text is the draft's definitions, then the earlier blocks of the source the mutated block
refers to (transitively), then the mutated block, checked with the source's theory text as
prelude. Everything is deterministic given the seed.

`check_mutant` runs the kernel on a mutant and, when it accepts, asks the oracle of
`models.py` whether the statement, every fact the proof establishes and every definition it
uses hold in the models (`model_claims.audit_text`). Random walks through proof states are in
`walks.py`.
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

import mutation_binders
from block_edit import (
    Draft,
    Slot,
    action_lists,
    all_steps,
    block_terms,
    get_actions,
    get_slot,
    neighbours,
    positions,
    render_block,
    render_decl,
    replace_all,
    replace_at,
    set_actions,
    set_slot,
    term_slots,
)
from model_claims import BlockAudit, audit_text, theory_names, theory_of_text
from models import SIGNATURES, SORTS, THEORIES
from mutation_seeds import SEEDS

from telos.peano import (
    App,
    Arrow,
    Atom,
    Decl,
    PeanoError,
    ProofTree,
    check_text,
    new_proof_state,
    parse_file,
    theorem_text,
)
from telos.peano.syntax import (
    ApplyStep,
    ConstructStep,
    Declare,
    GoalBlock,
    HaveBlock,
    IntroStep,
    ProofBlock,
    ShowStep,
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
    decls: tuple[Declare, ...] = ()  # the source's own definitions, rendered before its blocks


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


def seed_sources() -> list[Source]:
    """The seeds of `mutation_seeds.SEEDS`: valid proofs with shadowing binders and
    definitions with lambdas, in the style of the attacks."""
    out = []
    for theory, text in SEEDS.items():
        items = parse_file(text)
        blocks = tuple(i for i in items if isinstance(i, ProofBlock))
        decls = tuple(i for i in items if isinstance(i, Declare))
        out.append(Source(f"seeds:{theory}", theory, load_theory(theory).text, blocks, decls))
    return out


ATTACKS = Path(__file__).resolve().parents[2] / "shared" / "peano" / "attacks"


@cache
def attack_sources(theory: str) -> tuple[Source, ...]:
    """The attack files about soundness (`C*`, `D*`, `F*`: false statements the checker once
    accepted) of a theory, nat-add's serving nat-mul too. They are not valid proofs: their
    mutants are variants of the attacks, which the checker must refuse unless they are true."""
    if not ATTACKS.is_dir():
        return ()
    out = []
    for path in sorted(ATTACKS.glob("[CDF]*.p")):
        name = path.name
        own = "propositional-logic" if "_prop" in name else "groups" if "_groups" in name else None
        if (own or "nat-add") != theory and not (own is None and theory == "nat-mul"):
            continue
        items = parse_file(path.read_text(encoding="utf-8"))
        blocks = tuple(i for i in items if isinstance(i, ProofBlock))
        decls = tuple(i for i in items if isinstance(i, Declare))
        prelude = load_theory(theory).text
        out.append(Source(f"attacks:{name}", theory, prelude, blocks, decls))
    return tuple(out)


@cache
def sources() -> tuple[Source, ...]:
    """The valid sources: golden files, golden proofs, seeds."""
    return tuple(golden_file_sources() + rendered_proof_sources() + seed_sources())


@cache
def sources_of(theory: str) -> tuple[Source, ...]:
    return tuple(s for s in sources() if s.theory == theory)


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
    arrow_types: dict[str, Term] = field(default_factory=dict)  # arrow name -> its type
    theory_decls: list[Declare] = field(default_factory=list)  # the theory's declarations
    theory_names: frozenset[str] = frozenset()

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
    decl_terms = [t for d in source.decls for t in (d.type, d.value) if t is not None]
    for terms in [decl_terms] + [block_terms(b) for b in source.blocks]:
        for t in terms:
            for _path, sub in positions(t):
                if sub not in seen:
                    seen.add(sub)
                    kind = m.kind(sub)
                    m.terms.setdefault(kind, []).append(sub)
                    if _closed(sub, source.theory) and kind in SORTS[source.theory]:
                        m.closed.setdefault(kind, []).append(sub)
    for block in source.blocks:
        m.steps.extend(
            s for s in all_steps(block.actions) if not isinstance(s, (GoalBlock, HaveBlock))
        )
    prelude = [i for i in parse_file(source.prelude) if isinstance(i, Declare)]
    m.theory_names = theory_names(source.theory)
    m.theory_decls = [d for d in prelude if d.name in m.theory_names and d.name != "prop"]
    for name, ty in [(d.name, d.type) for d in prelude + list(source.decls)] + [
        (b.name, b.statement) for b in source.blocks
    ]:
        if type(ty) is Arrow and name != "=":
            m.arrow_types.setdefault(name, ty)
    m.arrows = sorted(set(m.arrow_types) | {"="}) + list(BUILTINS)
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


BLOCK_OPERATORS: dict[str, Operator] = {
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

DraftOperator = Callable[[random.Random, Draft, Material], "Draft | None"]


def _on_block(operator: Operator) -> DraftOperator:
    """An operator on the block of a draft (its declarations unchanged)."""

    def run(rng: random.Random, draft: Draft, mat: Material) -> Draft | None:
        block = operator(rng, draft.block, mat)
        return None if block is None else Draft(draft.decls, block)

    run.__doc__ = operator.__doc__
    return run


# Every operator works on a draft (declarations, block); those of `mutation_binders` introduce
# shadowing binders and definitions with lambdas.
OPERATORS: dict[str, DraftOperator] = {
    **{name: _on_block(op) for name, op in BLOCK_OPERATORS.items()},
    **mutation_binders.OPERATORS,
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
    **mutation_binders.WEIGHTS,
}

# How often a mutant starts from an attack file, and from the seeds of `mutation_seeds`.
ATTACK_SHARE = 0.1
SEED_SHARE = 0.25


# -- mutants ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    seed: int
    source: str  # label of the source
    theory: str
    block: str  # name of the mutated block
    operators: tuple[str, ...]
    prelude: str  # the theory text
    text: str  # declarations, earlier blocks it depends on, then the mutated block

    def full_text(self) -> str:
        return self.prelude + "\n" + self.text

    @property
    def involves(self) -> set[str]:
        """The kinds of binder trouble its text has: "shadowing", "lambda definition"."""
        return mutation_binders.involvement(self.text)


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
    pool = sources_of(theory)
    seeds = [s for s in pool if s.label.startswith("seeds:")]
    attacks = attack_sources(theory)
    draw = rng.random()
    if attacks and draw < ATTACK_SHARE:
        source = rng.choice(attacks)
    elif seeds and draw < ATTACK_SHARE + SEED_SHARE:
        source = rng.choice(seeds)
    else:
        source = rng.choice([s for s in pool if s not in seeds] or pool)
    index = rng.randrange(len(source.blocks))
    original = Draft(source.decls, source.blocks[index])
    mat = material(source)
    names = list(OPERATORS)
    weights = [WEIGHTS.get(name, 1.0) for name in names]
    for _attempt in range(20):
        count = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
        draft = original
        applied: list[str] = []
        for _ in range(count):
            name = rng.choices(names, weights)[0]
            changed = OPERATORS[name](rng, draft, mat)
            if changed is not None and changed != draft:
                draft = changed
                applied.append(name)
        if applied and render_draft(draft) != render_draft(original):
            break
    deps = _dependencies(source, index, draft.block)
    parts = [render_decl(d) for d in draft.decls] + [render_block(b) for b in deps]
    text = "\n".join(parts + [render_block(draft.block)])
    block = draft.block.name
    return Mutant(seed, source.label, theory, block, tuple(applied), source.prelude, text)


def render_draft(draft: Draft) -> str:
    return "".join(render_decl(d) + "\n" for d in draft.decls) + render_block(draft.block)


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
