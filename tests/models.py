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
evaluates to True and `(= a b)` is equality of values (of the same sort; functions are equal
when they agree everywhere). A statement `[('a : nat) -> H -> C]` holds in a model iff C holds
under every assignment of its declared variables, over the domain of their type, in which every
hypothesis holds; hypotheses that are themselves arrows are evaluated the same way.

Definitions and lambdas have their meaning by reduction: a defined name stands for its value
and a lambda applied to arguments is β-reduced, both by the reference normaliser of
`reference_beta.py` (rename binders apart, substitute, normalise), written apart from the
kernel. A lambda left unapplied denotes a function over the finite domains (`(lambda ('x :
nat) (s 'x))` has the sort `[nat -> nat]`), and so does a function constant used as a value.

Terms the models cannot give a meaning to raise `Uninterpretable`: higher-order binders such as
`('p : [nat -> prop])`, types used as values, ill-sorted or partial applications of constants,
names of proof objects or of anything the theory and the file do not declare. Callers count
those as uninterpretable, never as passes.

Terms are compiled once into a Python expression (generator expressions over the domains) and
evaluated in each model, which keeps thousands of checks per second affordable.

Main entry points (what proof blocks and proof states claim is in `model_claims.py`):

- `holds(statement, theory)` / `refutation(statement, theory)`: a closed statement in every
  model of a theory (the refutation is a readable counterexample, or None);
- `counterexample(fact, context, theory)`: a fact under a context of variables, hypotheses,
  definitions and opaque names (`Entry`);
- `typing_error(value, type, context, theory)`: whether a value has the sort its definition
  declares;
- `holds_in_context(fact, context_vars, hypotheses, theory, lets=())`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from reference_beta import NormalisationLimit, Normaliser, alpha_equal, nameless

from telos.peano import App, Arrow, Atom, Decl, Lambda, parse_file, parse_term
from telos.peano.syntax import Declare
from telos.peano.terms import Term
from telos.theories import load_theory

__all__ = [
    "THEORIES",
    "Entry",
    "FnSort",
    "Model",
    "Uninterpretable",
    "counterexample",
    "holds",
    "holds_in_context",
    "models_of",
    "refutation",
    "type_sort",
    "typing_error",
]

THEORIES = ("nat-add", "nat-mul", "groups", "propositional-logic")


class Uninterpretable(Exception):
    """The models give this term no meaning (higher-order binder, ill-sorted, unknown, …)."""


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


@dataclass(frozen=True)
class FnSort:
    """The sort of a function over the finite domains, e.g. `[nat -> nat -> prop]`."""

    inputs: tuple
    output: str

    def __str__(self) -> str:
        return "[" + " -> ".join(str(s) for s in (*self.inputs, self.output)) + "]"


def _fn_sort(inputs: Sequence, output) -> FnSort:
    """`[a -> [b -> c]]` is `[a -> b -> c]`: application is uncurried."""
    if isinstance(output, FnSort):
        return FnSort(tuple(inputs) + output.inputs, output.output)
    return FnSort(tuple(inputs), output)


# An environment maps a name to (python expression, sort), or to (None, reason) for a name
# the models cannot evaluate (a proof object, a higher-order variable).
_Env = dict[str, tuple]


def _alpha_variants(t1: Term, t2: Term) -> bool:
    """α-equivalent though not equal: only terms with binders can be."""
    return type(t1) is type(t2) in (Arrow, Lambda, App) and alpha_equal(t1, t2)


def type_sort(t: Term, sorts: Sequence[str]):
    """The sort a type denotes (`nat`, `[nat -> prop]`), or None if `t` is a proposition.

    Raises for types the models cannot treat as sorts (`type`, an arrow into a sort with a
    proposition among its inputs).
    """
    if type(t) is Atom:
        if t.name in sorts:
            return t.name
        if t.name == "type":
            raise Uninterpretable("quantification over types")
        return None
    if type(t) is Arrow:
        out = type_sort(t.output, sorts)
        if out is None:
            return None
        ins = []
        for i in t.inputs:
            s = type_sort(i.type if type(i) is Decl else i, sorts)
            if s is None:
                raise Uninterpretable(f"function type with a proposition input: {t}")
            ins.append(s)
        return _fn_sort(ins, out)
    return None


class _Compiler:
    def __init__(self, theory: str):
        if theory not in SIGNATURES:
            raise ValueError(f"unknown theory {theory!r}")
        self.sig = SIGNATURES[theory]
        self.sorts = SORTS[theory]
        self.fresh = itertools.count()

    def var(self) -> str:
        return f"v{next(self.fresh)}"

    def sort_of_binder(self, t: Term) -> str | None:
        """The sort a binder's type ranges over, None if it is a proposition (a hypothesis).

        Raises for types the models cannot quantify over (`type`, `[nat -> prop]`).
        """
        sort = type_sort(t, self.sorts)
        if isinstance(sort, FnSort):
            raise Uninterpretable(f"higher-order binder of type {t}")
        return sort

    def term(self, t: Term, env: _Env) -> tuple[str, object]:
        k = type(t)
        if k is Atom:
            return self.atom(t.name, env)
        if k is App:
            return self.app(t, env)
        if k is Arrow:
            return self.arrow(list(t.inputs), t.output, env), "prop"
        if k is Lambda:
            return self.function(t, env)
        raise Uninterpretable(f"{type(t).__name__.lower()} {t}")

    def atom(self, name: str, env: _Env) -> tuple[str, object]:
        if name in env:
            src, sort = env[name]
            if src is None:
                raise Uninterpretable(f"{name} ({sort}) used as a term")
            return src, sort
        spec = self.sig.get(name)
        if spec is not None:
            arg_sorts, result, template = spec
            if not arg_sorts:
                return template, result
            # A function constant used as a value denotes its function (η-expanded).
            vs = [self.var() for _ in arg_sorts]
            src = f"(lambda {', '.join(vs)}: {template.format(*vs)})"
            return src, _fn_sort(arg_sorts, result)
        if name in self.sorts or name in ("type", "prop"):
            raise Uninterpretable(f"type {name} used as a term")
        raise Uninterpretable(f"unknown name {name}")

    def function(self, t: Lambda, env: _Env) -> tuple[str, object]:
        inner = dict(env)
        vs, ins = [], []
        for p in t.params:
            sort = type_sort(p.type, self.sorts)
            if sort is None:
                raise Uninterpretable(f"lambda over a proof ({p})")
            v = self.var()
            inner[p.name] = (v, sort)
            vs.append(v)
            ins.append(sort)
        body, out = self.term(t.body, inner)
        if isinstance(out, FnSort):  # uncurried, as its sort is: f a b means (f a) b
            ws = [self.var() for _ in out.inputs]
            body = f"({body})({', '.join(ws)})"
            vs += ws
        return f"(lambda {', '.join(vs)}: {body})", _fn_sort(ins, out)

    def app(self, t: App, env: _Env) -> tuple[str, object]:
        fn, args = t.fn, list(t.args)
        while type(fn) is App:  # ((f a) b) means (f a b)
            args = list(fn.args) + args
            fn = fn.fn
        if type(fn) is Atom and fn.name == "=" and "=" not in env:
            return self.equation(t, args, env)
        if type(fn) is Atom and fn.name not in env and fn.name in self.sig:
            arg_sorts, result, template = self.sig[fn.name]
            if len(arg_sorts) != len(args):
                raise Uninterpretable(f"{fn.name} applied to {len(args)} arguments")
            compiled = [self.term(a, env) for a in args]
            for (_src, sort), want in zip(compiled, arg_sorts):
                if sort != want:
                    raise Uninterpretable(f"ill-sorted argument of {fn.name} in {t}")
            return template.format(*(src for src, _ in compiled)), result
        # A function value: a lambda (when not normalised first) or a function variable.
        src, sort = self.term(fn, env)
        if not isinstance(sort, FnSort):
            raise Uninterpretable(f"application of a {sort} in {t}")
        if len(args) != len(sort.inputs):
            raise Uninterpretable(f"{len(args)} arguments for {len(sort.inputs)} in {t}")
        compiled = [self.term(a, env) for a in args]
        for (_src, s), want in zip(compiled, sort.inputs):
            if s != want:
                raise Uninterpretable(f"ill-sorted argument in {t}")
        return f"({src})({', '.join(a for a, _ in compiled)})", sort.output

    def equation(self, t: App, args: list[Term], env: _Env) -> tuple[str, object]:
        if len(args) == 2 and (args[0] == args[1] or _alpha_variants(args[0], args[1])):
            try:
                self.term(args[0], env)
            except Uninterpretable:
                # `(= a a)` holds whatever `a` denotes, even where the models cannot say
                # what that is (an eq_refl of a higher-order statement).
                return "True", "prop"
        if len(args) != 2:
            raise Uninterpretable(f"= with {len(args)} arguments")
        (a, sa), (b, sb) = (self.term(x, env) for x in args)
        if sa != sb:
            raise Uninterpretable(f"= between sorts {sa} and {sb} in {t}")
        if not isinstance(sa, FnSort):
            return f"({a} == {b})", "prop"
        if any(isinstance(s, FnSort) for s in sa.inputs):
            raise Uninterpretable(f"= between higher-order functions in {t}")
        vs = [self.var() for _ in sa.inputs]
        loops = " ".join(f"for {v} in D_{s}" for v, s in zip(vs, sa.inputs))
        xs = ", ".join(vs)
        return f"all(({a})({xs}) == ({b})({xs}) {loops})", "prop"

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
        sort = self.sort_of_binder(ty)
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


# -- contexts and queries ----------------------------------------------------------------------

# A context entry, in order of introduction:
#   ("var", name, type)          a variable over the domain of a sort
#   ("hyp", name or None, prop)  a hypothesis
#   ("let", name, type, value)   a definition: the name stands for its value
#   ("opaque", name, reason)     a name the models give no value (a proof, a function variable)
Entry = tuple


@lru_cache(maxsize=100_000)
def _reducible(t: Term) -> tuple[bool, frozenset[str]]:
    """Whether `t` holds a lambda, and the atoms it mentions (to tell when δβ is needed)."""
    k = type(t)
    if k is Atom:
        return False, frozenset((t.name,))
    if k is Lambda:
        return True, frozenset()
    kids = (
        [t.fn, *t.args]
        if k is App
        else [i.type if type(i) is Decl else i for i in t.inputs] + [t.output]
    )
    has, atoms = False, set()
    for kid in kids:
        h, a = _reducible(kid)
        has |= h
        atoms |= a
    return has, frozenset(atoms)


def _normal(t: Term, defs: dict[str, Term]) -> Term:
    has_lambda, atoms = _reducible(t)
    if not has_lambda and not (defs and atoms & defs.keys()):
        return t
    try:
        return Normaliser(defs).normal(t)
    except (NormalisationLimit, RecursionError) as e:
        raise Uninterpretable(f"no normal form within the oracle's limits: {e}") from None


class _Scope:
    """A context compiled for the models: the environment, the δ definitions, the loops."""

    def __init__(self, theory: str, context: Iterable[Entry], reduce: bool = True):
        self.reduce = reduce
        c = self.compiler = _Compiler(theory)
        self.env: _Env = {}
        self.defs: dict[str, Term] = {}
        self.clauses: list[str] = []
        self.shown: list[tuple[str, str]] = []
        for entry in context:
            kind, name = entry[0], entry[1]
            if name is not None:
                self.defs.pop(name, None)
            if kind == "var":
                try:
                    sort = c.sort_of_binder(self.normal(entry[2]))
                except Uninterpretable as e:
                    self.env[name] = (None, str(e))
                    continue
                if sort is None:
                    raise Uninterpretable(f"variable {name} of type {entry[2]}")
                v = c.var()
                self.env[name] = (v, sort)
                self.clauses.append(f"for {v} in D_{sort}")
                self.shown.append((name, v))
            elif kind == "let":
                if not reduce:
                    raise ValueError("definitions are only read by reduction")
                self.defs[name] = self.normal(entry[3])
                self.env.pop(name, None)
            elif kind == "hyp":
                self.clauses.append(f"if {c.prop(self.normal(entry[2]), self.env)}")
                if name is not None:
                    self.env[name] = (None, "proof")
            elif kind == "opaque":
                self.env[name] = (None, entry[2])
            else:  # pragma: no cover - programming error
                raise ValueError(f"bad context entry {entry!r}")

    def normal(self, t: Term) -> Term:
        return _normal(t, self.defs) if self.reduce else t


@lru_cache(maxsize=200_000)
def _compile_query(theory: str, fact: Term, context: tuple[Entry, ...], reduce: bool = True):
    """Compile "a counterexample to `fact` under `context`" into (code, variable names).

    Without `reduce`, lambdas are not β-reduced first but compiled into Python functions (the
    same meaning, reached another way: the tests compare the two).
    """
    scope = _Scope(theory, context, reduce)
    goal = scope.compiler.prop(scope.normal(fact), scope.env)
    names = tuple(n for n, _ in scope.shown)
    tup = "(" + "".join(f"{v}, " for _, v in scope.shown) + ")"
    loops = " ".join(["for _ in (0,)", *scope.clauses])  # a comprehension needs a `for`
    src = f"next(({tup} {loops} if not {goal}), None)"
    return compile(src, "<oracle>", "eval"), names


def counterexample(
    fact: Term, context: Iterable[Entry], theory: str, reduce: bool = True
) -> str | None:
    """A readable counterexample to `fact` under `context` in some model, or None if it holds.

    A fact that is an arrow `[('a : nat) -> H -> C]` is judged as C under the context extended
    by `a : nat` and `H` (the same meaning), so that its counterexample names `'a`.
    Raises Uninterpretable if the fact or a hypothesis has no meaning in the models.
    """
    context = tuple(context)
    if nameless(fact) in _axioms(theory):
        return None  # the models satisfy their theory's axioms, induction included
    binders, conclusion = _peel(fact)
    if binders:
        c = _Compiler(theory)
        extra: list[Entry] = []
        for i, (_, name, ty) in enumerate(binders):
            if c.sort_of_binder(ty) is not None:  # raises for higher-order binders
                extra.append(("var", name if name is not None else f"_{i}", ty))
            else:
                extra.append(("hyp", name, ty))
        context, fact = context + tuple(extra), conclusion
    code, names = _compile_query(theory, fact, context, reduce)
    for model in models_of(theory):
        found = eval(code, model.env)  # noqa: S307 - our own compiled expression
        if found is not None:
            assignment = ", ".join(f"{n}={v}" for n, v in zip(names, found))
            return f"in {model.name}" + (f" with {assignment}" if assignment else "")
    return None


@cache
def _axioms(theory: str) -> frozenset:
    """The statements of a theory's axioms, up to the names of their binders."""
    constants = set(SIGNATURES[theory]) | set(SORTS[theory]) | {"=", "prop", "type"}
    return frozenset(
        nameless(item.type)
        for item in parse_file(load_theory(theory).text)
        if isinstance(item, Declare) and item.value is None and item.name not in constants
    )


def typing_error(value: Term, ty: Term, context: Iterable[Entry], theory: str) -> str | None:
    """Why `value` is not of the sort the type `ty` denotes under `context`, or None if it is.

    `ty` must denote a sort or a function sort (a definition of an object, not of a proof).
    Raises Uninterpretable when the value has no meaning in the models at all.
    """
    scope = _Scope(theory, tuple(context))
    want = type_sort(scope.normal(ty), scope.compiler.sorts)
    if want is None:
        raise ValueError(f"{ty} is a proposition, not a type")
    _src, got = scope.compiler.term(scope.normal(value), scope.env)
    return None if got == want else f"{value} is of sort {got}, not {ty}"


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


def refutation(statement: Term | str, theory: str, reduce: bool = True) -> str | None:
    """A counterexample to a closed statement in some model of `theory`, or None."""
    if isinstance(statement, str):
        statement = parse_term(statement)
    return counterexample(statement, (), theory, reduce)


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
