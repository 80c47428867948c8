"""Core terms: locally nameless, with bound variables as de Bruijn indices (trusted).

Every term the core checks is one of these. A binder (`Pi`, `Lam`, `Let`) keeps its name only
as a printing hint, which takes no part in equality: α-equivalent terms are equal, and no
operation here can capture a variable, because a bound variable is an index, never a name.

- `Sort(s)`: `prop`, `type` or `kind` (the type of `type`; it cannot be written in a file).
- `Var(name)`: a free name — a constant of the context or a local opened by the checker.
- `Param(name)`: an implicit pattern variable of a declared type (`'a` in `[(leq 'a 'b) -> …]`),
  instantiated at each use (typing.py); nowhere else.
- `BVar(i)`: the variable bound by the i-th enclosing binder (0 = innermost).
- `App(fn, args)`: an application with at least one argument; `fn` is never itself an `App`.
- `Pi(hint, dom, body)`, `Lam(hint, dom, body)`, `Let(hint, type, value, body)`: the binders.
- `EqRefl(t)`, `EqSymm(e)`, `Rewrite(e, h, path)`: the built-in equality rules (SPEC §2.9).

`from_named` turns a parsed (named) term into a core term; it decides what a statement means,
so it is part of the trusted core.
"""

from __future__ import annotations

from ..terms import App as NApp
from ..terms import Arrow as NArrow
from ..terms import Atom as NAtom
from ..terms import Decl as NDecl
from ..terms import Lambda as NLambda
from ..terms import Term as NTerm

SORTS = ("prop", "type", "kind")


class CoreError(Exception):
    """A term or proof the core refuses, with the reason."""


class Term:
    """Base class. `lbr` is one more than the largest loose bound index (0: none loose)."""

    __slots__ = ("hash", "lbr")

    def __eq__(self, other: object) -> bool:
        return self is other or (
            isinstance(other, Term) and self.hash == other.hash and self.key() == other.key()
        )

    def __hash__(self) -> int:
        return self.hash

    def key(self) -> tuple:
        raise NotImplementedError

    def __repr__(self) -> str:
        return show(self)


class Sort(Term):
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name, self.lbr, self.hash = name, 0, hash(("S", name))

    def key(self) -> tuple:
        return ("S", self.name)


class Var(Term):
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name, self.lbr, self.hash = name, 0, hash(("V", name))

    def key(self) -> tuple:
        return ("V", self.name)


class Param(Term):
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name, self.lbr, self.hash = name, 0, hash(("P", name))

    def key(self) -> tuple:
        return ("P", self.name)


class BVar(Term):
    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index, self.lbr, self.hash = index, index + 1, hash(("B", index))

    def key(self) -> tuple:
        return ("B", self.index)


class App(Term):
    __slots__ = ("fn", "args")

    def __init__(self, fn: Term, args: tuple[Term, ...]):
        if type(fn) is App:  # keep applications flat: ((f a) b) is (f a b)
            fn, args = fn.fn, fn.args + args
        self.fn, self.args = fn, args
        self.lbr = max(fn.lbr, *(a.lbr for a in args))
        self.hash = hash(("A", fn.hash, tuple(a.hash for a in args)))

    def key(self) -> tuple:
        return ("A", self.fn, self.args)


class Binder(Term):
    """`Pi`, `Lam`: `hint` names the bound variable for printing only."""

    __slots__ = ("hint", "dom", "body")
    tag = ""

    def __init__(self, hint: str | None, dom: Term, body: Term):
        self.hint, self.dom, self.body = hint, dom, body
        self.lbr = max(dom.lbr, body.lbr - 1, 0)
        self.hash = hash((self.tag, dom.hash, body.hash))

    def key(self) -> tuple:
        return (self.tag, self.dom, self.body)


class Pi(Binder):
    __slots__ = ()
    tag = "Pi"


class Lam(Binder):
    __slots__ = ()
    tag = "Lam"


class Let(Term):
    __slots__ = ("hint", "type", "value", "body")

    def __init__(self, hint: str | None, type_: Term, value: Term, body: Term):
        self.hint, self.type, self.value, self.body = hint, type_, value, body
        self.lbr = max(type_.lbr, value.lbr, body.lbr - 1, 0)
        self.hash = hash(("Let", type_.hash, value.hash, body.hash))

    def key(self) -> tuple:
        return ("Let", self.type, self.value, self.body)


class EqRefl(Term):
    __slots__ = ("term",)

    def __init__(self, term: Term):
        self.term, self.lbr, self.hash = term, term.lbr, hash(("Refl", term.hash))

    def key(self) -> tuple:
        return ("Refl", self.term)


class EqSymm(Term):
    __slots__ = ("proof",)

    def __init__(self, proof: Term):
        self.proof, self.lbr, self.hash = proof, proof.lbr, hash(("Symm", proof.hash))

    def key(self) -> tuple:
        return ("Symm", self.proof)


class Rewrite(Term):
    """`e : (= a b)` rewrites the occurrence of `a` at `path` in the type of `h` to `b`."""

    __slots__ = ("eq", "proof", "path")

    def __init__(self, eq: Term, proof: Term, path: tuple[int, ...]):
        self.eq, self.proof, self.path = eq, proof, path
        self.lbr = max(eq.lbr, proof.lbr)
        self.hash = hash(("Rw", eq.hash, proof.hash, path))

    def key(self) -> tuple:
        return ("Rw", self.eq, self.proof, self.path)


PROP, TYPE, KIND = Sort("prop"), Sort("type"), Sort("kind")


# -- the operations on bound variables -----------------------------------------------------------


def _map(t: Term, leaf, depth: int) -> Term:
    """Rebuild `t`, calling `leaf(node, depth)` on every `Var`/`Param`/`BVar` (depth = number
    of binders crossed). Subterms `leaf` cannot change are returned as they are."""
    k = type(t)
    if k is App:
        fn = _map(t.fn, leaf, depth)
        args = tuple(_map(a, leaf, depth) for a in t.args)
        if fn is t.fn and all(x is y for x, y in zip(args, t.args)):
            return t
        return App(fn, args)
    if k is Pi or k is Lam:
        dom, body = _map(t.dom, leaf, depth), _map(t.body, leaf, depth + 1)
        return t if dom is t.dom and body is t.body else k(t.hint, dom, body)
    if k is Let:
        parts = (_map(t.type, leaf, depth), _map(t.value, leaf, depth))
        body = _map(t.body, leaf, depth + 1)
        if parts[0] is t.type and parts[1] is t.value and body is t.body:
            return t
        return Let(t.hint, parts[0], parts[1], body)
    if k is EqRefl:
        return EqRefl(_map(t.term, leaf, depth))
    if k is EqSymm:
        return EqSymm(_map(t.proof, leaf, depth))
    if k is Rewrite:
        return Rewrite(_map(t.eq, leaf, depth), _map(t.proof, leaf, depth), t.path)
    if k is Sort:
        return t
    return leaf(t, depth)


def lift(t: Term, n: int, cutoff: int = 0) -> Term:
    """Add `n` to every bound index ≥ `cutoff` (loose ones), for moving `t` under binders."""
    if n == 0 or t.lbr <= cutoff:
        return t

    def leaf(u: Term, depth: int) -> Term:
        if type(u) is BVar and u.index >= cutoff + depth:
            return BVar(u.index + n)
        return u

    return _map(t, leaf, 0)


def instantiate(body: Term, value: Term) -> Term:
    """`body` with its loose index 0 replaced by `value` (the other loose indices drop by one).

    `value` is lifted by the number of binders it moves under, so none of its own loose
    indices can be captured.
    """
    if body.lbr == 0:
        return body

    def leaf(u: Term, depth: int) -> Term:
        if type(u) is BVar:
            if u.index == depth:
                return lift(value, depth)
            if u.index > depth:
                return BVar(u.index - 1)
        return u

    return _map(body, leaf, 0)


def abstract(t: Term, name: str) -> Term:
    """`t` with the free `Var(name)` turned into the loose index 0 (the inverse of opening)."""

    def leaf(u: Term, depth: int) -> Term:
        if type(u) is Var and u.name == name:
            return BVar(depth)
        if type(u) is BVar and u.index >= depth:
            return BVar(u.index + 1)
        return u

    return _map(t, leaf, 0)


def subst_params(t: Term, sigma: dict[str, Term]) -> Term:
    """Replace implicit parameters by their values (values hold no loose index)."""
    if not sigma:
        return t
    return _map(t, lambda u, d: sigma.get(u.name, u) if type(u) is Param else u, 0)


def has_params(t: Term) -> bool:
    found: list[Term] = []

    def leaf(u: Term, depth: int) -> Term:
        if type(u) is Param:
            found.append(u)
        return u

    _map(t, leaf, 0)
    return bool(found)


# -- from parsed terms -------------------------------------------------------------------------


def from_named(t: NTerm, params: bool = False) -> Term:
    """The core term of a parsed term.

    A quoted atom is the variable of the innermost enclosing binder of that name, counting a
    binder's scope as the later inputs and the output (body); a binder's own type is outside
    it. A quoted atom bound nowhere is an implicit `Param` when `params` (declared types), else
    an error. `prop` and `type` are the sorts; every other atom is a free name.
    """
    return _from(t, [], params)


def _from(t: NTerm, scope: list[str | None], params: bool) -> Term:
    k = type(t)
    if k is NAtom:
        name = t.name
        if name.startswith("'"):
            for i in range(len(scope) - 1, -1, -1):
                if scope[i] == name:
                    return BVar(len(scope) - 1 - i)
            if params:
                return Param(name)
            raise CoreError(f"unbound parameter {name}")
        if name in ("prop", "type"):
            return PROP if name == "prop" else TYPE
        return Var(name)
    if k is NApp:
        return App(_from(t.fn, scope, params), tuple(_from(a, scope, params) for a in t.args))
    if k is NArrow or k is NLambda:
        binders = t.inputs if k is NArrow else t.params
        body = t.output if k is NArrow else t.body
        doms, names = [], []
        for b in binders:
            if type(b) is NDecl:
                doms.append(_from(b.type, scope + names, params))
                names.append(b.name)
            else:  # a plain input binds nothing: a slot no name can refer to
                doms.append(_from(b, scope + names, params))
                names.append(None)
        out = _from(body, scope + names, params)
        make = Pi if k is NArrow else Lam
        for dom, name in zip(reversed(doms), reversed(names)):
            out = make(name, dom, out)
        return out
    raise CoreError(f"{t} is not a term")


# -- printing (messages only) --------------------------------------------------------------------


def show(t: Term, names: tuple[str, ...] = ()) -> str:
    """A readable form of `t` in Peano syntax; bound variables print as their hints."""
    k = type(t)
    if k is Sort or k is Var or k is Param:
        return t.name
    if k is BVar:
        return names[-1 - t.index] if t.index < len(names) else f"#{t.index}"
    if k is App:
        return "(" + " ".join(show(x, names) for x in (t.fn, *t.args)) + ")"
    if k is Pi or k is Lam:
        hint = _hint(t.hint or "_", names)
        dom, body = show(t.dom, names), show(t.body, names + (hint,))
        if k is Lam:
            return f"(lambda ({hint} : {dom}) {body})"
        return f"[({hint} : {dom}) -> {body}]" if t.hint else f"[{dom} -> {body}]"
    if k is Let:
        hint = _hint(t.hint or "_", names)
        return f"(let {hint} = {show(t.value, names)} in {show(t.body, names + (hint,))})"
    if k is EqRefl:
        return f"(eq_refl {show(t.term, names)})"
    if k is EqSymm:
        return f"(eq_symm {show(t.proof, names)})"
    return f"(rewrite {show(t.eq, names)} {show(t.proof, names)} @{list(t.path)})"


def _hint(hint: str, names: tuple[str, ...]) -> str:
    """A bound variable's printed name: its hint, quoted, renamed if an outer one has it."""
    name = hint if hint.startswith("'") else "'" + hint
    base, i = name, 0
    while name in names:
        name, i = f"{base}{i}", i + 1
    return name
