"""Peano terms (SPEC §2.1): immutable, structurally hashed values.

Six forms: `Atom`, `App` (application), `Arrow`, `Lambda`, `Decl` (a named input of an arrow or
a lambda parameter) and `PatDecl` (a `#forward` precondition). Equality is structural and
includes parameter names; the hash is computed once at construction. A term may carry the
source position it was parsed from (`pos`, a `(line, column)` pair); the position takes no part
in equality, so it only serves error messages.

This module also holds the context-free operations on terms: free variables (§2.2),
substitution (§2.3), alpha-equivalence (§2.5), matching (§2.6) and printing (§2.11). The
operations that need a context (evaluation, typing, unification) live in `derivation.py`,
the uses of arrows in `arrows.py`.
"""

from __future__ import annotations

from collections.abc import Iterator

Pos = tuple[int, int]


class Term:
    """Base class of the six term forms. Immutable by convention (`__slots__`, no setters)."""

    __slots__ = ("_hash", "_str", "pos", "_info")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class Atom(Term):
    """A name: a constant (`z`, `+_s`) or, when it starts with `'`, a parameter (`'n`)."""

    __slots__ = ("name", "is_param")

    def __init__(self, name: str, pos: Pos | None = None):
        self.name = name
        self.is_param = name.startswith("'")
        self._hash = hash(name)
        self._str = name
        self.pos = pos
        self._info = None

    def __eq__(self, other: object) -> bool:
        return self is other or (type(other) is Atom and other.name == self.name)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return self._hash

    def __str__(self) -> str:
        return self.name


class App(Term):
    """`(f a1 … ak)` with k ≥ 1."""

    __slots__ = ("fn", "args")

    def __init__(self, fn: Term, args: tuple[Term, ...], pos: Pos | None = None):
        self.fn = fn
        self.args = args
        self._hash = hash((2, fn._hash, tuple(a._hash for a in args)))
        self._str = None
        self.pos = pos
        self._info = None

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return (
            type(other) is App
            and self._hash == other._hash  # type: ignore[attr-defined]
            and self.fn == other.fn  # type: ignore[attr-defined]
            and self.args == other.args  # type: ignore[attr-defined]
        )

    def __hash__(self) -> int:
        return self._hash

    def __str__(self) -> str:
        s = self._str
        if s is None:
            s = self._str = "(" + " ".join([str(self.fn), *map(str, self.args)]) + ")"
        return s


class Decl(Term):
    """`name : type` — a named arrow input or lambda parameter (the name is a parameter)."""

    __slots__ = ("name", "type")

    def __init__(self, name: str, type_: Term, pos: Pos | None = None):
        self.name = name
        self.type = type_
        self._hash = hash((3, name, type_._hash))
        self._str = None
        self.pos = pos
        self._info = None

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return (
            type(other) is Decl
            and self._hash == other._hash  # type: ignore[attr-defined]
            and self.name == other.name  # type: ignore[attr-defined]
            and self.type == other.type  # type: ignore[attr-defined]
        )

    def __hash__(self) -> int:
        return self._hash

    def __str__(self) -> str:
        s = self._str
        if s is None:
            s = self._str = f"{self.name} : {self.type}"
        return s


class PatDecl(Term):
    """`pattern : type` — a `#forward` precondition (only in annotations)."""

    __slots__ = ("pattern", "type")

    def __init__(self, pattern: Term, type_: Term, pos: Pos | None = None):
        self.pattern = pattern
        self.type = type_
        self._hash = hash((4, pattern._hash, type_._hash))
        self._str = None
        self.pos = pos
        self._info = None

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return (
            type(other) is PatDecl
            and self.pattern == other.pattern  # type: ignore[attr-defined]
            and self.type == other.type  # type: ignore[attr-defined]
        )

    def __hash__(self) -> int:
        return self._hash

    def __str__(self) -> str:
        s = self._str
        if s is None:
            s = self._str = f"{self.pattern} : {self.type}"
        return s


class Arrow(Term):
    """`[i1 -> … -> ik -> output]`, k ≥ 1; an input is a type or a `Decl`."""

    __slots__ = ("inputs", "output")

    def __init__(self, inputs: tuple[Term, ...], output: Term, pos: Pos | None = None):
        self.inputs = inputs
        self.output = output
        self._hash = hash((5, tuple(i._hash for i in inputs), output._hash))
        self._str = None
        self.pos = pos
        self._info = None

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return (
            type(other) is Arrow
            and self._hash == other._hash  # type: ignore[attr-defined]
            and self.inputs == other.inputs  # type: ignore[attr-defined]
            and self.output == other.output  # type: ignore[attr-defined]
        )

    def __hash__(self) -> int:
        return self._hash

    def __str__(self) -> str:
        s = self._str
        if s is None:
            parts = []
            for i in self.inputs:
                parts.append(f"({i}) -> " if type(i) is Decl else f"{i} -> ")
            s = self._str = "[" + "".join(parts) + str(self.output) + "]"
        return s


class Lambda(Term):
    """`(lambda (d1, …, dk) body)`."""

    __slots__ = ("params", "body")

    def __init__(self, params: tuple[Decl, ...], body: Term, pos: Pos | None = None):
        self.params = params
        self.body = body
        self._hash = hash((6, tuple(p._hash for p in params), body._hash))
        self._str = None
        self.pos = pos
        self._info = None

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return (
            type(other) is Lambda
            and self._hash == other._hash  # type: ignore[attr-defined]
            and self.params == other.params  # type: ignore[attr-defined]
            and self.body == other.body  # type: ignore[attr-defined]
        )

    def __hash__(self) -> int:
        return self._hash

    def __str__(self) -> str:
        s = self._str
        if s is None:
            s = self._str = (
                "(lambda (" + ", ".join(map(str, self.params)) + ") " + str(self.body) + ")"
            )
        return s


# ---------------------------------------------------------------------------------------------
# Context-free operations


def is_param(t: Term) -> bool:
    return type(t) is Atom and t.is_param  # type: ignore[attr-defined]


def free_variables(t: Term) -> set[str]:
    """SPEC §2.2. Arrows contribute the free variables of their *output only* (quirk, kept)."""
    out: dict[str, None] = {}
    _free(t, out, True)
    return set(out)


def free_atoms(t: Term) -> list[str]:
    """Like `free_variables` with every atom counted, in order of first occurrence."""
    out: dict[str, None] = {}
    _free(t, out, False)
    return list(out)


def _free(t: Term, out: dict[str, None], params_only: bool) -> None:
    k = type(t)
    if k is Atom:
        if t.is_param or not params_only:  # type: ignore[attr-defined]
            out[t.name] = None  # type: ignore[attr-defined]
    elif k is App:
        _free(t.fn, out, params_only)  # type: ignore[attr-defined]
        for a in t.args:  # type: ignore[attr-defined]
            _free(a, out, params_only)
    elif k is Arrow or k is Lambda:
        inner: dict[str, None] = {}
        _free(t.output if k is Arrow else t.body, inner, params_only)  # type: ignore[attr-defined]
        for i in t.inputs if k is Arrow else t.params:  # type: ignore[attr-defined]
            if type(i) is Decl:
                inner.pop(i.name, None)
        out.update(inner)
    elif k is Decl:
        _free(t.type, out, params_only)  # type: ignore[attr-defined]


def atoms(t: Term) -> Iterator[Atom]:
    """Every atom occurrence of `t`, binders' types included (pre-order)."""
    k = type(t)
    if k is Atom:
        yield t  # type: ignore[misc]
    elif k is App:
        yield from atoms(t.fn)  # type: ignore[attr-defined]
        for a in t.args:  # type: ignore[attr-defined]
            yield from atoms(a)
    elif k is Arrow:
        for i in t.inputs:  # type: ignore[attr-defined]
            yield from atoms(i)
        yield from atoms(t.output)  # type: ignore[attr-defined]
    elif k is Lambda:
        for p in t.params:  # type: ignore[attr-defined]
            yield from atoms(p)
        yield from atoms(t.body)  # type: ignore[attr-defined]
    elif k is Decl:
        yield Atom(t.name)  # type: ignore[attr-defined]
        yield from atoms(t.type)  # type: ignore[attr-defined]
    elif k is PatDecl:
        yield from atoms(t.pattern)  # type: ignore[attr-defined]
        yield from atoms(t.type)  # type: ignore[attr-defined]


def subst(t: Term, name: str, value: Term) -> Term:
    """`t[name := value]` (SPEC §2.3), made capture-avoiding for soundness (S6).

    A binder named `name` shadows it: the inputs before that binder and the binder's own type
    are substituted, what lies in its scope is not. A binder that would capture a free
    parameter of `value` (one that `name` occurs under) is renamed first, to a name used
    nowhere in `t` or `value` (binders included), throughout its scope; the original
    substitutes blindly, which can turn a false statement into a provable one
    (docs/kernel.md). When no capture can happen the result is exactly the original's.
    Returns `t` itself when nothing changes (`name` absent).
    """
    return _subst(t, name, value, [])


def _subst(t: Term, name: str, value: Term, free_box: list[set[str]]) -> Term:
    k = type(t)
    if k is Atom:
        return value if t.name == name else t  # type: ignore[attr-defined]
    if name not in term_info(t)[0]:
        return t
    if k is App:
        fn = _subst(t.fn, name, value, free_box)  # type: ignore[attr-defined]
        args = tuple(_subst(a, name, value, free_box) for a in t.args)  # type: ignore[attr-defined]
        return App(fn, args)
    if k is Arrow or k is Lambda:
        binders = list(t.inputs if k is Arrow else t.params)  # type: ignore[attr-defined]
        body = t.output if k is Arrow else t.body  # type: ignore[attr-defined]
        out: list[Term] = []
        i = 0
        while i < len(binders):
            b = binders[i]
            i += 1
            if type(b) is not Decl:
                out.append(_subst(b, name, value, free_box))
                continue
            new_type = _subst(b.type, name, value, free_box)
            if b.name == name:  # shadowed from here on
                out.append(Decl(b.name, new_type))
                return _rebuild_binding(k, out + binders[i:], body)
            if not free_box:
                free_box.append(free_params(value))
            b_name = b.name
            if b_name in free_box[0]:
                scope = _rebuild_binding(k, binders[i:], body) if i < len(binders) else body
                if name in (free_params(scope) if name[0] == "'" else term_info(scope)[0]):
                    # `b` would capture the value's free parameter: rename it in its scope,
                    # the remaining binders and the body as one term (a later binder with
                    # the same name shadows it there).
                    b_name = fresh_param(b_name, all_names(t) | all_names(value))
                    scope = subst(scope, b.name, Atom(b_name))
                    if i < len(binders):
                        binders[i:] = scope.inputs if k is Arrow else scope.params  # type: ignore[attr-defined]
                        body = scope.output if k is Arrow else scope.body  # type: ignore[attr-defined]
                    else:
                        body = scope
            out.append(Decl(b_name, new_type))
        return _rebuild_binding(k, out, _subst(body, name, value, free_box))
    if k is Decl:
        new_type = _subst(t.type, name, value, free_box)  # type: ignore[attr-defined]
        new_name = t.name  # type: ignore[attr-defined]
        if new_name == name and is_param(value):
            new_name = value.name  # type: ignore[attr-defined]
        return Decl(new_name, new_type)
    return t  # PatDecl: unchanged (§2.3)


def all_names(t: Term) -> set[str]:
    """Every name in `t`: its atoms and its binders' names."""
    return {a.name for a in atoms(t)}


def rebind(t: Term, old: str, new: str) -> Term:
    """Replace the free occurrences of atom `old` by the atom `new`, letting the outermost
    binder named `new` around an occurrence capture it — on purpose: hindsight relabeling
    turns an intro'd `x` back into the goal's binder `'a0` (SPEC §4.10). Inside that binder's
    scope the replacement is a capture-avoiding substitution, so an inner binder that
    re-binds `new` does not take the occurrence (it is renamed where it would). Never used by
    the checker."""
    k = type(t)
    if k is Atom:
        return Atom(new) if t.name == old else t  # type: ignore[attr-defined]
    if old not in term_info(t)[0]:
        return t
    if k is App:
        return App(rebind(t.fn, old, new), tuple(rebind(a, old, new) for a in t.args))  # type: ignore[attr-defined]
    if k is Arrow or k is Lambda:
        binders = list(t.inputs if k is Arrow else t.params)  # type: ignore[attr-defined]
        body = t.output if k is Arrow else t.body  # type: ignore[attr-defined]
        for i, b in enumerate(binders):
            if type(b) is Decl:
                binders[i] = Decl(b.name, rebind(b.type, old, new))
                if b.name == old:
                    return _rebuild_binding(k, binders, body)
                if b.name == new:
                    # The capturing binder: below it, `new` already means this binder.
                    if i + 1 == len(binders):
                        return _rebuild_binding(k, binders, subst(body, old, Atom(new)))
                    scope = subst(_rebuild_binding(k, binders[i + 1 :], body), old, Atom(new))
                    rest = scope.inputs if k is Arrow else scope.params  # type: ignore[attr-defined]
                    inner = scope.output if k is Arrow else scope.body  # type: ignore[attr-defined]
                    return _rebuild_binding(k, binders[: i + 1] + list(rest), inner)
            else:
                binders[i] = rebind(b, old, new)
        return _rebuild_binding(k, binders, rebind(body, old, new))
    if k is Decl:
        return Decl(t.name, rebind(t.type, old, new))  # type: ignore[attr-defined]
    return t


def _rebuild_binding(kind: type, binders: list[Term], body: Term) -> Term:
    if kind is Arrow:
        return Arrow(tuple(binders), body)
    return Lambda(tuple(binders), body)  # type: ignore[arg-type]


def fresh_param(base: str, taken: frozenset[str] | set[str]) -> str:
    """`base_0`, `base_1`, …: the first not in `taken`."""
    i = 0
    while f"{base}_{i}" in taken:
        i += 1
    return f"{base}_{i}"


def free_params(t: Term) -> set[str]:
    """The parameters of `t` not bound by an enclosing binder (with proper scoping: a binder
    covers the later inputs and the output, unlike SPEC §2.2's `free_variables`)."""
    out: set[str] = set()
    _free_params(t, frozenset(), out)
    return out


def _free_params(t: Term, bound: frozenset[str], out: set[str]) -> None:
    k = type(t)
    if k is Atom:
        if t.is_param and t.name not in bound:  # type: ignore[attr-defined]
            out.add(t.name)  # type: ignore[attr-defined]
    elif k is App:
        _free_params(t.fn, bound, out)  # type: ignore[attr-defined]
        for a in t.args:  # type: ignore[attr-defined]
            _free_params(a, bound, out)
    elif k is Arrow or k is Lambda:
        for b in t.inputs if k is Arrow else t.params:  # type: ignore[attr-defined]
            if type(b) is Decl:
                _free_params(b.type, bound, out)
                bound = bound | {b.name}
            else:
                _free_params(b, bound, out)
        _free_params(t.output if k is Arrow else t.body, bound, out)  # type: ignore[attr-defined]
    elif k is Decl:
        _free_params(t.type, bound, out)  # type: ignore[attr-defined]
    elif k is PatDecl:
        _free_params(t.pattern, bound, out)  # type: ignore[attr-defined]
        _free_params(t.type, bound, out)  # type: ignore[attr-defined]


def apply_unifier(t: Term, unifier: dict[str, Term]) -> Term:
    """Perform the substitutions of `unifier` one after another, in its insertion order."""
    for name, value in unifier.items():
        t = subst(t, name, value)
    return t


def alpha_equivalent(t1: Term, t2: Term, renaming: list[tuple[str, str]] | None = None) -> bool:
    """SPEC §2.5 with S6: equal up to a one-to-one renaming of binders (equal de Bruijn
    forms). An unbound parameter is equivalent to nothing, not even to itself."""
    return _alpha(t1, t2, [] if renaming is None else renaming, False)


def same_term(t1: Term, t2: Term) -> bool:
    """Equal up to the names of binders, unbound parameters compared by name: whether two
    values a pattern variable takes are one value."""
    return t1 == t2 or _alpha(t1, t2, [], True)


def _binder_index(rho: list[tuple[str, str]], side: int, name: str) -> int:
    for i in range(len(rho) - 1, -1, -1):
        if rho[i][side] == name:
            return i
    return -1


def _alpha(t1: Term, t2: Term, rho: list[tuple[str, str]], open_: bool) -> bool:
    k = type(t1)
    if k is not type(t2):
        return False
    if k is Atom:
        n1, n2 = t1.name, t2.name  # type: ignore[attr-defined]
        if rho:
            # Both occurrences must refer to the same pair of binders: the innermost binder
            # of each name, on each side (one-to-one, S6).
            i1 = _binder_index(rho, 0, n1)
            i2 = _binder_index(rho, 1, n2)
            if i1 >= 0 or i2 >= 0:
                return i1 == i2
        if t1.is_param and not open_:  # type: ignore[attr-defined]
            return False
        return n1 == n2
    if k is App:
        a1, a2 = t1.args, t2.args  # type: ignore[attr-defined]
        if len(a1) != len(a2) or not _alpha(t1.fn, t2.fn, rho, open_):  # type: ignore[attr-defined]
            return False
        return all(_alpha(x, y, rho, open_) for x, y in zip(a1, a2))
    if k is Decl:
        if not _alpha(t1.type, t2.type, rho, open_):  # type: ignore[attr-defined]
            return False
        rho.append((t1.name, t2.name))  # type: ignore[attr-defined]
        return True
    if k is Arrow or k is Lambda:
        if k is Arrow:
            xs, ys, o1, o2 = t1.inputs, t2.inputs, t1.output, t2.output  # type: ignore[attr-defined]
        else:
            xs, ys, o1, o2 = t1.params, t2.params, t1.body, t2.body  # type: ignore[attr-defined]
        if len(xs) != len(ys):
            return False
        depth = len(rho)
        ok = all(_alpha(x, y, rho, open_) for x, y in zip(xs, ys)) and _alpha(o1, o2, rho, open_)
        del rho[depth:]
        return ok
    return False


def match(pattern: Term, concrete: Term, unifier: dict[str, Term]) -> bool:
    """One-way unification (SPEC §2.6), extending `unifier` in place.

    On failure `unifier` may hold partial bindings; callers pass a fresh dict per attempt.
    Deliberate difference (soundness, S6): a parameter declared by an arrow of the pattern is
    bound there, not a pattern variable; it matches only the corresponding binder of the
    concrete arrow (one-to-one, whatever the names), and no pattern variable may take a value
    that mentions a binder of the concrete side. The original lets `[('p : prop) -> 'p]`
    match `em`'s type, which makes `em` a proof of "every proposition holds"
    (docs/kernel.md). A pattern variable met twice takes one value up to binder names.
    """
    return _match(pattern, concrete, unifier, ())


def _match(
    pattern: Term, concrete: Term, unifier: dict[str, Term], bound: tuple[tuple[str, str], ...]
) -> bool:
    k = type(pattern)
    if k is Atom:
        if pattern.is_param:  # type: ignore[attr-defined]
            name = pattern.name  # type: ignore[attr-defined]
            if bound:
                i = _binder_index(bound, 0, name)  # type: ignore[arg-type]
                if i >= 0:
                    return (
                        type(concrete) is Atom
                        and _binder_index(bound, 1, concrete.name) == i  # type: ignore[arg-type, attr-defined]
                    )
                if not term_info(concrete)[0].isdisjoint(c for _, c in bound):
                    if free_params(concrete) & {c for _, c in bound}:
                        return False  # the value would mention a binder of the concrete side
            value = unifier.get(name)
            if value is None:
                unifier[name] = concrete
                return True
            return same_term(value, concrete)
        if type(concrete) is Atom:
            if bound and concrete.is_param:  # type: ignore[attr-defined]
                return False  # a constant never matches a bound parameter
            return pattern.name == concrete.name  # type: ignore[attr-defined]
        return False
    kc = type(concrete)
    if k is App and kc is App:
        if len(pattern.args) != len(concrete.args):  # type: ignore[attr-defined]
            return False
        if not _match(pattern.fn, concrete.fn, unifier, bound):  # type: ignore[attr-defined]
            return False
        for p, c in zip(pattern.args, concrete.args):  # type: ignore[attr-defined]
            if not _match(p, c, unifier, bound):
                return False
        return True
    if k is Arrow and kc is Arrow:
        p_inputs, c_inputs = pattern.inputs, concrete.inputs  # type: ignore[attr-defined]
        if len(p_inputs) != len(c_inputs):
            return False
        if not bound and not any(type(i) is Decl for i in p_inputs) and not any(
            type(i) is Decl for i in c_inputs
        ):
            # No binders anywhere: the original's order (outputs first, then inputs).
            if not _match(pattern.output, concrete.output, unifier, bound):  # type: ignore[attr-defined]
                return False
            return all(_match(p, c, unifier, bound) for p, c in zip(p_inputs, c_inputs))
        for p, c in zip(p_inputs, c_inputs):
            if (type(p) is Decl) != (type(c) is Decl):
                return False
            if type(p) is Decl:
                if not _match(p.type, c.type, unifier, bound):  # type: ignore[attr-defined]
                    return False
                bound = bound + ((p.name, c.name),)  # type: ignore[attr-defined]
            elif not _match(p, c, unifier, bound):
                return False
        return _match(pattern.output, concrete.output, unifier, bound)  # type: ignore[attr-defined]
    return _alpha(pattern, concrete, list(bound), False)


def term_info(t: Term) -> tuple[frozenset[str], bool]:
    """(names of every atom in `t`, whether `t` holds a beta-redex), computed once per term.

    Evaluation uses it to return a term unchanged without walking it when none of its atoms has
    a value and no application has a lambda or an application in head position.
    """
    info = t._info
    if info is None:
        names: set[str] = set()
        redex = False
        stack = [t]
        while stack:
            u = stack.pop()
            k = type(u)
            if k is Atom:
                names.add(u.name)  # type: ignore[attr-defined]
            elif k is App:
                fk = type(u.fn)  # type: ignore[attr-defined]
                if fk is Lambda or fk is App:
                    redex = True
                stack.append(u.fn)  # type: ignore[attr-defined]
                stack.extend(u.args)  # type: ignore[attr-defined]
            elif k is Arrow:
                stack.extend(u.inputs)  # type: ignore[attr-defined]
                stack.append(u.output)  # type: ignore[attr-defined]
            elif k is Lambda:
                stack.extend(u.params)  # type: ignore[attr-defined]
                stack.append(u.body)  # type: ignore[attr-defined]
            elif k is Decl:
                stack.append(u.type)  # type: ignore[attr-defined]
            elif k is PatDecl:
                stack.append(u.pattern)  # type: ignore[attr-defined]
                stack.append(u.type)  # type: ignore[attr-defined]
        info = t._info = (frozenset(names), redex)
    return info
