"""The core's judgements (trusted): evaluation, definitional equality, type inference.

`Env` is the global context: constants in declaration order, each declared once (S7), with
an optional value (a definition, checked against its type) — theorems enter only with a proof
term the core has typed. `Ctx` checks one term against an `Env`: it opens binders as fresh
locals (`#1`, `#2`, … — no file can write such a name), evaluates with a step budget (S8) and
infers types by the rules below.

The type system is a pure type system with sorts `prop : type : kind`: a product whose
codomain is a proposition is a proposition (so `[('n : nat) -> P]` is a statement), any other
product lives in the larger of its two sorts. `kind` (the type of `type`) is not a term a file
can write; it keeps `type` from being its own type.

Equality is the theory's `=` when declared as `[('t : type) -> 't -> 't -> prop]`; `(= a b)`
leaves the type argument implicit, and the three built-in rules (SPEC §2.9) are the core's own
term forms: `EqRefl`, `EqSymm` and `Rewrite` (replace one occurrence, found along a path of
applications in the evaluated proposition of a proof).
"""

from __future__ import annotations

from dataclasses import dataclass

from .terms import (
    KIND,
    PROP,
    TYPE,
    App,
    BVar,
    CoreError,
    EqRefl,
    EqSymm,
    Lam,
    Let,
    Param,
    Pi,
    Rewrite,
    Sort,
    Term,
    Var,
    abstract,
    has_params,
    instantiate,
    show,
    subst_params,
)

EQ = Var("=")
EQ_TYPE = Pi("'t", TYPE, Pi(None, BVar(0), Pi(None, BVar(1), PROP)))
BUILTIN_NAMES = frozenset({"=", "eq_refl", "eq_symm", "rewrite", "eval", "prop", "type"})
EVAL_BUDGET = 200_000  # evaluation steps per checked term (S8: bounded work on any input)


@dataclass(frozen=True)
class Entry:
    type: Term
    value: Term | None = None
    scheme: bool = False  # the type holds implicit parameters, instantiated at each use


class Env:
    """The global context. Append-only: a name, once declared, never changes meaning."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.has_eq = False  # `=` is declared with the type of equality

    def copy(self) -> Env:
        new = Env()
        new.entries, new.has_eq = dict(self.entries), self.has_eq
        return new

    def _fresh_name(self, name: str) -> None:
        if name in self.entries or (name in BUILTIN_NAMES and name != "="):
            raise CoreError(f"{name} is already declared")

    def declare(self, name: str, type_: Term) -> None:
        """`name : type_.` — an opaque constant (an axiom when its type is a proposition)."""
        if name == "prop" and type_ == TYPE:
            return  # `prop : type` restates the predefined sort
        if name in self.entries and self.entries[name] == Entry(type_, None, has_params(type_)):
            return  # the same declaration again (a theory loaded twice) changes nothing
        self._fresh_name(name)
        scheme = has_params(type_)
        if not scheme:
            Ctx(self).sort_of(type_)
        self.entries[name] = Entry(type_, None, scheme)
        # The built-in rules treat `=` as equality only when it is declared as equality.
        self.has_eq = self.has_eq or (name == "=" and type_ == EQ_TYPE)

    def define(self, name: str, type_: Term, value: Term) -> None:
        """`name : type_ = value.` — the value must have the declared type (S7)."""
        self._fresh_name(name)
        ctx = Ctx(self)
        ctx.sort_of(type_)
        ctx.require_defeq(ctx.infer(value), type_, f"the value of {name}")
        self.entries[name] = Entry(type_, value)

    def add_theorem(self, name: str, statement: Term, proof: Term) -> None:
        """The statement becomes an opaque fact, once the proof term is typed as it."""
        self._fresh_name(name)
        self.check_proof(statement, proof)
        self.entries[name] = Entry(statement)

    def check_proof(self, statement: Term, proof: Term) -> None:
        ctx = Ctx(self)
        if ctx.sort_of(statement) != PROP:
            raise CoreError(f"{show(statement)} is not a proposition")
        ctx.require_defeq(ctx.infer(proof), statement, "the proof")

    def check_script(self, script: Term) -> None:
        """A verify block: its `Let` chain of facts, each value typed as its stated type."""
        Ctx(self).infer(script)


class Ctx:
    """Checking one term: locals opened from binders, an evaluation budget, a cache."""

    def __init__(self, env: Env):
        self.env = env
        self.locals: dict[str, Entry] = {}
        self.budget = EVAL_BUDGET
        self.normal: dict[Term, Term] = {}

    def lookup(self, name: str) -> Entry:
        entry = self.locals.get(name) or self.env.entries.get(name)
        if entry is None:
            raise CoreError(f"undeclared name {name}")
        return entry

    def open(self, hint: str | None, type_: Term, value: Term | None = None) -> Var:
        name = f"#{len(self.locals) + 1}"
        self.locals[name] = Entry(type_, value)
        return Var(name)

    # -- evaluation: full β and δ normal form -------------------------------------------------

    def nf(self, t: Term) -> Term:
        done = self.normal.get(t)
        if done is not None:
            return done
        self.budget -= 1
        if self.budget < 0:
            raise CoreError("evaluation exceeded its budget")
        k = type(t)
        if k is Var:
            value = self.lookup(t.name).value
            out = t if value is None else self.nf(value)
        elif k is App:
            fn, args = self.nf(t.fn), t.args
            while type(fn) is Lam and args:
                fn, args = self.nf(instantiate(fn.body, args[0])), args[1:]
            out = App(fn, tuple(self.nf(a) for a in args)) if args else fn
        elif k is Pi or k is Lam:
            out = k(t.hint, self.nf(t.dom), self.nf(t.body))
        elif k is Let:
            out = self.nf(instantiate(t.body, t.value))
        elif k is EqRefl:
            out = EqRefl(self.nf(t.term))
        elif k is EqSymm:
            out = EqSymm(self.nf(t.proof))
        elif k is Rewrite:
            out = Rewrite(self.nf(t.eq), self.nf(t.proof), t.path)
        else:
            out = t  # Sort, Param, BVar
        self.normal[t] = out
        return out

    def defeq(self, a: Term, b: Term) -> bool:
        return a == b or self.nf(a) == self.nf(b)

    def require_defeq(self, found: Term, expected: Term, what: str) -> None:
        if not self.defeq(found, expected):
            raise CoreError(f"{what} has type {show(found)}, not {show(expected)}")

    # -- type inference ---------------------------------------------------------------------

    def sort_of(self, t: Term) -> Sort:
        """The sort of a type `t` (`t` must be a type: its own type is a sort)."""
        s = self.nf(self.infer(t))
        if type(s) is not Sort:
            raise CoreError(f"{show(t)} is not a type")
        return s

    def infer(self, t: Term) -> Term:
        k = type(t)
        if k is Var:
            entry = self.lookup(t.name)
            if entry.scheme:
                raise CoreError(f"the implicit parameters of {t.name} cannot be inferred here")
            return entry.type
        if k is Sort:
            if t.name == "kind":
                raise CoreError("kind has no type")
            return TYPE if t.name == "prop" else KIND
        if k is App:
            return self._infer_app(t)
        if k is Pi:
            s1 = self.sort_of(t.dom)
            s2 = self.sort_of(instantiate(t.body, self.open(t.hint, t.dom)))
            if s2 == PROP:
                return PROP  # impredicative propositions: statements quantify over anything
            return KIND if KIND in (s1, s2) else TYPE
        if k is Lam:
            self.sort_of(t.dom)
            x = self.open(t.hint, t.dom)
            body_type = self.infer(instantiate(t.body, x))
            self.sort_of(body_type)
            return Pi(t.hint, t.dom, abstract(body_type, x.name))
        if k is Let:
            self.sort_of(t.type)
            self.require_defeq(self.infer(t.value), t.type, f"the value of {t.hint or 'a let'}")
            x = self.open(t.hint, t.type, t.value)
            body_type = self.infer(instantiate(t.body, x))
            return instantiate(abstract(body_type, x.name), t.value)
        if k is EqRefl:
            self._require_eq()
            if self.sort_of(self.infer(t.term)) != TYPE:
                raise CoreError(f"eq_refl: {show(t.term)} is not an object of a type")
            return App(EQ, (t.term, t.term))
        if k is EqSymm:
            a, b = self._equation(t.proof)
            return App(EQ, (b, a))
        if k is Rewrite:
            return self._infer_rewrite(t)
        raise CoreError(f"{show(t)} cannot be typed here")  # Param, loose BVar

    def _infer_app(self, t: App) -> Term:
        if t.fn == EQ and len(t.args) == 2 and self.env.has_eq:
            a, b = t.args
            ta, tb = self.infer(a), self.infer(b)
            self.require_defeq(tb, ta, f"the right side of {show(t)}")
            if self.sort_of(ta) != TYPE:
                raise CoreError(f"{show(t)}: only objects of a type can be equal")
            return PROP
        scheme = type(t.fn) is Var and self.lookup(t.fn.name).scheme
        fn_type = self.lookup(t.fn.name).type if scheme else self.infer(t.fn)
        for arg in t.args:
            pi = self.nf(fn_type)
            if type(pi) is not Pi:
                raise CoreError(f"{show(t)}: too many arguments")
            arg_type = self.infer(arg)
            if scheme and has_params(pi.dom):
                sigma: dict[str, Term] = {}
                if not _match(pi.dom, self.nf(arg_type), sigma):
                    raise CoreError(f"{show(t)}: {show(arg)} has type {show(arg_type)}")
                pi = subst_params(pi, sigma)
            self.require_defeq(arg_type, pi.dom, f"the argument {show(arg)} of {show(t.fn)}")
            fn_type = instantiate(pi.body, arg)
        if scheme and has_params(fn_type):
            raise CoreError(f"{show(t)}: its implicit parameters are not all determined")
        return fn_type

    def _require_eq(self) -> None:
        if not self.env.has_eq:
            raise CoreError(f"the equality rules need = declared as {show(EQ_TYPE)}")

    def _equation(self, proof: Term) -> tuple[Term, Term]:
        self._require_eq()
        eq = self.nf(self.infer(proof))
        if type(eq) is not App or eq.fn != EQ or len(eq.args) != 2:
            raise CoreError(f"{show(proof)} does not prove an equality")
        return eq.args[0], eq.args[1]

    def _infer_rewrite(self, t: Rewrite) -> Term:
        a, b = self._equation(t.eq)
        prop = self.nf(self.infer(t.proof))
        if self.sort_of(prop) != PROP:
            raise CoreError(f"rewrite: {show(t.proof)} is not a proof")
        result = _replace(prop, t.path, a, b, self)
        if self.sort_of(result) != PROP:
            raise CoreError(f"rewrite: {show(result)} is not a proposition")
        return result


def _replace(t: Term, path: tuple[int, ...], old: Term, new: Term, ctx: Ctx) -> Term:
    """`t` with its subterm at `path` (through applications: 0 = function, i = i-th argument),
    which must equal `old`, replaced by `new`."""
    if not path:
        if not ctx.defeq(t, old):
            raise CoreError(f"rewrite: {show(t)} is not {show(old)}")
        return new
    i = path[0]
    if type(t) is not App or not 0 <= i <= len(t.args):
        raise CoreError("rewrite: no subterm at that position")
    if i == 0:
        return App(_replace(t.fn, path[1:], old, new, ctx), t.args)
    args = list(t.args)
    args[i - 1] = _replace(args[i - 1], path[1:], old, new, ctx)
    return App(t.fn, tuple(args))


def _match(pattern: Term, concrete: Term, sigma: dict[str, Term]) -> bool:
    """Bind the implicit parameters of `pattern` so that it equals `concrete` (a proposal only:
    the caller then requires definitional equality). A parameter never takes a value with a
    loose bound variable, which it would capture."""
    k = type(pattern)
    if k is Param:
        if concrete.lbr:
            return False
        bound = sigma.setdefault(pattern.name, concrete)
        return bound == concrete
    if k is not type(concrete):
        return False
    if k is App:
        return len(pattern.args) == len(concrete.args) and all(
            _match(p, c, sigma)
            for p, c in zip((pattern.fn, *pattern.args), (concrete.fn, *concrete.args))
        )
    if k is Pi or k is Lam:
        return _match(pattern.dom, concrete.dom, sigma) and _match(
            pattern.body, concrete.body, sigma
        )
    return pattern == concrete
