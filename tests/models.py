"""A semantic oracle for the four reference theories: truth in small finite models.

The proof checker is trusted code; this module is the independent judge of what it accepts.
It never asks the kernel whether something follows (no `eval`, `type_of`, `equivalent`): it
only uses the parser's output and the term classes, and evaluates statements in finite
models of each theory:

- nat-add / nat-mul: the naturals modulo n (z = 0, s x = x + 1 mod n, `+` and `*` mod n) for
  n in 2..5, and the naturals truncated at N (domain 0..N, s x = min(x + 1, N), `+` and `*`
  saturating) for N in 1..5. Both satisfy `+_z`, `+_s`, `*_z`, `*_s`, and induction, since
  every element is reached from z by s.
- groups: the abelian groups Z_2, Z_3, Z_4, Z_5, Z_2 x Z_2, Z_2 x Z_3 (`op`, `id`, `inv`).
- propositional-logic: truth tables (`false`, `not`, `and`, `or`, `iff` on booleans).

In every theory a variable of type `prop` ranges over {False, True}, a proposition holds when it
evaluates to True and `(= a b)` is equality of values (of the same sort). A statement
`[('a : nat) -> H -> C]` holds in a model iff C holds under every assignment of its declared
variables, over the domain of their type, in which every hypothesis holds; hypotheses that are
themselves arrows (`[('n : nat) -> (P n) -> (P (s n))]`) are evaluated the same way.

Terms the models cannot give a meaning to raise `Uninterpretable`: lambdas, higher-order
binders such as `('p : [nat -> prop])`, types used as values, ill-sorted or partial
applications, names of proof objects or of anything the theory does not declare. Callers count
those as uninterpretable, never as passes.

Terms are compiled once into a Python expression (generator expressions over the domains) and
evaluated in each model, which keeps thousands of checks per second affordable.

Main entry points:

- `holds(statement, theory)` / `refutation(statement, theory)`: a closed statement in every
  model of a theory (the refutation is a readable counterexample, or None);
- `holds_in_context(fact, context_vars, hypotheses, theory, lets=())`: a fact under every
  assignment of `context_vars` (`(name, type)` pairs) satisfying `hypotheses`;
- `facts_of_block(block, theory, defined)`: what a proof block claims (its statement, every
  `show`/`construct` type, every `goal`/`have` statement) with the context it is claimed in,
  found by walking the block's actions as the checker runs them;
- `audit_text(text, results, theory, prelude)`: those claims for every block the checker
  accepted in a checked file, each judged in the models.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from telos.peano import (
    App,
    Arrow,
    Atom,
    Decl,
    parse_file,
    parse_term,
)
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

__all__ = [
    "THEORIES",
    "BlockAudit",
    "Fact",
    "Model",
    "Uninterpretable",
    "audit_text",
    "context_of_state",
    "counterexample",
    "facts_of_block",
    "facts_of_state",
    "holds",
    "holds_in_context",
    "models_of",
    "refutation",
    "theory_of_text",
]

THEORIES = ("nat-add", "nat-mul", "groups", "propositional-logic")


class Uninterpretable(Exception):
    """The models give this term no meaning (lambda, higher-order binder, ill-sorted, …)."""


# -- models ----------------------------------------------------------------------------------

# Constants of each theory: name -> (argument sorts, result sort, Python template).
_NAT_ADD = {
    "z": ((), "nat", "Z"),
    "s": (("nat",), "nat", "S[{}]"),
    "+": (("nat", "nat"), "nat", "ADD[{}][{}]"),
}
_NAT_MUL = {**_NAT_ADD, "*": (("nat", "nat"), "nat", "MUL[{}][{}]")}
_GROUPS = {
    "id": ((), "G", "E"),
    "op": (("G", "G"), "G", "OP[{}][{}]"),
    "inv": (("G",), "G", "INV[{}]"),
}
_PROP = {
    "false": ((), "prop", "False"),
    "not": (("prop",), "prop", "(not {})"),
    "and": (("prop", "prop"), "prop", "({} and {})"),
    "or": (("prop", "prop"), "prop", "({} or {})"),
    "iff": (("prop", "prop"), "prop", "({} == {})"),
}
SIGNATURES: dict[str, dict[str, tuple[tuple[str, ...], str, str]]] = {
    "nat-add": _NAT_ADD,
    "nat-mul": _NAT_MUL,
    "groups": _GROUPS,
    "propositional-logic": _PROP,
}
SORTS: dict[str, tuple[str, ...]] = {
    "nat-add": ("nat", "prop"),
    "nat-mul": ("nat", "prop"),
    "groups": ("G", "prop"),
    "propositional-logic": ("prop",),
}


@dataclass(frozen=True)
class Model:
    """A finite model: a name and the globals its compiled expressions are evaluated in."""

    name: str
    theory: str
    env: dict = field(compare=False, repr=False)

    def domain(self, sort: str) -> tuple:
        return self.env[f"D_{sort}"]


_BOOLS = (False, True)
_BUILTINS = {"all": all, "next": next}


def _nat_model(theory: str, name: str, size: int, succ, add, mul) -> Model:
    dom = tuple(range(size))
    env = {
        "__builtins__": _BUILTINS,
        "D_nat": dom,
        "D_prop": _BOOLS,
        "Z": 0,
        "S": tuple(succ(x) for x in dom),
        "ADD": tuple(tuple(add(x, y) for y in dom) for x in dom),
        "MUL": tuple(tuple(mul(x, y) for y in dom) for x in dom),
    }
    return Model(name, theory, env)


def _nat_models(theory: str) -> tuple[Model, ...]:
    out = []
    for n in (2, 3, 4, 5):
        out.append(
            _nat_model(
                theory,
                f"Z/{n}",
                n,
                lambda x, n=n: (x + 1) % n,
                lambda x, y, n=n: (x + y) % n,
                lambda x, y, n=n: (x * y) % n,
            )
        )
    for cap in (1, 2, 3, 4, 5):
        out.append(
            _nat_model(
                theory,
                f"min(.,{cap})",
                cap + 1,
                lambda x, c=cap: min(x + 1, c),
                lambda x, y, c=cap: min(x + y, c),
                lambda x, y, c=cap: min(x * y, c),
            )
        )
    return tuple(out)


def _group_model(factors: tuple[int, ...]) -> Model:
    elements = list(itertools.product(*(range(k) for k in factors)))
    index = {e: i for i, e in enumerate(elements)}

    def op(a, b):
        return tuple((x + y) % k for x, y, k in zip(a, b, factors))

    def inv(a):
        return tuple((-x) % k for x, k in zip(a, factors))

    env = {
        "__builtins__": _BUILTINS,
        "D_G": tuple(range(len(elements))),
        "D_prop": _BOOLS,
        "E": index[tuple(0 for _ in factors)],
        "OP": tuple(tuple(index[op(a, b)] for b in elements) for a in elements),
        "INV": tuple(index[inv(a)] for a in elements),
    }
    return Model("x".join(f"Z{k}" for k in factors), "groups", env)


@cache
def models_of(theory: str) -> tuple[Model, ...]:
    """The finite models of a theory (every one satisfies all of its axioms)."""
    if theory in ("nat-add", "nat-mul"):
        return _nat_models(theory)
    if theory == "groups":
        return tuple(_group_model(f) for f in ((2,), (3,), (4,), (5,), (2, 2), (2, 3)))
    if theory == "propositional-logic":
        return (Model("bool", theory, {"__builtins__": _BUILTINS, "D_prop": _BOOLS}),)
    raise ValueError(f"no models for theory {theory!r}")


# -- compiling terms -------------------------------------------------------------------------

# An environment maps a name to (python expression, sort), or to (None, reason) for a name
# the models cannot evaluate (a proof object, a higher-order variable, a broken let).
_Env = dict[str, tuple[str | None, str]]


class _Compiler:
    def __init__(self, theory: str):
        if theory not in SIGNATURES:
            raise ValueError(f"unknown theory {theory!r}")
        self.sig = SIGNATURES[theory]
        self.sorts = SORTS[theory]
        self.fresh = itertools.count()

    def var(self) -> str:
        return f"v{next(self.fresh)}"

    def sort_of_type(self, t: Term) -> str | None:
        """The sort a binder's type ranges over, None if it is a proposition (a hypothesis).

        Raises for types the models cannot quantify over (`type`, `[nat -> prop]`, `'t`).
        """
        if type(t) is Atom:
            if t.name in self.sorts:
                return t.name
            if t.name == "type":
                raise Uninterpretable("quantification over types")
            return None  # a proposition variable, or something compile() will judge
        if type(t) is Arrow and _is_type_arrow(t, self.sorts):
            raise Uninterpretable(f"higher-order binder of type {t}")
        return None

    def term(self, t: Term, env: _Env) -> tuple[str, str]:
        k = type(t)
        if k is Atom:
            name = t.name
            if name in env:
                src, sort = env[name]
                if src is None:
                    raise Uninterpretable(f"{name} ({sort}) used as a term")
                return src, sort
            spec = self.sig.get(name)
            if spec is not None:
                if spec[0]:
                    raise Uninterpretable(f"function {name} used as a value")
                return spec[2], spec[1]
            if name in self.sorts or name in ("type", "prop"):
                raise Uninterpretable(f"type {name} used as a term")
            raise Uninterpretable(f"unknown name {name}")
        if k is App:
            fn, args = t.fn, list(t.args)
            while type(fn) is App:  # ((f a) b) means (f a b)
                args = list(fn.args) + args
                fn = fn.fn
            if type(fn) is not Atom:
                raise Uninterpretable(f"application of a non-constant in {t}")
            if fn.name == "=" and "=" not in env and len(args) == 2 and args[0] == args[1]:
                try:
                    self.term(args[0], env)
                except Uninterpretable:
                    # `(= a a)` holds whatever `a` denotes, even where the models cannot say
                    # what that is (an eq_refl of a higher-order statement).
                    return "True", "prop"
            compiled = [self.term(a, env) for a in args]
            if fn.name == "=" and "=" not in env:
                if len(compiled) != 2:
                    raise Uninterpretable(f"= with {len(compiled)} arguments")
                (a, sa), (b, sb) = compiled
                if sa != sb:
                    raise Uninterpretable(f"= between sorts {sa} and {sb} in {t}")
                return f"({a} == {b})", "prop"
            if fn.name in env:
                raise Uninterpretable(f"application of the variable {fn.name}")
            spec = self.sig.get(fn.name)
            if spec is None:
                raise Uninterpretable(f"unknown function {fn.name}")
            arg_sorts, result, template = spec
            if len(arg_sorts) != len(compiled):
                raise Uninterpretable(f"{fn.name} applied to {len(compiled)} arguments")
            for (_src, sort), want in zip(compiled, arg_sorts):
                if sort != want:
                    raise Uninterpretable(f"ill-sorted argument of {fn.name} in {t}")
            return template.format(*(src for src, _ in compiled)), result
        if k is Arrow:
            return self.arrow(list(t.inputs), t.output, env), "prop"
        raise Uninterpretable(f"{type(t).__name__.lower()} {t}")

    def prop(self, t: Term, env: _Env) -> str:
        src, sort = self.term(t, env)
        if sort != "prop":
            raise Uninterpretable(f"{t} is a {sort}, not a proposition")
        return src

    def arrow(self, inputs: list[Term], output: Term, env: _Env) -> str:
        if not inputs:
            return self.prop(output, env)
        first, rest = inputs[0], inputs[1:]
        name, ty = (first.name, first.type) if type(first) is Decl else (None, first)
        sort = self.sort_of_type(ty)
        inner = dict(env)
        if sort is not None:
            v = self.var()
            if name is not None:
                inner[name] = (v, sort)
            return f"all({self.arrow(rest, output, inner)} for {v} in D_{sort})"
        hyp = self.prop(ty, env)
        if name is not None:
            inner[name] = (None, "proof")
        return f"((not {hyp}) or {self.arrow(rest, output, inner)})"


def _is_type_arrow(t: Term, sorts: Sequence[str]) -> bool:
    """`[nat -> prop]`, `[G -> G]`: an arrow whose final output is a sort (a function type)."""
    while type(t) is Arrow:
        t = t.output
    return type(t) is Atom and (t.name in sorts or t.name in ("type", "prop"))


# -- contexts and facts ----------------------------------------------------------------------

# A context entry: ("var", name, type) | ("hyp", name or None, proposition)
#                | ("let", name, type, value) | ("opaque", name, reason)
Entry = tuple


@lru_cache(maxsize=200_000)
def _compile_query(theory: str, fact: Term, context: tuple[Entry, ...]):
    """Compile "a counterexample to `fact` under `context`" into (code, variable names)."""
    c = _Compiler(theory)
    env: _Env = {}
    clauses: list[str] = []
    shown: list[tuple[str, str]] = []
    for entry in context:
        kind = entry[0]
        if kind == "var":
            _, name, ty = entry
            try:
                sort = c.sort_of_type(ty)
            except Uninterpretable as e:
                env[name] = (None, str(e))
                continue
            if sort is None:
                raise Uninterpretable(f"variable {name} of type {ty}")
            v = c.var()
            env[name] = (v, sort)
            clauses.append(f"for {v} in D_{sort}")
            shown.append((name, v))
        elif kind == "let":
            _, name, _ty, value = entry
            try:
                src, sort = c.term(value, env)
            except Uninterpretable as e:
                env[name] = (None, str(e))
                continue
            v = c.var()
            env[name] = (v, sort)
            clauses.append(f"for {v} in ({src},)")
        elif kind == "hyp":
            _, name, prop = entry
            clauses.append(f"if {c.prop(prop, env)}")
            if name is not None:
                env[name] = (None, "proof")
        elif kind == "opaque":
            env[entry[1]] = (None, entry[2])
        else:  # pragma: no cover - programming error
            raise ValueError(f"bad context entry {entry!r}")
    goal = c.prop(fact, env)
    names = tuple(n for n, _ in shown)
    tup = "(" + "".join(f"{v}, " for _, v in shown) + ")"
    loops = " ".join(["for _ in (0,)", *clauses])  # a comprehension needs a `for`
    src = f"next(({tup} {loops} if not {goal}), None)"
    return compile(src, "<oracle>", "eval"), names


def counterexample(fact: Term, context: Iterable[Entry], theory: str) -> str | None:
    """A readable counterexample to `fact` under `context` in some model, or None if it holds.

    A fact that is an arrow `[('a : nat) -> H -> C]` is judged as C under the context extended
    by `a : nat` and `H` (the same meaning), so that its counterexample names `'a`.
    Raises Uninterpretable if the fact or a hypothesis has no meaning in the models.
    """
    context = tuple(context)
    binders, conclusion = _peel(fact)
    if binders:
        c = _Compiler(theory)
        extra: list[Entry] = []
        for i, (_, name, ty) in enumerate(binders):
            if c.sort_of_type(ty) is not None:  # raises for higher-order binders
                extra.append(("var", name if name is not None else f"_{i}", ty))
            else:
                extra.append(("hyp", name, ty))
        context, fact = context + tuple(extra), conclusion
    code, names = _compile_query(theory, fact, context)
    for model in models_of(theory):
        found = eval(code, model.env)  # noqa: S307 - our own compiled expression
        if found is not None:
            assignment = ", ".join(f"{n}={v}" for n, v in zip(names, found))
            return f"in {model.name}" + (f" with {assignment}" if assignment else "")
    return None


def _peel(statement: Term) -> tuple[tuple[Entry, ...], Term]:
    """`[('a : nat) -> H -> C]` as the binders (a : nat), (H) and the conclusion C."""
    entries: list[Entry] = []
    t = statement
    while type(t) is Arrow:
        for inp in t.inputs:
            if type(inp) is Decl:
                entries.append(("binder", inp.name, inp.type))
            else:
                entries.append(("binder", None, inp))
        t = t.output
    return tuple(entries), t


def refutation(statement: Term | str, theory: str) -> str | None:
    """A counterexample to a closed statement in some model of `theory`, or None."""
    if isinstance(statement, str):
        statement = parse_term(statement)
    return counterexample(statement, (), theory)


def holds(statement: Term | str, theory: str) -> bool:
    """Whether a closed statement holds in every model of `theory` (raises Uninterpretable)."""
    return refutation(statement, theory) is None


def holds_in_context(
    fact: Term,
    context_vars: Sequence[tuple[str, Term]],
    hypotheses: Sequence[Term],
    theory: str,
    lets: Sequence[tuple[str, Term, Term]] = (),
) -> bool:
    """Whether `fact` holds under every assignment of `context_vars` (name, type) in which
    every hypothesis holds, `lets` (name, type, value) being defined as their values."""
    context = (
        [("var", n, t) for n, t in context_vars]
        + [("let", n, t, v) for n, t, v in lets]
        + [("hyp", None, h) for h in hypotheses]
    )
    return counterexample(fact, context, theory) is None


# -- what a proof block claims -----------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """A claim of a proof: `term` holds under `context` (entries, in order of introduction)."""

    term: Term
    context: tuple[Entry, ...]
    origin: str  # e.g. "statement", "show (= a b) by rewrite"


class _Scope:
    """The names the checker has defined so far (for `fresh`) and its numeric id counter."""

    def __init__(self, names: set[str], counter: int = 0):
        self.names = names
        self.counter = counter

    def copy(self) -> _Scope:
        return _Scope(set(self.names), self.counter)

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


def _rename(t: Term, param: str, new: Term) -> Term:
    """`t` with the free occurrences of `param` replaced by `new` (scope-respecting)."""
    k = type(t)
    if k is Atom:
        return new if t.name == param else t
    if k is App:
        return App(_rename(t.fn, param, new), tuple(_rename(a, param, new) for a in t.args))
    if k is Arrow:
        inputs = []
        bound = False
        for inp in t.inputs:
            if bound:
                inputs.append(inp)
            elif type(inp) is Decl:
                inputs.append(Decl(inp.name, _rename(inp.type, param, new)))
                bound = inp.name == param
            else:
                inputs.append(_rename(inp, param, new))
        output = t.output if bound else _rename(t.output, param, new)
        return Arrow(tuple(inputs), output)
    return t  # lambdas never reach here in accepted goals; they stay uninterpretable


_ALL_SORTS = tuple(sorted({sort for sorts in SORTS.values() for sort in sorts}))


def _classify(name: str, ty: Term, theory: str | None) -> Entry:
    """An introduced object: a variable if its type is a type, else a hypothesis."""
    sorts = SORTS[theory] if theory is not None else _ALL_SORTS
    if type(ty) is Atom and ty.name in sorts:
        return ("var", name, ty)
    if (type(ty) is Atom and ty.name == "type") or (
        type(ty) is Arrow and _is_type_arrow(ty, sorts)
    ):
        return ("opaque", name, f"higher-order variable of type {ty}")
    return ("hyp", name, ty)


def facts_of_block(
    block: ProofBlock | VerifyBlock, theory: str | None = None, defined: Iterable[str] = ()
) -> list[Fact]:
    """Every fact a proof block establishes, with the context it is established in.

    Walks the actions as the checker runs them: `intro N : T` introduces the goal's first
    input (a variable if its type is a type, a hypothesis otherwise) under N or a fresh
    variant of N and substitutes it for the bound parameter in the rest of the goal; `show T`,
    a `construct` of a proposition and `goal G { … }` / `have G { … }` (recursively) are facts
    of the current context; a `construct` of an object is a let; `halt.` stops the walk.
    `theory` tells variables from hypotheses (by default, any sort of the four theories
    counts); `defined` are the names of the block's context (for the fresh-name rule).
    """
    scope = _Scope(set(defined) | {"prop"})
    facts: list[Fact] = []
    if isinstance(block, VerifyBlock):
        _walk_verify(block, theory, scope, facts)
        return facts
    facts.append(Fact(block.statement, (), "statement"))
    scope.fresh("goal")
    _walk(block.actions, block.statement, (), theory, scope, facts)
    return facts


def _walk(
    actions: Sequence, goal: Term | None, context: tuple[Entry, ...], theory: str,
    scope: _Scope, facts: list[Fact],
) -> tuple[Entry, ...]:  # fmt: skip
    for step in actions:
        if isinstance(step, IntroStep):
            goal = _unfold(goal, context)
            if type(goal) is not Arrow:
                raise Uninterpretable(f"the walk lost track of the goal at intro {step.name}")
            first = goal.inputs[0]
            input_type = first.type if type(first) is Decl else first
            name = scope.fresh(step.name)
            context = context + (_classify(name, input_type, theory),)
            if len(goal.inputs) == 1:
                rest = goal.output
            else:
                rest = Arrow(goal.inputs[1:], goal.output)
            if type(first) is Decl:
                rest = _rename(rest, first.name, Atom(name))
            if len(goal.inputs) == 1:
                scope.fresh("goal")
            goal = rest
        elif isinstance(step, ShowStep):
            facts.append(Fact(step.type, context, f"show {step.type} by {step.by}"))
            scope.names.add(f"_{scope.next_id()}")
        elif isinstance(step, ConstructStep):
            name = f"{step.name}{scope.next_id()}"
            scope.names.add(name)
            entry = _classify(name, step.type, theory)
            if entry[0] == "var":
                context = context + (("let", name, step.type, step.value),)
            elif entry[0] == "opaque":
                context = context + (entry,)
            else:
                facts.append(Fact(step.type, context, f"construct {step.name} by {step.by}"))
                context = context + (("opaque", name, "proof"),)
        elif isinstance(step, (GoalBlock, HaveBlock)):
            what = "goal" if isinstance(step, GoalBlock) else "have"
            facts.append(Fact(step.term, context, f"{what} {step.term}"))
            inner = scope.copy()
            inner.fresh("goal")
            _walk(step.actions, step.term, context, theory, inner, facts)
            if isinstance(step, HaveBlock):
                scope.names.add(f"_{scope.next_id()}")
        elif isinstance(step, ApplyStep):
            goal = None  # only goal blocks, which carry their own goals, may follow
        elif isinstance(step, HaltStep):
            break
        elif isinstance(step, CurrentGoalStep):
            pass
        # `using` is ignored
    return context


def _unfold(goal: Term | None, context: tuple[Entry, ...]) -> Term | None:
    """A goal that is the name of a constructed object stands for its value."""
    lets = {e[1]: e[3] for e in context if e[0] == "let"}
    seen = 0
    while type(goal) is Atom and goal.name in lets and seen < 100:
        goal = lets[goal.name]
        seen += 1
    return goal


def _walk_verify(block: VerifyBlock, theory: str, scope: _Scope, facts: list[Fact]) -> None:
    context: tuple[Entry, ...] = ()
    for item in block.items:
        if isinstance(item, Declare):
            scope.names.add(item.name)
            if item.value is not None:
                entry = _classify(item.name, item.type, theory)
                if entry[0] == "var":
                    context += (("let", item.name, item.type, item.value),)
                else:
                    context += (("opaque", item.name, "valued proof"),)
            else:
                context += (_classify(item.name, item.type, theory),)
        elif isinstance(item, Assume):
            context += (("hyp", None, item.type),)
        else:
            context = _walk((item,), None, context, theory, scope, facts)


# -- auditing a checked file -------------------------------------------------------------------


@dataclass
class BlockAudit:
    """The oracle's judgement of one accepted block."""

    name: str
    verdict: str  # "true", "false" or "uninterpretable"
    false_facts: list[tuple[Fact, str]] = field(default_factory=list)  # (fact, counterexample)
    uninterpretable: list[tuple[Fact, str]] = field(default_factory=list)  # (fact, reason)
    checked: int = 0  # facts judged true


def judge_facts(facts: Iterable[Fact], theory: str, name: str = "") -> BlockAudit:
    audit = BlockAudit(name, "true")
    for fact in facts:
        try:
            cex = counterexample(fact.term, fact.context, theory)
        except Uninterpretable as e:
            audit.uninterpretable.append((fact, str(e)))
            continue
        if cex is None:
            audit.checked += 1
        else:
            audit.false_facts.append((fact, cex))
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


def audit_text(text: str, results: Sequence, theory: str, prelude: str = "") -> list[BlockAudit]:
    """Judge every block the checker accepted in `prelude + text` (`results` from check_text).

    For each accepted block: its statement must hold in every model, and every fact it
    establishes must hold in its context.
    """
    items = (parse_file(prelude) if prelude else []) + parse_file(text)
    blocks = [i for i in items if isinstance(i, (ProofBlock, VerifyBlock))]
    if len(blocks) != len(results):
        raise ValueError(f"{len(blocks)} blocks but {len(results)} results")
    all_declared = [i.name for i in items if isinstance(i, Declare)]
    all_passed = [b.name for b, r in zip(blocks, results) if r.ok and isinstance(b, ProofBlock)]
    declared: list[str] = []
    passed: list[str] = []
    audits = []
    outcome = iter(results)
    for item in items:
        if isinstance(item, Declare):
            declared.append(item.name)
            continue
        if not isinstance(item, (ProofBlock, VerifyBlock)):
            continue
        result = next(outcome)
        if not result.ok:
            continue
        if isinstance(item, ProofBlock):
            defined = declared + passed  # what precedes the block (S1: passing statements)
        else:
            defined = all_declared + all_passed  # a verify block sees the whole file
        audits.append(judge_facts(facts_of_block(item, theory, defined), theory, item.name))
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
