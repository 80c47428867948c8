"""Random terms rich in shadowing, and the differential cases run on them.

The generator (`TermGen`, seeded) draws binder and parameter names from a small pool that
collides on purpose: nested arrows and lambdas re-bind the same names, values mention names
that are binders of the term they are substituted into, and names such as `'b_0` and `'_0`
are the ones the kernel's renaming schemes produce. Every `check_*` function below runs one
random case of one operation through the kernel and through the naive reference of
`reference_terms.py`, and returns a description of the difference, or None when both agree
(results compared up to α, by their de Bruijn forms). `run_cases` drives them;
`tests/test_differential.py` and `benchmarks/differential.py` call it.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field

from reference_terms import (
    alpha_ref,
    beta_ref,
    free_params_ref,
    match_ref,
    ndunify_ref,
    rebind_ref,
    subst_ref,
    to_db,
)

from telos.peano import App, Arrow, Atom, Decl, Derivation, Lambda, Term, load_theory_text
from telos.peano.terms import alpha_equivalent, free_params, match, rebind, subst
from telos.theories import load_theory

PARAMS = ("'a", "'b", "'b_0", "'b_1", "'0", "'_0", "'n", "'n_0", "'x")
CONSTANTS = ("z", "nat", "prop", "c")
FUNCTIONS = ("s", "+", "=", "f")


class TermGen:
    """Seeded random named terms over a small, colliding name pool."""

    def __init__(self, rng: random.Random, params: tuple[str, ...] = PARAMS):
        self.rng = rng
        self.pool = params
        self.params = params

    def new_case(self) -> TermGen:
        """Draw this case's names: two to four of the pool (fewer names, more collisions),
        often a name together with the variant `'b_0` the kernel would rename it to."""
        k = self.rng.randint(2, 4)
        names = self.rng.sample(self.pool, k)
        if self.rng.random() < 0.3:
            names[-1] = names[0] + "_0"
        self.params = tuple(dict.fromkeys(names))
        return self

    def name(self, bound: tuple[str, ...]) -> str:
        """A binder name: often one already bound (shadowing), else any name of the pool."""
        if bound and self.rng.random() < 0.5:
            return self.rng.choice(bound)
        return self.rng.choice(self.params)

    def term(self, depth: int, bound: tuple[str, ...] = (), closed: bool = False) -> Term:
        r = self.rng.random()
        if depth <= 0 or r < 0.3:
            return self.atom(bound, closed)
        if r < 0.5:
            fn: Term = Atom(self.rng.choice(FUNCTIONS))
            if self.rng.random() < 0.15:
                fn = self.atom(bound, closed, constants=False)
            args = tuple(self.term(depth - 1, bound, closed) for _ in range(self.rng.randint(1, 3)))
            return App(fn, args)
        if r < 0.85:
            return self.binding(Arrow, depth, bound, closed)
        return self.binding(Lambda, depth, bound, closed)

    def atom(self, bound: tuple[str, ...], closed: bool, constants: bool = True) -> Term:
        r = self.rng.random()
        if bound and r < 0.55:
            return Atom(self.rng.choice(bound))
        if not closed and (r < 0.75 or not constants):
            return Atom(self.rng.choice(self.params))  # free, or bound by chance
        if not constants and bound:
            return Atom(self.rng.choice(bound))
        return Atom(self.rng.choice(CONSTANTS))

    def binding(self, kind: type, depth: int, bound: tuple[str, ...], closed: bool) -> Term:
        binders: list[Term] = []
        scope = bound
        for _ in range(self.rng.randint(1, 3)):
            if kind is Lambda or self.rng.random() < 0.65:
                ty = self.term(depth - 2, scope, closed)
                name = self.name(scope)
                binders.append(Decl(name, ty))
                scope = scope + (name,)
            else:
                binders.append(self.term(depth - 1, scope, closed))
        body = self.term(depth - 1, scope, closed)
        if kind is Arrow:
            return Arrow(tuple(binders), body)
        return Lambda(tuple(binders), body)  # type: ignore[arg-type]

    def variant(self, t: Term, scope: dict[str, str] | None = None, slip: float = 0.05) -> Term:
        """`t` with its binders renamed at random (which may capture: the reference decides)
        and, rarely, a bound occurrence pointed at another binder in scope."""
        scope = scope or {}
        k = type(t)
        if k is Atom:
            if t.name in scope:
                if self.rng.random() < slip:
                    return Atom(self.rng.choice(list(scope.values())))
                return Atom(scope[t.name])
            return t
        if k is App:
            return App(
                self.variant(t.fn, scope, slip), tuple(self.variant(a, scope, slip) for a in t.args)
            )
        if k is Arrow or k is Lambda:
            binders = []
            for b in t.inputs if k is Arrow else t.params:
                if type(b) is Decl:
                    new = self.rng.choice(self.params) if self.rng.random() < 0.6 else b.name
                    binders.append(Decl(new, self.variant(b.type, scope, slip)))
                    scope = {**scope, b.name: new}
                else:
                    binders.append(self.variant(b, scope, slip))
            body = self.variant(t.output if k is Arrow else t.body, scope, slip)
            return Arrow(tuple(binders), body) if k is Arrow else Lambda(tuple(binders), body)
        return t

    def pattern(self, t: Term, bound: frozenset[str] = frozenset(), seen=None) -> Term:
        """A pattern that `t` may be an instance of: subterms that mention no binder of `t`
        become pattern variables (the same subterm often the same variable), binders are
        renamed at random afterwards by `variant`."""
        seen = {} if seen is None else seen
        k = type(t)
        if not (free_params(t) & bound) and self.rng.random() < 0.25:
            if t in seen and self.rng.random() < 0.8:
                return seen[t]
            var = Atom(self.rng.choice(self.params))
            seen.setdefault(t, var)
            return var
        if k is App:
            return App(
                self.pattern(t.fn, bound, seen), tuple(self.pattern(a, bound, seen) for a in t.args)
            )
        if k is Arrow:
            inputs = []
            for i in t.inputs:
                if type(i) is Decl:
                    inputs.append(Decl(i.name, self.pattern(i.type, bound, seen)))
                    bound = bound | {i.name}
                else:
                    inputs.append(self.pattern(i, bound, seen))
            return Arrow(tuple(inputs), self.pattern(t.output, bound, seen))
        return t


def _binder_names(t: Term) -> set[str]:
    k = type(t)
    if k is Arrow or k is Lambda:
        out = {b.name for b in (t.inputs if k is Arrow else t.params) if type(b) is Decl}
        for child in (*(t.inputs if k is Arrow else t.params), t.output if k is Arrow else t.body):
            out |= _binder_names(child)
        return out
    if k is Decl:
        return _binder_names(t.type)
    if k is App:
        return _binder_names(t.fn).union(*(_binder_names(a) for a in t.args))
    return set()


# -- well-typed nat-add propositions for unification ---------------------------------------------

NAT_BINDERS = ("'n", "'m", "'n_0", "'0", "'_0", "'a")


# Per theory: the sort its binders range over, its constants and its functions with arities.
THEORY_TERMS = {
    "nat-add": ("nat", ("z",), (("s", 1), ("+", 2))),
    "nat-mul": ("nat", ("z",), (("s", 1), ("+", 2), ("*", 2))),
    "groups": ("G", ("id",), (("inv", 1), ("op", 2))),
    "propositional-logic": ("prop", ("false",), (("not", 1), ("and", 2), ("or", 2), ("iff", 2))),
}


def theory_expr(rng: random.Random, theory: str, depth: int, bound: tuple[str, ...]) -> Term:
    """A term of the theory's sort over the variables `bound`."""
    _sort, constants, functions = THEORY_TERMS[theory]
    if depth <= 0 or rng.random() < 0.35:
        if bound and rng.random() < 0.7:
            return Atom(rng.choice(bound))
        return Atom(rng.choice(constants))
    fn, arity = rng.choice(functions)
    return App(Atom(fn), tuple(theory_expr(rng, theory, depth - 1, bound) for _ in range(arity)))


def theory_prop(rng: random.Random, theory: str, depth: int, bound: tuple[str, ...] = ()) -> Term:
    """A closed, well-typed proposition of the theory whose binders shadow each other often."""
    sort = THEORY_TERMS[theory][0]
    if depth <= 0 or rng.random() < 0.35:
        if sort == "prop":
            return theory_expr(rng, theory, 2, bound)
        return App(
            Atom("="), (theory_expr(rng, theory, 2, bound), theory_expr(rng, theory, 2, bound))
        )
    inputs: list[Term] = []
    scope = bound
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.6:
            name = rng.choice(scope) if scope and rng.random() < 0.5 else rng.choice(NAT_BINDERS)
            inputs.append(Decl(name, Atom(sort)))
            scope = scope + (name,)
        else:
            inputs.append(theory_prop(rng, theory, depth - 1, scope))
    return Arrow(tuple(inputs), theory_prop(rng, theory, depth - 1, scope))


def nat_prop(rng: random.Random, depth: int) -> Term:
    return theory_prop(rng, "nat-add", depth)


def closed_parts(t: Term) -> list[Term]:
    """The subterms of `t` that are arrows with binders and mention no outer binder."""
    out = []
    stack = [t]
    while stack:
        u = stack.pop()
        if type(u) is Arrow:
            if any(type(i) is Decl for i in u.inputs) and not free_params(u) and u is not t:
                out.append(u)
            stack.extend(i.type if type(i) is Decl else i for i in u.inputs)
            stack.append(u.output)
        elif type(u) is App:
            stack.extend(u.args)
    return out


def higher_order_pattern(rng: random.Random, c: Term) -> Term:
    """A pattern `[('k : nat) -> … -> ('P args)]` over a prefix of `c`'s declared inputs (like
    `nat_ind`'s conclusion), or a plain `('P args)`."""
    inputs: list[Term] = []
    scope: tuple[str, ...] = ()
    if type(c) is Arrow:
        for i in c.inputs[: rng.randint(1, len(c.inputs))]:
            if type(i) is not Decl:
                break
            name = rng.choice(NAT_BINDERS + ("'P",))
            inputs.append(Decl(name, Atom("nat")))
            scope = scope + (name,)
    args = []
    for _ in range(rng.choice((1, 1, 1, 2))):
        r = rng.random()
        if scope and r < 0.6:
            args.append(Atom(rng.choice(scope)))
        elif scope and r < 0.8:
            args.append(App(Atom("s"), (Atom(rng.choice(scope)),)))
        elif r < 0.85:
            args.append(Atom("z"))
        elif r < 0.93 and closed_parts(c):
            # A closed part of `c` with binders of its own, renamed: its occurrences are
            # recognised whatever their binders are called.
            part = rng.choice(closed_parts(c))
            args.append(TermGen(rng, NAT_BINDERS).variant(part, slip=0.0))
        else:
            args.append(Atom(rng.choice(NAT_BINDERS)))  # a pattern variable: no type
    head = App(Atom(rng.choice(("'P", "'n", "'0"))), tuple(args))
    return Arrow(tuple(inputs), head) if inputs else head


# -- the cases -----------------------------------------------------------------------------------


def check_free_params(gen: TermGen) -> str | None:
    t = gen.new_case().term(4)
    got, want = free_params(t), free_params_ref(t)
    return None if got == want else f"free_params({t}) = {sorted(got)}, reference {sorted(want)}"


def check_subst(gen: TermGen) -> str | None:
    t = gen.new_case().term(gen.rng.randint(2, 5))
    free = sorted(free_params(t))
    name = gen.rng.choice(free) if free and gen.rng.random() < 0.8 else gen.rng.choice(gen.params)
    binders = sorted(_binder_names(t))
    if binders and gen.rng.random() < 0.5:
        value = Atom(gen.rng.choice(binders))  # a value that a binder of `t` would capture
    else:
        value = gen.term(gen.rng.randint(0, 2))
    got = subst(t, name, value)
    if to_db(got) == subst_ref(t, name, value):
        return None
    return f"subst({t}, {name}, {value}) = {got}"


def check_alpha(gen: TermGen) -> str | None:
    t1 = gen.new_case().term(gen.rng.randint(2, 5), closed=gen.rng.random() < 0.9)
    gen.new_case()
    t2 = gen.variant(t1, slip=gen.rng.choice((0.0, 0.15)))
    got, want = alpha_equivalent(t1, t2), alpha_ref(t1, t2)
    return None if got == want else f"alpha_equivalent({t1}, {t2}) = {got}, reference {want}"


def check_match(gen: TermGen) -> str | None:
    base = gen.new_case().term(gen.rng.randint(2, 5), closed=gen.rng.random() < 0.7)
    # Both sides are renamings of one term, either one possibly pointing a bound occurrence
    # at another binder: repeated names on one side, distinct ones on the other (F3).
    c = gen.new_case().variant(base, slip=gen.rng.choice((0.0, 0.0, 0.15)))
    gen.new_case()
    p = gen.variant(gen.pattern(base), slip=gen.rng.choice((0.0, 0.15)))
    unifier: dict[str, Term] = {}
    if gen.rng.random() < 0.2:
        unifier[gen.rng.choice(gen.params)] = gen.term(1, closed=True)
    want = match_ref(p, c, unifier)
    got_unifier = dict(unifier)
    ok = match(p, c, got_unifier)
    if ok != (want is not None):
        return f"match({p}, {c}, {unifier}) = {ok}, reference {want is not None}"
    if ok and {k: to_db(v) for k, v in got_unifier.items()} != want:
        return f"match({p}, {c}, {unifier}) binds {got_unifier}, reference {want}"
    return None


def check_beta(gen: TermGen) -> str | None:
    f = gen.new_case().binding(Lambda, gen.rng.randint(2, 5), (), False)
    args = tuple(gen.term(2) for _ in range(gen.rng.randint(1, len(f.params) + 1)))
    got = _EMPTY._beta(f, args)  # type: ignore[arg-type]
    if to_db(got) == beta_ref(f, args):  # type: ignore[arg-type]
        return None
    return f"beta(({f} {' '.join(map(str, args))})) = {got}"


def check_rebind(gen: TermGen) -> str | None:
    t = gen.new_case().term(gen.rng.randint(2, 5))
    old = gen.rng.choice(("x", "x0", *gen.params))
    if not old.startswith("'"):
        t = subst(t, gen.rng.choice(gen.params), Atom(old))
    new = gen.rng.choice(gen.params)
    got = rebind(t, old, new)
    if to_db(got) == rebind_ref(t, old, new):
        return None
    return f"rebind({t}, {old}, {new}) = {got}"


@dataclass
class _Nat:
    derivation: Derivation = field(
        default_factory=lambda: load_theory_text(load_theory("nat-add").text)
    )


_NAT: list[_Nat] = []
_EMPTY = Derivation()  # beta reduction in a context with no definition: arguments stay as they are


def check_ndunify(gen: TermGen) -> str | None:
    if not _NAT:
        _NAT.append(_Nat())
    d = _NAT[0].derivation
    rng = gen.rng
    c = nat_prop(rng, 3)
    if rng.random() < 0.6:
        p = higher_order_pattern(rng, c)
    else:
        p = TermGen(rng, NAT_BINDERS + ("'P",)).pattern(c)
        p = TermGen(rng, NAT_BINDERS + ("'P",)).variant(p, slip=0.05)
    got = [{k: to_db(v) for k, v in u.items()} for u in d.ndunify(p, c)]
    want = ndunify_ref(p, c)
    if got == want:
        return None
    return f"ndunify({p}, {c}) = {got}, reference {want}"


CHECKS = {
    "free_params": check_free_params,
    "subst": check_subst,
    "alpha": check_alpha,
    "match": check_match,
    "ndunify": check_ndunify,
    "beta": check_beta,
    "rebind": check_rebind,
}


@dataclass
class Report:
    cases: Counter = field(default_factory=Counter)
    differences: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0


def run_cases(n: int, seed: int = 0, keep: int = 3, operations=None) -> Report:
    """`n` random cases spread over the operations, seeded; differences counted per operation
    with the first `keep` examples of each."""
    report = Report()
    ops = list(operations or CHECKS)
    rng = random.Random(seed)
    gen = TermGen(rng)
    start = time.perf_counter()
    for i in range(n):
        op = ops[i % len(ops)]
        report.cases[op] += 1
        diff = CHECKS[op](gen)
        if diff is not None:
            report.differences[op] += 1
            shown = report.examples.setdefault(op, [])
            if len(shown) < keep:
                shown.append(diff)
    report.seconds = time.perf_counter() - start
    return report
