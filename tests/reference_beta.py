"""Reference operations on named Peano terms for the soundness oracle, apart from the kernel.

The oracle must not trust the kernel's substitution or evaluation (they are what it judges), so
it has its own, done the naïve way that is easy to see correct:

- `rename_apart`: every binder (arrow declaration, lambda parameter) gets a brand-new name, so
  that no binder of the result equals another binder or any free name;
- `substitute`: textbook simultaneous substitution of free occurrences, safe once the term's
  binders were renamed apart from the free names of the values;
- `Normaliser`: δ (a defined name stands for its value) and β (a lambda applied to arguments) to
  full normal form: rename the applied lambda apart, substitute every argument at once,
  normalise the result again. Work is bounded (`NormalisationLimit`);
- `subst_avoiding`: capture-avoiding substitution that renames only a binder that would capture,
  to a printable name (for the walker's goals and for building mutants);
- `alpha_equal`: equality once every binder is replaced by its de Bruijn index.

The fresh names of `rename_apart` (`'%0`, `'%1`, …) cannot be written in a Peano file (`%` is not
an atom character), so they never meet a user's name.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from telos.peano import App, Arrow, Atom, Decl, Lambda
from telos.peano.terms import Term

RESERVED = "'%"


class NormalisationLimit(Exception):
    """Normalising took more steps, or built a bigger term, than the oracle allows."""


def binders_of(t: Term) -> tuple[Decl, ...]:
    if type(t) is Arrow:
        return tuple(i for i in t.inputs if type(i) is Decl)
    if type(t) is Lambda:
        return t.params
    return ()


def free_names(t: Term) -> set[str]:
    """Every atom of `t` not bound by a binder around it (constants included)."""
    k = type(t)
    if k is Atom:
        return {t.name}
    if k is App:
        out = free_names(t.fn)
        for a in t.args:
            out |= free_names(a)
        return out
    if k is Arrow or k is Lambda:
        items = t.inputs if k is Arrow else t.params
        out: set[str] = set()
        bound: set[str] = set()
        for item in items:
            if type(item) is Decl:
                out |= free_names(item.type) - bound
                bound.add(item.name)
            else:
                out |= free_names(item) - bound
        body = t.output if k is Arrow else t.body
        return out | (free_names(body) - bound)
    raise TypeError(f"unexpected term {t!r}")


def all_names(t: Term) -> set[str]:
    """Every atom and binder name occurring in `t`."""
    k = type(t)
    if k is Atom:
        return {t.name}
    if k is App:
        out = all_names(t.fn)
        for a in t.args:
            out |= all_names(a)
        return out
    if k is Decl:
        return {t.name} | all_names(t.type)
    if k is Arrow:
        out = all_names(t.output)
        for i in t.inputs:
            out |= all_names(i)
        return out
    if k is Lambda:
        out = all_names(t.body)
        for p in t.params:
            out |= all_names(p)
        return out
    raise TypeError(f"unexpected term {t!r}")


def _rebuild(t: Term, items: list[Term], body: Term) -> Term:
    if type(t) is Arrow:
        return Arrow(tuple(items), body)
    return Lambda(tuple(items), body)  # type: ignore[arg-type]


def rename_apart(t: Term, fresh: itertools.count, renaming: Mapping[str, str] = {}) -> Term:
    """`t` with every binder renamed to `'%k` (k from `fresh`), bound occurrences following."""
    k = type(t)
    if k is Atom:
        name = renaming.get(t.name)
        return Atom(name) if name is not None else t
    if k is App:
        return App(
            rename_apart(t.fn, fresh, renaming),
            tuple(rename_apart(a, fresh, renaming) for a in t.args),
        )
    if k is Arrow or k is Lambda:
        inner = dict(renaming)
        items = []
        for item in t.inputs if k is Arrow else t.params:
            if type(item) is Decl:
                new = f"{RESERVED}{next(fresh)}"
                items.append(Decl(new, rename_apart(item.type, fresh, inner)))
                inner[item.name] = new
            else:
                items.append(rename_apart(item, fresh, inner))
        body = t.output if k is Arrow else t.body
        return _rebuild(t, items, rename_apart(body, fresh, inner))
    raise TypeError(f"unexpected term {t!r}")


def substitute(t: Term, mapping: Mapping[str, Term]) -> Term:
    """Textbook simultaneous substitution of the free occurrences of `mapping`'s names.

    No renaming: the caller guarantees that no binder of `t` is free in a value (true once
    `t` was renamed apart). A binder with a substituted name still shadows it.
    """
    if not mapping:
        return t
    k = type(t)
    if k is Atom:
        return mapping.get(t.name, t)
    if k is App:
        return App(substitute(t.fn, mapping), tuple(substitute(a, mapping) for a in t.args))
    if k is Arrow or k is Lambda:
        inner = dict(mapping)
        items = []
        for item in t.inputs if k is Arrow else t.params:
            if type(item) is Decl:
                items.append(Decl(item.name, substitute(item.type, inner)))
                inner.pop(item.name, None)
            else:
                items.append(substitute(item, inner))
        body = t.output if k is Arrow else t.body
        return _rebuild(t, items, substitute(body, inner))
    raise TypeError(f"unexpected term {t!r}")


def subst_avoiding(t: Term, mapping: Mapping[str, Term], avoid: set[str] | None = None) -> Term:
    """Capture-avoiding simultaneous substitution with printable names (Curry's algorithm).

    A binder that is free in a value substituted under it is renamed to `'name_k`, fresh against
    every name of `t`, of the values and of `avoid`.
    """
    if not mapping:
        return t
    taken = set(avoid or ()) | all_names(t)
    for v in mapping.values():
        taken |= all_names(v)
    return _subst_avoiding(t, dict(mapping), taken)


def _subst_avoiding(t: Term, mapping: dict[str, Term], taken: set[str]) -> Term:
    k = type(t)
    if k is Atom:
        return mapping.get(t.name, t)
    if k is App:
        return App(
            _subst_avoiding(t.fn, mapping, taken),
            tuple(_subst_avoiding(a, mapping, taken) for a in t.args),
        )
    if k is Arrow or k is Lambda:
        inner = dict(mapping)
        items = []
        seq = list(t.inputs if k is Arrow else t.params)
        body = t.output if k is Arrow else t.body
        for item in seq:
            if type(item) is not Decl:
                items.append(_subst_avoiding(item, inner, taken))
                continue
            new_type = _subst_avoiding(item.type, inner, taken)
            inner.pop(item.name, None)
            name = item.name
            if inner and any(name in free_names(v) for v in inner.values()):
                fresh = _fresh_variant(name, taken)
                taken.add(fresh)
                inner[name] = Atom(fresh)  # later occurrences of the old name follow it
                name = fresh
            items.append(Decl(name, new_type))
        return _rebuild(t, items, _subst_avoiding(body, inner, taken))
    raise TypeError(f"unexpected term {t!r}")


def _fresh_variant(name: str, taken: set[str]) -> str:
    base = name if name.startswith("'") else "'" + name
    base = base.replace("%", "v")
    for i in itertools.count(1):
        candidate = f"{base}_{i}"
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")


def alpha_equal(t1: Term, t2: Term) -> bool:
    """Equal once every bound occurrence is replaced by its binder's de Bruijn index."""
    return _nameless(t1, ()) == _nameless(t2, ())


def nameless(t: Term):
    """`t` with every bound occurrence replaced by its binder's de Bruijn index (a tuple)."""
    return _nameless(t, ())


def _nameless(t: Term, scope: tuple[str, ...]):
    k = type(t)
    if k is Atom:
        for i in range(len(scope) - 1, -1, -1):
            if scope[i] == t.name:
                return ("bound", len(scope) - 1 - i)
        return ("free", t.name)
    if k is App:
        return ("app", _nameless(t.fn, scope), tuple(_nameless(a, scope) for a in t.args))
    if k is Arrow or k is Lambda:
        out = []
        for item in t.inputs if k is Arrow else t.params:
            if type(item) is Decl:
                out.append(("decl", _nameless(item.type, scope)))
                scope = scope + (item.name,)
            else:
                out.append(("plain", _nameless(item, scope)))
        body = t.output if k is Arrow else t.body
        return (k.__name__, tuple(out), _nameless(body, scope))
    raise TypeError(f"unexpected term {t!r}")


def size(t: Term) -> int:
    k = type(t)
    if k is Atom:
        return 1
    if k is App:
        return 1 + size(t.fn) + sum(size(a) for a in t.args)
    if k is Decl:
        return 1 + size(t.type)
    if k is Arrow:
        return 1 + size(t.output) + sum(size(i) for i in t.inputs)
    if k is Lambda:
        return 1 + size(t.body) + sum(size(p) for p in t.params)
    raise TypeError(f"unexpected term {t!r}")


class Normaliser:
    """δβ-normal forms under a set of definitions (name -> value, values already normal).

    `normal(t)` renames `t` apart, then normalises: a defined atom becomes (a renamed-apart copy
    of) its value, `((lambda (x1 … xk) b) a1 … an)` becomes `b[x1:=a1 … xk:=ak]` applied to the
    remaining arguments (a lambda over the remaining parameters if n < k), normalised again,
    and `((f a) b)` is flattened to `(f a b)`. Arguments are normalised before they are
    substituted; full normalisation makes the order irrelevant for terms that have a normal
    form, and the step and size limits stop the others.
    """

    def __init__(self, defs: Mapping[str, Term] = {}, fuel: int = 5_000, max_size: int = 50_000):
        self.defs = defs
        self.fresh = itertools.count()
        self.fuel = fuel
        self.max_size = max_size

    def normal(self, t: Term) -> Term:
        try:
            return self._nf(rename_apart(t, self.fresh))
        except RecursionError:
            raise NormalisationLimit("reductions nested too deep") from None

    def _spend(self) -> None:
        self.fuel -= 1
        if self.fuel < 0:
            raise NormalisationLimit("too many reduction steps")

    def _nf(self, t: Term) -> Term:
        k = type(t)
        if k is Atom:
            value = self.defs.get(t.name)
            if value is None:
                return t
            self._spend()
            return rename_apart(value, self.fresh)  # stored values are already normal
        if k is App:
            fn = self._nf(t.fn)
            args = [self._nf(a) for a in t.args]
            return self._apply(fn, args)
        if k is Arrow or k is Lambda:
            items = []
            for item in t.inputs if k is Arrow else t.params:
                if type(item) is Decl:
                    items.append(Decl(item.name, self._nf(item.type)))
                else:
                    items.append(self._nf(item))
            body = t.output if k is Arrow else t.body
            return _rebuild(t, items, self._nf(body))
        raise TypeError(f"unexpected term {t!r}")

    def _apply(self, fn: Term, args: list[Term]) -> Term:
        """The normal form of `(fn args…)`, `fn` and `args` being normal."""
        while True:
            if type(fn) is App:
                fn, args = fn.fn, list(fn.args) + args  # ((f a) b) is (f a b)
                continue
            if type(fn) is not Lambda or not args:
                return App(fn, tuple(args)) if args else fn
            self._spend()
            fresh = rename_apart(fn, self.fresh)
            params = fresh.params
            used = min(len(params), len(args))
            mapping = {params[i].name: args[i] for i in range(used)}
            if used < len(params):
                rest = Lambda(params[used:], fresh.body)
                result = substitute(rest, mapping)
            else:
                result = substitute(fresh.body, mapping)
            if size(result) > self.max_size:
                raise NormalisationLimit("the term grew too large")
            # The substituted arguments were normal, but new redexes may appear where a
            # parameter stood in head position.
            fn, args = self._nf(result), args[used:]
