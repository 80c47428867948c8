"""A naive reference for the kernel's named-term operations, for the differential tests.

Every term is converted to a de Bruijn form, where a bound parameter is the number of binders
between it and its binder and binder names are gone (SPEC §3.7 S6: two terms are
α-equivalent iff these forms are equal). On that form the textbook algorithms need no care
about names at all, so each is a few obviously correct lines:

- `subst_ref`: replace the free occurrences of a name (nothing can be captured: the value's
  free names stay names, its bound parameters are indices counted inside it);
- `alpha_ref`: equal forms, and no unbound parameter (SPEC §2.5: one is equivalent to nothing);
- `match_ref`: first-order matching (SPEC §2.6 with S6): a pattern variable takes a subterm
  that mentions no bound parameter of the concrete side, a binder of the pattern corresponds
  to the binder of the concrete arrow at the same position (a bound parameter matches only
  the same index), a declared input only a declared input; other forms (lambdas) must be
  equal with no pattern variable inside;
- `ndunify_ref`: the unification of SPEC §2.7 for backward steps, flex-rigid abstraction
  included: a flexible head applied to arguments abstracts every occurrence of each argument
  (the same term at that depth, its bound parameters shifted by the binders crossed);
- `beta_ref`: instantiating a lambda's parameters one by one (over-application applies the
  result to the arguments left, as an application with an application head is flattened);
- `rebind_ref`: the hindsight relabeling of `terms.rebind`: a free `old` becomes a reference
  to the outermost binder named `new` on its path (or the free name `new` if there is none).

Forms are nested tuples: `("const", name)`, `("free", name)` (an unbound parameter),
`("bound", index)`, `("app", fn, args)`, `("arrow", inputs, output)` (an input is a type, or
`("decl", type)` when it binds), `("lambda", decls, body)`, `("decl", type)`,
`("patdecl", pattern, type)`. Child positions are those of `telos.peano.paths.child_terms`,
so a path means the same node in a named term and in its form.
"""

from __future__ import annotations

from telos.peano.terms import App, Arrow, Atom, Decl, Lambda, Term

DB = tuple


def to_db(t: Term, scope: tuple[str, ...] = ()) -> DB:
    """The de Bruijn form of `t`, `scope` holding the names bound around it (innermost last)."""
    k = type(t)
    if k is Atom:
        for i in range(len(scope) - 1, -1, -1):
            if scope[i] == t.name:
                return ("bound", len(scope) - 1 - i)
        return ("free", t.name) if t.is_param else ("const", t.name)
    if k is App:
        return ("app", to_db(t.fn, scope), tuple(to_db(a, scope) for a in t.args))
    if k is Arrow or k is Lambda:
        binders = t.inputs if k is Arrow else t.params
        out = []
        for b in binders:
            if type(b) is Decl:
                out.append(("decl", to_db(b.type, scope)))
                scope = scope + (b.name,)
            else:
                out.append(to_db(b, scope))
        body = t.output if k is Arrow else t.body
        return ("arrow" if k is Arrow else "lambda", tuple(out), to_db(body, scope))
    if k is Decl:
        return ("decl", to_db(t.type, scope))
    return ("patdecl", to_db(t.pattern, scope), to_db(t.type, scope))


# -- structure of forms ------------------------------------------------------------------------


def children(x: DB) -> list[tuple[DB, int]]:
    """The children of a form with the number of binders each one lies under (relative)."""
    tag = x[0]
    if tag == "app":
        return [(x[1], 0)] + [(a, 0) for a in x[2]]
    if tag in ("arrow", "lambda"):
        out, depth = [], 0
        for i in x[1]:
            out.append((i, depth))
            if i[0] == "decl":
                depth += 1
        return out + [(x[2], depth)]
    if tag == "decl":
        return [(x[1], 0)]
    return []  # atoms; a PatDecl has no child positions (paths.child_terms)


def rebuild(x: DB, kids: list[DB]) -> DB:
    tag = x[0]
    if tag == "app":
        return ("app", kids[0], tuple(kids[1:]))
    if tag in ("arrow", "lambda"):
        return (tag, tuple(kids[:-1]), kids[-1])
    if tag == "decl":
        return ("decl", kids[0])
    return x


def transform(x: DB, leaf, depth: int = 0) -> DB:
    """`x` with every atom form `a` at binder depth `d` replaced by `leaf(a, d)`."""
    if x[0] in ("const", "free", "bound"):
        return leaf(x, depth)
    if x[0] == "patdecl":
        return ("patdecl", transform(x[1], leaf, depth), transform(x[2], leaf, depth))
    return rebuild(x, [transform(c, leaf, depth + d) for c, d in children(x)])


def atoms_of(x: DB, depth: int = 0):
    """Every atom form of `x` with the binder depth it lies at."""
    if x[0] in ("const", "free", "bound"):
        yield x, depth
    elif x[0] == "patdecl":
        yield from atoms_of(x[1], depth)
        yield from atoms_of(x[2], depth)
    else:
        for c, d in children(x):
            yield from atoms_of(c, depth + d)


def free_names(x: DB) -> set[str]:
    return {a[1] for a, _ in atoms_of(x) if a[0] == "free"}


def has_loose(x: DB) -> bool:
    """Whether `x` mentions a parameter bound outside it."""
    return any(a[0] == "bound" and a[1] >= d for a, d in atoms_of(x))


def has_patdecl(x: DB) -> bool:
    if x[0] == "patdecl":
        return True
    return any(has_patdecl(c) for c, _ in children(x))


def shift(x: DB, by: int) -> DB:
    """`x` placed under `by` more binders: its loose indices grow by `by`."""
    if by == 0:
        return x
    return transform(x, lambda a, d: ("bound", a[1] + by) if a[0] == "bound" and a[1] >= d else a)


def replace_free(x: DB, name: str, value: DB) -> DB:
    """`x` with every free `name` replaced by `value` (which has no loose index)."""
    return transform(x, lambda a, d: value if a == ("free", name) else a)


def instantiate(x: DB, value: DB) -> DB:
    """The body `x` of one binder with that binder (index 0 at the top) replaced by `value`,
    which has no loose index; the other loose indices drop by one."""

    def leaf(a, d):
        if a[0] != "bound" or a[1] < d:
            return a
        return value if a[1] == d else ("bound", a[1] - 1)

    return transform(x, leaf)


# -- the reference operations ------------------------------------------------------------------


def free_params_ref(t: Term) -> set[str]:
    """The parameters of `t` outside every binder of theirs (input types included, S6)."""
    return free_names(to_db(t))


def subst_ref(t: Term, name: str, value: Term) -> DB:
    """The form of `t[name := value]`, capture-free by construction."""
    return replace_free(to_db(t), name, to_db(value))


def alpha_ref(t1: Term, t2: Term) -> bool:
    """S6 α-equivalence: equal de Bruijn forms, and an unbound parameter is equivalent to
    nothing (SPEC §2.5, kept); a `#forward` pattern declaration is not compared (§2.5)."""
    x = to_db(t1)
    return x == to_db(t2) and not free_names(x) and not has_patdecl(x)


def same_open(x: DB, y: DB) -> bool:
    """Equal forms, unbound parameters compared by name (the values a match binds)."""
    return x == y


def match_ref(pattern: Term, concrete: Term, unifier: dict[str, Term]) -> dict[str, DB] | None:
    """The unifier that extends `unifier` and matches `pattern` onto `concrete`, or None."""
    sigma = {k: to_db(v) for k, v in unifier.items()}
    return sigma if _match(to_db(pattern), to_db(concrete), sigma) else None


def _match(p: DB, c: DB, sigma: dict[str, DB]) -> bool:
    tag = p[0]
    if tag == "free":
        if has_loose(c):
            return False  # the value would mention a bound parameter of the concrete side
        if p[1] in sigma:
            return same_open(sigma[p[1]], c)
        sigma[p[1]] = c
        return True
    if tag in ("const", "bound"):
        return p == c
    if tag == "app":
        return (
            c[0] == "app"
            and len(p[2]) == len(c[2])
            and _match(p[1], c[1], sigma)
            and all(_match(x, y, sigma) for x, y in zip(p[2], c[2]))
        )
    if tag == "arrow":
        if c[0] != "arrow" or len(p[1]) != len(c[1]):
            return False
        for x, y in zip(p[1], c[1]):
            if (x[0] == "decl") != (y[0] == "decl"):
                return False
            if x[0] == "decl":
                x, y = x[1], y[1]
            if not _match(x, y, sigma):
                return False
        return _match(p[2], c[2], sigma)
    # lambdas, declarations: compared, never matched into (SPEC §2.6 rule 5)
    return p == c and not free_names(p) and not has_patdecl(p)


def beta_ref(f: Lambda, args: tuple[Term, ...]) -> DB:
    """The form of `f` applied to `args`, its parameters instantiated one at a time."""
    x = to_db(f)
    rest = [to_db(a) for a in args]
    while rest and x[0] == "lambda":
        decls, body = x[1], x[2]
        scope = ("lambda", decls[1:], body) if len(decls) > 1 else body
        x = instantiate(scope, rest.pop(0))
    if rest:
        if x[0] == "app":
            return ("app", x[1], x[2] + tuple(rest))
        return ("app", x, tuple(rest))
    return x


def rebind_ref(t: Term, old: str, new: str) -> DB:
    """The form of `terms.rebind(t, old, new)`: a free `old` refers to the outermost binder
    named `new` around it (hindsight relabeling puts that binder there on purpose)."""
    return _rebind(t, old, new, ())


def _rebind(t: Term, old: str, new: str, scope: tuple[str, ...]) -> DB:
    k = type(t)
    if k is Atom:
        if t.name == old and old not in scope:
            if new in scope:
                return ("bound", len(scope) - 1 - scope.index(new))
            return ("free", new) if new.startswith("'") else ("const", new)
        return to_db(t, scope)
    if k is App:
        return (
            "app",
            _rebind(t.fn, old, new, scope),
            tuple(_rebind(a, old, new, scope) for a in t.args),
        )
    if k is Arrow or k is Lambda:
        out = []
        for b in t.inputs if k is Arrow else t.params:
            if type(b) is Decl:
                out.append(("decl", _rebind(b.type, old, new, scope)))
                scope = scope + (b.name,)
            else:
                out.append(_rebind(b, old, new, scope))
        body = _rebind(t.output if k is Arrow else t.body, old, new, scope)
        return ("arrow" if k is Arrow else "lambda", tuple(out), body)
    if k is Decl:
        return ("decl", _rebind(t.type, old, new, scope))
    return to_db(t, scope)


# -- higher-order unification for backward steps (SPEC §2.7) -----------------------------------

# Simple types of the constants a unification test may use (nat-add), as de Bruijn forms.
NAT, PROP = ("const", "nat"), ("const", "prop")
SIGNATURE = {
    "z": ((), NAT),
    "s": ((NAT,), NAT),
    "+": ((NAT, NAT), NAT),
    "nat": ((), ("const", "type")),
    "prop": ((), ("const", "type")),
}


def type_ref(x: DB, locals_: tuple[DB, ...]) -> DB | None:
    """The type of a nat-add term, `locals_` typing the bound parameters (innermost last)."""
    if x[0] == "bound":
        return locals_[-1 - x[1]] if x[1] < len(locals_) else None
    if x[0] == "const":
        sig = SIGNATURE.get(x[1])
        return sig[1] if sig is not None and not sig[0] else None
    if x[0] == "lambda":
        types = tuple(d[1] for d in x[1])
        body = type_ref(x[2], locals_ + types)
        if body is None or any(has_loose(t) for t in types) or has_loose(body):
            return None
        return ("arrow", types, body)
    if x[0] == "arrow":
        scope = locals_
        for i in x[1]:
            if i[0] == "decl":
                scope = scope + (i[1],)
            elif type_ref(i, scope) is None:
                return None
        out = type_ref(x[2], scope)
        if out is None:
            return None
        return PROP if out == PROP else ("const", "type")
    if x[0] == "app" and x[1][0] == "lambda":
        # A lambda (a value a pattern variable took) applied to all its parameters.
        decls, body = x[1][1], x[1][2]
        types = tuple(d[1] for d in decls)
        if len(types) != len(x[2]) or any(has_loose(t) for t in types):
            return None
        if any(type_ref(a, locals_) != t for a, t in zip(x[2], types)):
            return None
        result = type_ref(body, locals_ + types)
        return None if result is None or has_loose(result) else result
    if x[0] == "app" and x[1][0] == "const":
        if x[1][1] == "=":
            return PROP
        sig = SIGNATURE.get(x[1][1])
        if sig is None or len(sig[0]) != len(x[2]):
            return None
        if all(type_ref(a, locals_) == want for a, want in zip(x[2], sig[0])):
            return sig[1]
    return None


def ndunify_ref(pattern: Term, concrete: Term) -> list[dict[str, DB]]:
    """Every unifier of `pattern` with the closed `concrete` (pattern variables only)."""
    return _unify(to_db(pattern), to_db(concrete), ())


def _subst_all(x: DB, u: dict[str, DB]) -> DB:
    for name, value in u.items():
        x = replace_free(x, name, value)
    return x


def _unify(p: DB, c: DB, locals_: tuple[DB, ...]) -> list[dict[str, DB]]:
    if p[0] == "free":
        return [] if has_loose(c) else [{p[1]: c}]
    if p[0] == "arrow" and c[0] == "arrow":
        m, n = len(p[1]), len(c[1])
        if m > n:
            return []
        first_p, first_c = p[1][0], c[1][0]
        if (first_p[0] == "decl") != (first_c[0] == "decl"):
            return []
        rest_p = ("arrow", p[1][1:], p[2]) if m > 1 else p[2]
        rest_c = ("arrow", c[1][1:], c[2]) if n > 1 else c[2]
        inner = locals_
        if first_p[0] == "decl":
            first_p, first_c = first_p[1], first_c[1]
            inner = locals_ + (first_c,)
        out = []
        for u in _unify(first_p, first_c, locals_):
            for v in _unify(_subst_all(rest_p, u), rest_c, inner):
                out.append({**u, **v})
        return out
    if p[0] == "app":
        if p[1][0] == "free":
            return _flex_rigid(p[1][1], p[2], c, locals_)
        if c[0] != "app" or len(c[2]) != len(p[2]):
            return []
        unifiers = _unify(p[1], c[1], locals_)
        for a, ca in zip(p[2], c[2]):
            unifiers = [{**u, **v} for u in unifiers for v in _unify(_subst_all(a, u), ca, locals_)]
            if not unifiers:
                break
        return unifiers
    return [{}] if p == c else []


def _flex_rigid(fname: str, args: tuple[DB, ...], c: DB, locals_: tuple[DB, ...]) -> list[dict]:
    types = [type_ref(a, locals_) for a in args]
    if any(t is None for t in types):
        return []
    # Occurrence paths of each argument on the original `c` (pre-order, not inside an
    # occurrence), then replaced in that order; a path gone by an earlier replacement is
    # skipped (SPEC §2.7).
    paths: list[tuple[tuple[int, ...], int]] = []
    for j, a in enumerate(args):
        paths.extend((path, j) for path in _occurrences(c, a, 0, ()))
    body = c
    for path, j in paths:
        replaced = _replace_at(body, path, ("param", j))
        if replaced is not None:
            body = replaced
    k = len(args)
    body = shift(body, k)  # under the lambda's k parameters

    def leaf(x, d):
        if x[0] == "param":
            return ("bound", d + k - 1 - x[1])
        return x

    body = _resolve_params(body, leaf, 0)
    if free_names(body) or has_loose_beyond(body, k):
        return []
    decls = tuple(("decl", t) for t in types)  # simple types: no index to shift
    return [{fname: ("lambda", decls, body)}]


def has_loose_beyond(x: DB, k: int) -> bool:
    """Whether `x`, the body of a `k`-parameter lambda, mentions a parameter bound outside it."""
    return any(a[0] == "bound" and a[1] >= d + k for a, d in atoms_of(x))


def _resolve_params(x: DB, leaf, depth: int) -> DB:
    if x[0] in ("param", "const", "free", "bound"):
        return leaf(x, depth)
    return rebuild(x, [_resolve_params(c, leaf, depth + d) for c, d in children(x)])


def _occurrences(x: DB, target: DB, depth: int, path: tuple[int, ...]):
    if x == shift(target, depth):
        yield path
        return
    for i, (c, d) in enumerate(children(x)):
        yield from _occurrences(c, target, depth + d, path + (i,))


def _replace_at(x: DB, path: tuple[int, ...], value: DB) -> DB | None:
    if not path:
        return value
    kids = [c for c, _ in children(x)]
    if path[0] >= len(kids):
        return None
    inner = _replace_at(kids[path[0]], path[1:], value)
    if inner is None:
        return None
    kids[path[0]] = inner
    return rebuild(x, kids)
