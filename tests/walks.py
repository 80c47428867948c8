"""Seeded random walks through proof states, and what they claim.

A walk starts from a goal (a golden root goal, or an altered one that is mostly false) and takes
actions at random; every object it creates, every goal an action closes and every backward step
is a claim that the oracle of `models.py` judges (`facts_of_walk`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache

from block_edit import children, neighbours, positions, replace_at
from model_claims import Fact, context_of_state, facts_of_state
from models import SIGNATURES
from mutants import golden_proof_records, golden_root_goals
from mutation_binders import alpha_variant, merge_binders
from mutation_seeds import SEEDS

from telos.peano import (
    App,
    Arrow,
    Atom,
    Decl,
    Intro,
    PeanoError,
    SelectConstruction,
    SelectGoals,
    load_theory_text,
    new_proof_state,
    parse_file,
    parse_term,
)
from telos.peano.syntax import Declare, ProofBlock
from telos.peano.terms import Term
from telos.theories import load_theory


def _is_eq(t: Term) -> bool:
    return type(t) is App and t.fn == Atom("=") and len(t.args) == 2


@cache
def _derivation(theory: str):
    return load_theory_text(load_theory(theory).text)


def walk_roots(variants: int = 0, shadowing: int = 0) -> list[tuple[str, tuple[str, ...], str]]:
    """(theory, premises, goal) of every golden root goal: proofs.jsonl records with their own
    premises, then the actions.jsonl.gz roots with the theory's premises; with `variants`,
    also that many altered goals per root (mostly false: a walk must never close them); with
    `shadowing`, that many goals per root whose binders shadow one another (`shadowed_goal`),
    and the statements of the seeds of `mutation_seeds` that use no definition."""
    premises = {(r["theory"], r["goal"]): tuple(r["premises"]) for r in golden_proof_records()}
    roots = [
        (theory, premises.get((theory, goal), load_theory(theory).premises), goal)
        for theory, goal in golden_root_goals()
    ]
    extra = []
    for theory, prem, goal in roots:
        rng = random.Random(f"{theory}:{goal}")
        changes = [altered_goal] * variants + [shadowed_goal] * shadowing
        for change in changes:
            changed = change(parse_term(goal), theory, rng)
            if changed is not None:
                extra.append((theory, prem, changed))
    if shadowing:
        for theory, text in SEEDS.items():
            declared = {i.name for i in parse_file(text) if isinstance(i, Declare)}
            for block in parse_file(text):
                if isinstance(block, ProofBlock) and not _atoms(block.statement) & declared:
                    extra.append((theory, load_theory(theory).premises, block.statement))
    posable = []
    for theory, prem, goal in extra:
        try:
            new_proof_state(_derivation(theory), prem, goal)
        except PeanoError:
            continue  # an ill-typed variant
        posable.append((theory, tuple(prem), str(goal)))
    return roots + list(dict.fromkeys(posable))


def shadowed_goal(goal: Term, theory: str, rng: random.Random) -> Term | None:
    """The goal with binders that shadow one another: an α-variant in which one binder takes
    the name of a binder around it (the meaning may change), or the goal with a hypothesis
    `[('v : S) -> E]` inserted after its binder `'v`, E an equation about the inner `'v`."""
    if rng.random() < 0.5:
        return merge_binders(alpha_variant(goal, rng), rng)
    if type(goal) is not Arrow:
        return None
    decls = [i for i, d in enumerate(goal.inputs) if type(d) is Decl and type(d.type) is Atom]
    if not decls:
        return None
    i = rng.choice(decls)
    d = goal.inputs[i]
    v = Atom(d.name)
    other = rng.choice([v, *_constants(theory, d.type.name)])
    hypothesis = Arrow((Decl(d.name, d.type),), App(Atom("="), (v, other)))
    return Arrow(goal.inputs[: i + 1] + (hypothesis,) + goal.inputs[i + 1 :], goal.output)


def _constants(theory: str, sort: str) -> list[Term]:
    signature = SIGNATURES[theory].items()
    return [Atom(n) for n, (args, out, _t) in signature if not args and out == sort]


def _atoms(t: Term) -> set[str]:
    return {sub.name for _p, sub in positions(t) if type(sub) is Atom}


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
