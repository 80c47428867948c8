"""What a checked Peano file claims, for the oracle of `models.py` to judge.

A proof block the checker accepts claims its statement and every fact its proof establishes
(`facts_of_block`); a definition `name : T = v.` claims that `v` has type `T` (for an object:
its sort, `typing_error`; for a proof: that the proposition `T` holds); a search's proof state
claims every object it created (`facts_of_state`). `audit_text` gathers these claims for every
block a checked file accepted and judges each in the finite models.

The file's own declarations enter every claim's context as the checker sees them (SPEC §3.7 S7:
a proof block sees only the declarations before it, and the first declaration of a name is the
one that counts): a defined object is a `let` (its name stands for its value, reduced by the
reference normaliser), a declared object is a variable over its sort, a declared proposition is
a hypothesis (an axiom of the file), a defined proof is opaque and its statement is a claim of
every block that mentions it. Names of the theory are the models' own, whatever the file
redeclares.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from models import (
    SORTS,
    Entry,
    Uninterpretable,
    counterexample,
    type_sort,
    typing_error,
)
from reference_beta import NormalisationLimit, Normaliser, subst_avoiding

from telos.peano import App, Arrow, Atom, Decl, Lambda, parse_file
from telos.peano.syntax import (
    ApplyStep,
    Assume,
    ConstructStep,
    CurrentGoalStep,
    Declare,
    GoalBlock,
    HaltStep,
    HaveBlock,
    IntroStep,
    ProofBlock,
    ShowStep,
    VerifyBlock,
)
from telos.peano.terms import Term
from telos.theories import load_theory

__all__ = [
    "BlockAudit",
    "Fact",
    "audit_text",
    "context_of_state",
    "facts_of_block",
    "facts_of_state",
    "judge_facts",
    "theory_of_text",
]


@dataclass(frozen=True)
class Fact:
    """A claim: `term` holds under `context` (entries in order of introduction) or, when
    `of_type` is set, the value `term` has the sort of the type `of_type`."""

    term: Term
    context: tuple[Entry, ...]
    origin: str  # e.g. "statement", "show (= a b) by rewrite", "definition two"
    of_type: Term | None = None


class _Names:
    """The names the checker has defined so far (for `fresh`) and its numeric id counter."""

    def __init__(self, names: set[str], counter: int = 0):
        self.names = names
        self.counter = counter

    def copy(self) -> _Names:
        return _Names(set(self.names), self.counter)

    def fresh(self, prefix: str) -> str:
        if prefix not in self.names and prefix != "type":
            name = prefix
        else:
            i = 0
            while f"{prefix}{i}" in self.names:
                i += 1
            name = f"{prefix}{i}"
        self.names.add(name)
        return name

    def next_id(self) -> int:
        self.counter += 1
        return self.counter


_ALL_SORTS = tuple(sorted({sort for sorts in SORTS.values() for sort in sorts}))


def _sorts(theory: str | None) -> tuple[str, ...]:
    return SORTS[theory] if theory is not None else _ALL_SORTS


def _is_object_type(ty: Term, theory: str | None) -> bool:
    """Whether `ty` is the type of an object (a sort, a function sort, `type`), not a
    proposition (the type of a proof)."""
    try:
        return type_sort(ty, _sorts(theory)) is not None
    except Uninterpretable:
        return True  # `type`, or a function type the models cannot read: still an object


def _classify(name: str, ty: Term, theory: str | None) -> Entry:
    """An introduced or declared object: a variable if its type is a sort, opaque if it is
    another type (a function type, `type`), else a hypothesis."""
    if type(ty) is Atom and ty.name in _sorts(theory):
        return ("var", name, ty)
    if _is_object_type(ty, theory):
        return ("opaque", name, f"higher-order variable of type {ty}")
    return ("hyp", name, ty)


def _definition(
    name: str, ty: Term, value: Term, context: tuple[Entry, ...], theory: str | None, what: str
) -> tuple[Entry, Fact]:
    """The context entry of a definition and what it claims."""
    if _is_object_type(ty, theory):
        return ("let", name, ty, value), Fact(value, context, f"{what} {name}", of_type=ty)
    return ("opaque", name, "defined proof"), Fact(ty, context, f"{what} {name} : {ty}")


def _defs_of(context: Sequence[Entry]) -> dict[str, Term]:
    defs: dict[str, Term] = {}
    for entry in context:
        if entry[1] is not None:
            defs.pop(entry[1], None)
        if entry[0] == "let":
            defs[entry[1]] = entry[3]
    return defs


def _unfold(goal: Term | None, context: Sequence[Entry]) -> Term | None:
    """The goal an intro sees: the checker evaluates a goal that is not an arrow (a defined
    name, an applied lambda), so the walker δβ-reduces it with the reference normaliser."""
    if goal is None or type(goal) is Arrow:
        return goal
    defs = {}
    for name, value in _defs_of(context).items():  # later lets may use earlier ones
        defs[name] = Normaliser(defs).normal(value)
    try:
        return Normaliser(defs).normal(goal)
    except (NormalisationLimit, RecursionError) as e:
        raise Uninterpretable(f"the walker cannot reduce the goal {goal}: {e}") from None


def facts_of_block(
    block: ProofBlock | VerifyBlock,
    theory: str | None = None,
    defined: Iterable[str] = (),
    context: tuple[Entry, ...] = (),
) -> list[Fact]:
    """Every fact a proof block establishes, with the context it is established in.

    Walks the actions as the checker runs them: `intro N : T` introduces the goal's first
    input (a variable if its type is a sort, a hypothesis otherwise) under N or a fresh
    variant of N and substitutes it, without capture, for the bound parameter in the rest of
    the goal; `show T`, a `construct` of a proposition and `goal G { … }` / `have G { … }`
    (recursively) are facts of the current context; a `construct` of an object is a let;
    `halt.` stops the walk. `theory` tells variables from hypotheses (by default, any sort of
    the four theories counts); `defined` are the names of the block's context (for the
    fresh-name rule); `context` is what the file declares before the block (see `audit_text`).
    """
    names = _Names(set(defined) | {"prop"})
    facts: list[Fact] = []
    if isinstance(block, VerifyBlock):
        _walk_verify(block, theory, names, facts, context)
        return facts
    facts.append(Fact(block.statement, context, "statement"))
    names.fresh("goal")
    _walk(block.actions, block.statement, context, theory, names, facts)
    return facts


def _walk(
    actions: Sequence, goal: Term | None, context: tuple[Entry, ...], theory: str | None,
    names: _Names, facts: list[Fact],
) -> tuple[Entry, ...]:  # fmt: skip
    for step in actions:
        if isinstance(step, IntroStep):
            goal = _unfold(goal, context)
            if type(goal) is not Arrow:
                raise Uninterpretable(f"the walk lost track of the goal at intro {step.name}")
            first = goal.inputs[0]
            input_type = first.type if type(first) is Decl else first
            name = names.fresh(step.name)
            context = context + (_classify(name, input_type, theory),)
            rest = goal.output if len(goal.inputs) == 1 else Arrow(goal.inputs[1:], goal.output)
            if type(first) is Decl:
                rest = subst_avoiding(rest, {first.name: Atom(name)})
            if len(goal.inputs) == 1:
                names.fresh("goal")
            goal = rest
        elif isinstance(step, ShowStep):
            facts.append(Fact(step.type, context, f"show {step.type} by {step.by}"))
            names.names.add(f"_{names.next_id()}")
        elif isinstance(step, ConstructStep):
            name = f"{step.name}{names.next_id()}"
            names.names.add(name)
            if _is_object_type(step.type, theory):
                entry, claim = _definition(
                    name, step.type, step.value, context, theory, f"construct by {step.by}"
                )
                facts.append(claim)
                context = context + (entry,)
            else:
                facts.append(Fact(step.type, context, f"construct {step.name} by {step.by}"))
                context = context + (("opaque", name, "proof"),)
        elif isinstance(step, (GoalBlock, HaveBlock)):
            what = "goal" if isinstance(step, GoalBlock) else "have"
            facts.append(Fact(step.term, context, f"{what} {step.term}"))
            inner = names.copy()
            inner.fresh("goal")
            _walk(step.actions, step.term, context, theory, inner, facts)
            if isinstance(step, HaveBlock):
                names.names.add(f"_{names.next_id()}")
        elif isinstance(step, ApplyStep):
            goal = None  # only goal blocks, which carry their own goals, may follow
        elif isinstance(step, HaltStep):
            break
        elif isinstance(step, CurrentGoalStep):
            pass
        # `using` is ignored
    return context


def _walk_verify(
    block: VerifyBlock, theory: str | None, names: _Names, facts: list[Fact],
    context: tuple[Entry, ...],
) -> None:  # fmt: skip
    for item in block.items:
        if isinstance(item, Declare):
            names.names.add(item.name)
            if item.value is not None:
                entry, claim = _definition(item.name, item.type, item.value, context, theory, "let")
                facts.append(claim)
                context += (entry,)
            else:
                context += (_classify(item.name, item.type, theory),)
        elif isinstance(item, Assume):
            context += (("hyp", None, item.type),)
        else:
            context = _walk((item,), None, context, theory, names, facts)


# -- auditing a checked file -------------------------------------------------------------------


@dataclass
class BlockAudit:
    """The oracle's judgement of one accepted block."""

    name: str
    verdict: str  # "true", "false" or "uninterpretable"
    false_facts: list[tuple[Fact, str]] = field(default_factory=list)  # (fact, counterexample)
    uninterpretable: list[tuple[Fact, str]] = field(default_factory=list)  # (fact, reason)
    checked: int = 0  # facts judged true


def judge_fact(fact: Fact, theory: str) -> str | None:
    """What is wrong with a fact (a counterexample, a wrong sort), None if it holds."""
    if fact.of_type is not None:
        return typing_error(fact.term, fact.of_type, fact.context, theory)
    return counterexample(fact.term, fact.context, theory)


def judge_facts(facts: Iterable[Fact], theory: str, name: str = "") -> BlockAudit:
    audit = BlockAudit(name, "true")
    for fact in facts:
        try:
            wrong = judge_fact(fact, theory)
        except Uninterpretable as e:
            audit.uninterpretable.append((fact, str(e)))
            continue
        if wrong is None:
            audit.checked += 1
        else:
            audit.false_facts.append((fact, wrong))
    if audit.false_facts:
        audit.verdict = "false"
    elif audit.uninterpretable:
        audit.verdict = "uninterpretable"
    return audit


def theory_of_text(text: str) -> str:
    """The reference theory a self-contained file is written in (by its declarations)."""
    names = {i.name for i in parse_file(text) if isinstance(i, Declare)}
    if "*" in names:
        return "nat-mul"
    if "nat" in names:
        return "nat-add"
    if "G" in names:
        return "groups"
    return "propositional-logic"


@cache
def theory_names(theory: str) -> frozenset[str]:
    """The names a theory declares: the models give them their meaning."""
    items = parse_file(load_theory(theory).text)
    return frozenset(i.name for i in items if isinstance(i, Declare)) | {"type", "prop"}


def mentioned(block: ProofBlock | VerifyBlock) -> set[str]:
    """Every name a block's text mentions: in its terms, and after `by` and `apply`."""
    out: set[str] = set()
    terms: list[Term] = []

    def steps(actions):
        for a in actions:
            if isinstance(a, (ShowStep, ConstructStep)):
                out.add(a.by)
            if isinstance(a, ApplyStep):
                out.add(a.name)
            for attr in ("type", "value", "term"):
                t = getattr(a, attr, None)
                if isinstance(t, Term):
                    terms.append(t)
            if isinstance(a, (GoalBlock, HaveBlock)):
                steps(a.actions)

    if isinstance(block, ProofBlock):
        terms.append(block.statement)
        steps(block.actions)
    else:
        steps(block.items)
    for t in terms:
        out |= _atoms(t)
    return out


def _atoms(t: Term) -> set[str]:
    k = type(t)
    if k is Atom:
        return {t.name}
    if k is Decl:
        return _atoms(t.type)
    if k is App:
        kids = [t.fn, *t.args]
    elif k is Arrow:
        kids = [*t.inputs, t.output]
    elif k is Lambda:
        kids = [*t.params, t.body]
    else:
        raise TypeError(f"unexpected term {t!r}")
    out: set[str] = set()
    for kid in kids:
        out |= _atoms(kid)
    return out


class _Declarations:
    """The file's declarations so far, as context entries, with the claims of definitions."""

    def __init__(self, theory: str):
        self.theory = theory
        self.entries: tuple[Entry, ...] = ()
        self.claims: dict[str, tuple[Fact, set[str]]] = {}  # name -> (claim, names it uses)
        self.seen: set[str] = set(theory_names(theory))

    def add(self, item: Declare) -> None:
        if item.name in self.seen:
            return  # S7: a redeclaration replaces nothing; the theory's names are the models'
        self.seen.add(item.name)
        if item.value is None:
            self.entries += (_classify(item.name, item.type, self.theory),)
            return
        entry, claim = _definition(
            item.name, item.type, item.value, self.entries, self.theory, "definition"
        )
        self.claims[item.name] = (claim, _atoms(item.type) | _atoms(item.value))
        self.entries += (entry,)

    def claims_for(self, names: set[str]) -> list[Fact]:
        """The claims of the definitions among `names`, and of those their definitions use."""
        todo, done = [n for n in names if n in self.claims], set()
        while todo:
            n = todo.pop()
            if n in done:
                continue
            done.add(n)
            todo.extend(m for m in self.claims[n][1] if m in self.claims and m not in done)
        return [self.claims[n][0] for n in self.claims if n in done]


def audit_text(text: str, results: Sequence, theory: str, prelude: str = "") -> list[BlockAudit]:
    """Judge every block the checker accepted in `prelude + text` (`results` from check_text).

    For each accepted block: its statement must hold in every model, every fact it
    establishes must hold in its context, and every definition it uses must be of its type.
    """
    items = (parse_file(prelude) if prelude else []) + parse_file(text)
    blocks = [i for i in items if isinstance(i, (ProofBlock, VerifyBlock))]
    if len(blocks) != len(results):
        raise ValueError(f"{len(blocks)} blocks but {len(results)} results")
    whole = _Declarations(theory)
    for item in items:
        if isinstance(item, Declare):
            whole.add(item)
    all_declared = [i.name for i in items if isinstance(i, Declare)]
    all_passed = [b.name for b, r in zip(blocks, results) if r.ok and isinstance(b, ProofBlock)]
    before = _Declarations(theory)
    declared: list[str] = []
    passed: list[str] = []
    audits = []
    outcome = iter(results)
    for item in items:
        if isinstance(item, Declare):
            declared.append(item.name)
            before.add(item)
            continue
        if not isinstance(item, (ProofBlock, VerifyBlock)):
            continue
        result = next(outcome)
        if not result.ok:
            continue
        if isinstance(item, ProofBlock):
            defined = declared + passed  # what precedes the block (S1: passing statements)
            scope = before
        else:
            defined = all_declared + all_passed  # a verify block sees the whole file
            scope = whole
        facts = scope.claims_for(mentioned(item))
        facts += facts_of_block(item, theory, defined, scope.entries)
        audits.append(judge_facts(facts, theory, item.name))
        if isinstance(item, ProofBlock):
            passed.append(item.name)
    return audits


# -- what a proof state has established ---------------------------------------------------------


def facts_of_state(state, theory: str) -> list[Fact]:
    """The objects a search has created in a proof state, as facts of their contexts.

    Walks the derivation's definitions in insertion order, keeping the objects the search made
    (names starting with `x` or `p`, without `@`): an intro'd `x…` that is a proof is a
    hypothesis, one that is not is a variable over its type (a `prop` over the booleans); a
    constructed `p…` that is a proof is a fact of the context before it, one that is not is a
    let. Hypotheses are returned as facts too, of the context that includes them (trivially
    true, but they must be interpretable for the facts after them to be judged).
    """
    facts: list[Fact] = []
    _state_context(state, theory, facts)
    return facts


def context_of_state(state, theory: str) -> tuple[Entry, ...]:
    """The variables, hypotheses and lets of a proof state (see `facts_of_state`)."""
    return _state_context(state, theory, [])


def _state_context(state, theory: str, facts: list[Fact]) -> tuple[Entry, ...]:
    context: list[Entry] = []
    for name, d in state.derivation.defs.items():
        if name[0] not in "xp" or "@" in name or name == "prop":
            continue
        if d.is_proof:
            if name[0] == "x":
                context.append(("hyp", name, d.type))
                facts.append(Fact(d.type, tuple(context), f"intro {name} : {d.type}"))
            else:
                facts.append(Fact(d.type, tuple(context), f"construct {name} : {d.type}"))
                context.append(("opaque", name, "proof"))
        elif d.value is not None:
            context.append(("let", name, d.type, d.value))
        else:
            context.append(_classify(name, d.type, theory))
    return tuple(context)
