"""A derivation: the context of definitions every check and proof state works in (SPEC §2–§3.1).

It holds the definitions in insertion order, the indexes the kernel queries (the "existing
values" map, inhabitants by declared and by evaluated type, the arrow set) and the annotations.
On top of it sit the context-dependent operations: evaluation (§2.4), type inference (§2.8),
the subterm-object walk performed by every definition (§3.1) and higher-order unification for
backward steps (§2.7). The uses of an arrow — forward enumeration (§4.4), the built-in equality
rules (§2.9), backward subgoal enumeration (§4.5) — are in `arrows.py`, inherited from
`ArrowUses`.

A derivation is mutable while it is being built (loading a theory, a checker block); proof
states treat it as a value: they `copy()` before defining anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from .arrows import ArrowUses
from .errors import TypeCheckError
from .language import BUILTIN_RULES, EQ, PROP, TYPE, is_builtin_app, is_equality, is_numeric_atom
from .paths import captured, free_occurrences, replace_at
from .terms import (
    App,
    Arrow,
    Atom,
    Decl,
    Lambda,
    PatDecl,
    Term,
    all_names,
    alpha_equivalent,
    apply_unifier,
    free_params,
    match,
    same_term,
    subst,
    term_info,
)


@dataclass(frozen=True, slots=True)
class Definition:
    """One context entry: `name : type [= value]`, with what the kernel derives from it once."""

    type: Term
    value: Term | None
    is_proof: bool  # SPEC §2.8 "object is a proof": type(type) = prop, or an equality
    evaluated: Term  # eval(Atom(name)): the value unfolded, or the atom itself
    eval_type: Term  # eval(type)


class Derivation(ArrowUses):
    """Definitions in insertion order plus the indexes of SPEC §3.1."""

    __slots__ = (
        "defs",
        "values",
        "type_names",
        "eval_types",
        "first_by_eval",
        "arrows",
        "valued",
        "forward",
        "backward",
        "counter",
        "forward_refs",
        "owned",
    )

    def __init__(self) -> None:
        self.defs: dict[str, Definition] = {}
        # "existing values": term -> first name it was registered under (never overwritten)
        self.values: dict[Term, str] = {}
        # declared type -> names with exactly that type (raw-inhabited test, redundancy filter)
        self.type_names: dict[Term, list[str]] = {}
        # evaluated type -> names (eval-inhabited test, backward enumeration)
        self.eval_types: dict[Term, list[str]] = {}
        # The name lists of those two indexes that this derivation made itself and may extend
        # in place; a copy shares the others with its original, so both copy before extending.
        self.owned: set[int] = set()
        # evaluated object -> first name in insertion order that evaluates to it
        self.first_by_eval: dict[Term, str] = {}
        self.arrows: set[str] = set(BUILTIN_RULES)
        self.valued: set[str] = set()  # names that have a value (evaluation's fast path)
        self.forward: dict[str, tuple[PatDecl, ...]] = {}
        self.backward: dict[str, tuple[str, ...]] = {}
        self.counter = 0  # `next_id()`: numeric suffixes of checker-defined names
        # Names used in a definition before being defined themselves: defining one later
        # re-evaluates everything, since cached evaluations may unfold it now.
        self.forward_refs: frozenset[str] = frozenset()
        # `type` is predefined outside the insertion order; `prop` inside it, then re-defined
        # so that its subterm object `prop@type` follows it (as the golden `state` shows).
        self._set("prop", Definition(TYPE, None, False, PROP, TYPE))
        self.define("prop", TYPE)

    # -- copying ---------------------------------------------------------------------------

    def copy(self) -> Derivation:
        new = Derivation.__new__(Derivation)
        new.defs = self.defs.copy()
        new.values = self.values.copy()
        new.type_names = self.type_names.copy()
        new.eval_types = self.eval_types.copy()
        new.first_by_eval = self.first_by_eval.copy()
        new.arrows = self.arrows.copy()
        new.valued = self.valued.copy()
        new.forward = self.forward  # annotations are never changed after loading a theory
        new.backward = self.backward
        new.counter = self.counter
        new.forward_refs = self.forward_refs
        new.owned = set()
        self.owned = set()  # the lists are shared now: the original copies before extending too
        return new

    # -- lookups ---------------------------------------------------------------------------

    def lookup(self, name: str) -> Definition | None:
        return self.defs.get(name)

    def next_id(self) -> int:
        self.counter += 1
        return self.counter

    def fresh(self, prefix: str) -> str:
        """SPEC §4.8: `prefix` if unused, else `prefix0`, `prefix1`, …"""
        if prefix not in self.defs and prefix != "type":
            return prefix
        i = 0
        while f"{prefix}{i}" in self.defs:
            i += 1
        return f"{prefix}{i}"

    def raw_inhabited(self, t: Term) -> bool:
        return t in self.type_names

    def eval_inhabited(self, t: Term) -> bool:
        return self.eval(t) in self.eval_types

    # -- evaluation (§2.4) -----------------------------------------------------------------

    def eval(self, t: Term) -> Term:
        k = type(t)
        if k is Atom:
            d = self.defs.get(t.name)  # type: ignore[attr-defined]
            return t if d is None else d.evaluated
        names, redex = term_info(t)
        if not redex and self.valued.isdisjoint(names):
            return t
        if k is App:
            f = self.eval(t.fn)  # type: ignore[attr-defined]
            kf = type(f)
            if kf is Lambda:
                return self._beta(f, t.args)  # type: ignore[arg-type, attr-defined]
            if kf is App:
                return App(f.fn, f.args + t.args)  # type: ignore[attr-defined]
            args = tuple(self.eval(a) for a in t.args)  # type: ignore[attr-defined]
            return App(t.fn, args)  # type: ignore[attr-defined]  # the original `f` is kept
        if k is Arrow:
            return Arrow(tuple(self.eval(i) for i in t.inputs), self.eval(t.output))  # type: ignore[attr-defined]
        if k is Decl:
            return Decl(t.name, self.eval(t.type))  # type: ignore[attr-defined]
        if k is PatDecl:
            return PatDecl(self.eval(t.pattern), self.eval(t.type))  # type: ignore[attr-defined]
        return t  # Lambda: bodies are not evaluated

    def _beta(self, f: Lambda, args: tuple[Term, ...]) -> Term:
        # One parameter at a time, substituting into the lambda over the remaining ones, so
        # that the capture-avoiding substitution renames a later parameter if it must.
        current: Term = f
        i = 0
        while i < len(args) and type(current) is Lambda:
            first, rest = current.params[0], current.params[1:]  # type: ignore[attr-defined]
            scope = Lambda(rest, current.body) if rest else current.body  # type: ignore[attr-defined]
            current = subst(scope, first.name, self.eval(args[i]))
            i += 1
        if i < len(args):
            # Over-application: the result is applied to the arguments left (the original
            # drops them, which changes what the term says).
            if type(current) is App:
                return App(current.fn, current.args + args[i:])  # type: ignore[attr-defined]
            return App(current, args[i:])
        return current  # not evaluated again (§2.4)

    def equivalent(self, t1: Term, t2: Term) -> bool:
        """SPEC §2.5: alpha-equivalence of the evaluated terms."""
        return alpha_equivalent(self.eval(t1), self.eval(t2))

    # -- typing (§2.8) ---------------------------------------------------------------------

    def type_of(
        self, t: Term, env: dict[str, Term] | None = None, memo: dict | None = None
    ) -> Term:
        """Infer the type of `t`; `env` holds the declarations of enclosing binders.

        Every node is typed once (S8): an arrow or a lambda is typed by walking its parts, and
        the walk reuses the types it has found instead of typing each subterm again, so
        nested arrows cost polynomial time, not 2^depth. `memo` (arrow and lambda nodes →
        their type, per environment) lives for one top-level call.
        """
        k = type(t)
        if k is Atom:
            name = t.name  # type: ignore[attr-defined]
            if env is not None and name in env:
                return env[name]
            d = self.defs.get(name)
            if d is not None:
                return d.type
            if name == "type":
                return TYPE
            if is_numeric_atom(name):
                raise TypeCheckError(f"numeric literal {name} is not supported", t.pos)
            raise TypeCheckError(f"undeclared atom {name}", t.pos)
        if k is App:
            return self._type_of_app(t, env, memo)  # type: ignore[arg-type]
        if k is not Arrow and k is not Lambda:
            return t.type  # type: ignore[attr-defined]  # Decl, PatDecl
        if memo is None:
            memo = {}
        key = (t, tuple(env.items()) if env else ())
        found = memo.get(key)
        if found is not None:
            return found
        inner = dict(env) if env else {}
        if k is Arrow:
            # Deliberate difference: every application inside the arrow is typed (plain inputs
            # and the output too, not only the binders' types), so that an ill-typed term
            # cannot hide inside a statement until an intro walks it (docs/kernel.md).
            for i in t.inputs:  # type: ignore[attr-defined]
                if type(i) is Decl:
                    self.check_walk(i.type, inner, memo)
                    inner[i.name] = i.type
                else:
                    self.check_walk(i, inner, memo)
            output = t.output  # type: ignore[attr-defined]
            out = self.check_walk(output, inner, memo)  # the type of the output itself
            evaluated = self.eval(output)
            if evaluated is not output:  # the arrow's sort is that of the evaluated output
                out = self.type_of(evaluated, inner, memo)
            found = PROP if out == PROP else TYPE
        else:
            for p in t.params:  # type: ignore[attr-defined]
                self.check_walk(p.type, inner, memo)
                inner[p.name] = p.type
            body_type = self.type_of(t.body, inner, memo)  # type: ignore[attr-defined]
            found = Arrow(tuple(p.type for p in t.params), body_type)  # type: ignore[attr-defined]
        memo[key] = found
        return found

    def _type_of_app(
        self,
        t: App,
        env: dict[str, Term] | None,
        memo: dict | None = None,
        known: tuple[Term, list[Term]] | None = None,
    ) -> Term:
        """The type of an application; `known` holds the types of its function and arguments
        when the walk has already found them (they are not typed again)."""
        if t.fn == EQ:
            return PROP  # `=` applications are not checked here (the walk types their parts)
        fn_type = known[0] if known is not None else self.type_of(t.fn, env, memo)
        if type(fn_type) is not Arrow:
            raise TypeCheckError(f"ill-typed application {t}: {t.fn} is not a function", t.pos)
        inputs = list(fn_type.inputs)  # type: ignore[attr-defined]
        output = fn_type.output  # type: ignore[attr-defined]
        if len(t.args) > len(inputs):
            raise TypeCheckError(
                f"ill-typed application {t}: {t.fn} takes {len(inputs)} argument(s), "
                f"given {len(t.args)}",
                t.pos,
            )
        for i, arg in enumerate(t.args):
            unifier: dict[str, Term] = {}
            expected = inputs[i]
            arg_type = known[1][i] if known is not None else self.type_of(arg, env, memo)
            if type(expected) is Decl:
                ok = match(Atom(expected.name), self.eval(arg), unifier) and match(
                    expected.type, arg_type, unifier
                )
                shown = expected.type
            else:
                ok = match(expected, arg_type, unifier)
                shown = expected
            if not ok:
                raise TypeCheckError(
                    f"ill-typed application {t}: argument {arg} has type {arg_type}, "
                    f"expected {shown}",
                    arg.pos or t.pos,
                )
            for name, value in unifier.items():
                if captured(value, tuple(inputs), i + 1):
                    raise TypeCheckError(
                        f"ill-typed application {t}: {value} would be captured by a binder",
                        arg.pos or t.pos,
                    )
                for j in range(i + 1, len(inputs)):
                    inputs[j] = self.eval(subst(inputs[j], name, value))
                output = self.eval(subst(output, name, value))
        if len(t.args) == len(inputs):
            return output
        return Arrow(tuple(inputs), output)  # partial application keeps every input (§2.8)

    def check_walk(
        self, t: Term, env: dict[str, Term] | None = None, memo: dict | None = None
    ) -> Term:
        """Type every node the subterm walk of §3.1 would define, without defining anything;
        return the type of `t`. Each node is typed once: an application's type is found from
        the types the walk found for its parts."""
        if type(t) is App and not is_builtin_app(t):
            if memo is None:
                memo = {}
            fn_type = self.check_walk(t.fn, env, memo)  # type: ignore[attr-defined]
            arg_types = [self.check_walk(a, env, memo) for a in t.args]  # type: ignore[attr-defined]
            return self._type_of_app(t, env, memo, (fn_type, arg_types))  # type: ignore[arg-type]
        return self.type_of(t, env, memo)

    # -- defining (§3.1) -------------------------------------------------------------------

    def define(self, name: str, type_: Term, value: Term | None = None) -> None:
        """Define `name : type_ [= value]` with its subterm objects (SPEC §3.1).

        Raises TypeCheckError (located at the offending atom or application) when a walked
        node cannot be typed; the derivation may then hold some of the subterm objects.
        """
        if name.startswith("'"):
            # A parameter-named object could be captured by binders: never allowed.
            raise TypeCheckError(f"a parameter ({name}) cannot be defined", type_.pos)
        type_type = self._walk(type_, name + "@type", True)
        evaluated: Term = Atom(name)
        if value is not None:
            evaluated = self.eval(value)
            if _tree_size(evaluated, MAX_UNFOLDED) > MAX_UNFOLDED:
                # Shared subterms make an unfolded value's tree exponential in the file
                # (`d1 : nat = (+ d0 d0).` …): the walk below would never end (S8).
                raise TypeCheckError(
                    f"the value of {name} unfolds to more than {MAX_UNFOLDED} nodes", value.pos
                )
            self._walk(evaluated, name, False)
            self.values.setdefault(value, name)
            if is_builtin_app(value):
                evaluated = Atom(name)  # built-in proof terms do not unfold (§2.4)
        self.values.setdefault(Atom(name), name)
        is_proof = type_type == PROP or is_equality(type_)
        unresolved = self._undefined_names(type_, value)
        if unresolved:
            self.forward_refs = self.forward_refs | unresolved
        self._set(name, Definition(type_, value, is_proof, evaluated, self.eval(type_)))
        if name in self.forward_refs:
            self.forward_refs = self.forward_refs - {name}
            self._reindex()

    def _undefined_names(self, type_: Term, value: Term | None) -> frozenset[str]:
        names = term_info(type_)[0]
        if value is not None:
            names = names | term_info(value)[0]
        defs = self.defs
        return frozenset(
            n for n in names if n not in defs and not n.startswith("'") and n != "type"
        )

    def _walk(self, t: Term, path: str, define_root: bool) -> Term | None:
        """Post-order walk through applications; returns the type of `t` when it is defined."""
        k = type(t)
        known = None  # the types of an application's parts, as the walk found them
        if k is App:
            if is_builtin_app(t):
                self.values.setdefault(t, path)
                return None
            fn_type = self._walk(t.fn, path + "@0", True)  # type: ignore[attr-defined]
            arg_types = [self._walk(a, f"{path}@{i}", True) for i, a in enumerate(t.args, 1)]  # type: ignore[attr-defined]
            if fn_type is not None and all(a is not None for a in arg_types):
                known = (fn_type, arg_types)
        elif k is Atom and is_numeric_atom(t.name):  # type: ignore[attr-defined]
            raise TypeCheckError(f"numeric literal {t.name} is not supported", t.pos)  # type: ignore[attr-defined]
        node_type = None
        if define_root:
            # An application is typed from its parts' types (each node typed once, S8).
            node_type = self._type_of_app(t, None, None, known) if known else self.type_of(t)  # type: ignore[arg-type]
            node_type_type = self.type_of(node_type)
            is_proof = node_type_type == PROP or is_equality(node_type)
            self._set(path, Definition(node_type, t, is_proof, self.eval(t), self.eval(node_type)))
        self.values.setdefault(t, path)
        return node_type

    def _set(self, name: str, d: Definition) -> None:
        if name in self.defs:
            self.defs[name] = d  # replaced in place: the first position is kept
            self._reindex()
            return
        self.defs[name] = d
        self._index(name, d)

    def _index(self, name: str, d: Definition) -> None:
        self._append(self.type_names, d.type, name)
        self._append(self.eval_types, d.eval_type, name)
        self.first_by_eval.setdefault(d.evaluated, name)
        if type(d.type) is Arrow:
            self.arrows.add(name)
        if d.value is not None:
            self.valued.add(name)

    def _append(self, index: dict[Term, list[str]], key: Term, name: str) -> None:
        """Add `name` to `index[key]`, in place when this derivation owns the list (amortised
        constant time; a tuple rebuilt at each addition was quadratic in a wide term)."""
        names = index.get(key)
        if names is not None and id(names) in self.owned:
            names.append(name)
            return
        names = [*names, name] if names is not None else [name]
        index[key] = names
        self.owned.add(id(names))

    def _reindex(self) -> None:
        """Rebuild every index after a redefinition (rare: theories and verify scripts only)."""
        self.type_names, self.eval_types, self.first_by_eval = {}, {}, {}
        self.owned = set()
        self.arrows, self.valued = set(BUILTIN_RULES), set()
        for n, d in self.defs.items():
            if d.value is not None:
                self.valued.add(n)
        for n, d in list(self.defs.items()):
            evaluated = (
                self.eval(d.value)
                if d.value is not None and not is_builtin_app(d.value)
                else Atom(n)
            )
            try:
                is_proof = self.type_of(d.type) == PROP or is_equality(d.type)
            except TypeCheckError:
                is_proof = d.is_proof  # the type was typed when defined; keep that verdict
            d = Definition(d.type, d.value, is_proof, evaluated, self.eval(d.type))
            self.defs[n] = d
            self._index(n, d)

    # -- higher-order unification (§2.7) ---------------------------------------------------

    def ndunify(
        self, p: Term, c: Term, env: dict[str, Term] | None = None
    ) -> list[dict[str, Term]]:
        """All unifiers of pattern `p` with `c`, as bindings of `p`'s pattern variables.

        Deliberate difference (S6): the binders that two arrows declare at the same position
        are one bound variable, represented on both sides by a fresh local name (`'#k`, which
        no parsed term holds) mapped in `env` to its type. A local matches only itself, no
        pattern variable may take a value that mentions one, and flex-rigid abstraction
        replaces only the occurrences that mean what the argument means. The original maps
        the pattern's binder to the concrete binder's name and lets a shadowing binder's
        occurrences be replaced too (`apply nat_ind` on `[('n : nat) -> (= 'n z) -> [('n :
        nat) -> (= 'n z)]]` abstracted the inner `'n`, attack F2).
        """
        return self._ndunify(p, c, {} if env is None else dict(env))

    def _ndunify(self, p: Term, c: Term, env: dict[str, Term]) -> list[dict[str, Term]]:
        kp, kc = type(p), type(c)
        if kp is Atom and p.is_param:  # type: ignore[attr-defined]
            if p.name in env:  # type: ignore[attr-defined]
                return [{}] if c == p else []  # a bound variable is only itself
            if env and not term_info(c)[0].isdisjoint(env):
                return []  # the value would mention a bound variable
            return [{p.name: c}]  # type: ignore[attr-defined]
        if kp is Arrow and kc is Arrow:
            m, n = len(p.inputs), len(c.inputs)  # type: ignore[attr-defined]
            if m > n:
                return []
            first_p, first_c = p.inputs[0], c.inputs[0]  # type: ignore[attr-defined]
            if (type(first_p) is Decl) != (type(first_c) is Decl):
                return []  # a declared input is not a plain one
            rest_p = p.output if m == 1 else Arrow(p.inputs[1:], p.output)  # type: ignore[attr-defined]
            rest_c = c.output if n == 1 else Arrow(c.inputs[1:], c.output)  # type: ignore[attr-defined]
            inner = env
            if type(first_p) is Decl:
                found = self._ndunify(first_p.type, first_c.type, env)  # type: ignore[attr-defined]
                local = f"'#{len(env)}"
                while local in env:
                    local += "'"
                inner = {**env, local: first_c.type}  # type: ignore[attr-defined]
                rest_p = subst(rest_p, first_p.name, Atom(local))  # type: ignore[attr-defined]
                rest_c = subst(rest_c, first_c.name, Atom(local))  # type: ignore[attr-defined]
            else:
                found = self._ndunify(first_p, first_c, env)
            out = []
            for u in found:
                for v in self._ndunify(apply_unifier(rest_p, u), rest_c, inner):
                    r = dict(v)
                    for key, val in u.items():
                        r.setdefault(key, val)
                    out.append(r)
            return out
        if kp is App:
            f = p.fn  # type: ignore[attr-defined]
            if type(f) is Atom and f.is_param and f.name not in env:  # type: ignore[attr-defined]
                return self._flex_rigid(f.name, p.args, c, env)  # type: ignore[attr-defined]
            if kc is not App or len(c.args) != len(p.args):  # type: ignore[attr-defined]
                return []
            unifiers = self._ndunify(f, c.fn, env)  # type: ignore[attr-defined]
            for a, ca in zip(p.args, c.args):  # type: ignore[attr-defined]
                nxt = []
                for u in unifiers:
                    for v in self._ndunify(apply_unifier(a, u), ca, env):
                        r = dict(u)
                        r.update(v)
                        nxt.append(r)
                unifiers = nxt
                if not unifiers:
                    break
            return unifiers
        return [{}] if same_term(p, c) else []

    def _flex_rigid(
        self, fname: str, args: tuple[Term, ...], c: Term, env: dict[str, Term]
    ) -> list[dict[str, Term]]:
        """`('f a1 … ak)` against `c`: abstract every occurrence of each `ai` in `c`."""
        try:
            arg_types = [self.type_of(a, env) for a in args]
        except TypeCheckError:
            return []
        # The original names them literally '0, '1, …; a name already used in `c` (binders
        # included) or in the arguments would be captured, so ours skip to unused names.
        used = all_names(c).union(*(all_names(a) for a in args))
        params = []
        for i in range(len(args)):
            name = f"'{i}"
            while name in used:
                name = "'_" + name[1:]
            params.append(Atom(name))
        # Occurrence paths are collected on the original `c`, for a1 first, then a2, …; an
        # occurrence under a binder of one of the argument's parameters is another term.
        paths: list[tuple[tuple[int, ...], Atom]] = []
        for a, param in zip(args, params):
            for path in free_occurrences(c, a):
                paths.append((path, param))
        body = c
        for path, param in paths:
            replaced = replace_at(body, path, param)
            if replaced is not None:
                body = replaced
        allowed = {q.name for q in params}
        if free_params(body) - allowed:
            return []  # `c` depends on more than the arguments (every free one counts, S6)
        decls = tuple(Decl(q.name, t) for q, t in zip(params, arg_types))
        value = Lambda(decls, body)
        if env and not term_info(value)[0].isdisjoint(env):
            return []  # a parameter's type mentions a bound variable
        return [{fname: value}]


MAX_UNFOLDED = 20_000  # nodes of a definition's evaluated value that `define` walks


def _tree_size(t: Term, limit: int) -> int:
    """The number of nodes of `t` counted as a tree (a shared subterm once per occurrence),
    stopping early once past `limit`; linear in the number of distinct subterms."""
    sizes: dict[int, int] = {}

    def size(u: Term) -> int:
        known = sizes.get(id(u))
        if known is not None:
            return known
        total = 1
        k = type(u)
        if k is App:
            for child in (u.fn, *u.args):  # type: ignore[attr-defined]
                total += size(child)
                if total > limit:
                    break
        elif k is Arrow:
            total += sum(size(i) for i in u.inputs) + size(u.output)  # type: ignore[attr-defined]
        elif k is Lambda:
            total += sum(size(p) for p in u.params) + size(u.body)  # type: ignore[attr-defined]
        elif k is Decl:
            total += size(u.type)  # type: ignore[attr-defined]
        sizes[id(u)] = total
        return total

    return size(t)
