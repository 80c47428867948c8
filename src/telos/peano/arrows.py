"""Using an arrow of the context: the enumerations behind proof-state actions and checker steps.

- forward (§4.4): every `(value, type)` obtained by applying an arrow to objects of the context;
- the built-in rules (§2.9): `eq_refl`, `eq_symm`, `rewrite`;
- backward (§4.5): every list of premises left open by applying an arrow to a goal.

`ArrowUses` only groups these methods; they run on a `Derivation` (which inherits them) and
read its definitions and indexes.
"""

from __future__ import annotations

from collections.abc import Iterator

from .errors import TypeCheckError
from .language import BUILTIN_SET, EQ, TYPE, is_equality
from .paths import app_occurrences, captured, replace_at, subst_inputs
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
    fresh_param,
    is_param,
    match,
    subst,
    term_info,
)


class EnumerationLimit(Exception):
    """The forward enumeration tried as many candidates as it was allowed; `results` holds
    what it found until then."""

    results: list[tuple[Term, Term]] = []


class ArrowUses:
    """The arrow-using methods of `Derivation` (they read its `defs`, indexes and `eval`)."""

    __slots__ = ()

    # -- forward use of an arrow (§4.4) -----------------------------------------------------

    def forward_results(
        self,
        name: str,
        preconditions: tuple[PatDecl, ...] = (),
        target: Term | None = None,
        max_tries: float = float("inf"),
    ) -> list[tuple[Term, Term]]:
        """Every `(value, type)` obtained by applying arrow `name` to objects of the context.

        `preconditions` are the ghost inputs of a `#forward` annotation. No redundancy filter
        (the proof-state API applies it) and no de-duplication beyond §4.4's per-prefix one.
        With an evaluated `target`, only results that can have that type are listed (in the
        same order): a declared input that the arrow's output fixes is tried only with the
        first object whose value is the one the target shows there. The checker asks so
        first, since a context of many objects makes the full list costly. After `max_tries`
        candidates tried, `EnumerationLimit` is raised with the results found so far (S8:
        the number of argument tuples grows as objects ** inputs).
        """
        if name in BUILTIN_SET:
            return self.builtin_results(name)
        d = self.defs.get(name)
        if d is None or type(d.type) is not Arrow:
            return []
        arrow = d.type
        inputs = tuple(preconditions) + arrow.inputs  # type: ignore[attr-defined]
        objects: list[tuple[str, Term, Term]] = []  # the candidates, listed when first needed
        out: list[tuple[Term, Term]] = []
        forced: dict[str, Term] = {}
        if target is not None:
            if not self._fixes_inputs(arrow, target, forced):  # type: ignore[arg-type]
                return []
        try:
            self._forward(
                Atom(name), inputs, 0, len(preconditions), arrow.output, {}, (), objects, out,  # type: ignore[attr-defined]
                forced, [max_tries],
            )
        except EnumerationLimit as stop:
            stop.results = out
            raise
        return out

    def _fixes_inputs(self, arrow: Arrow, target: Term, forced: dict[str, Term]) -> bool:
        """Fill `forced` with the values the target gives the arrow's declared inputs, by
        matching its output; False when no result can have that type. Only where that is
        exact: distinct binder names, and an output that evaluation cannot reshape (no
        lambda, no application of a parameter, no atom with a value)."""
        names = [i.name for i in arrow.inputs if type(i) is Decl]
        if len(set(names)) != len(names):
            return True  # nothing forced: the full enumeration
        for t in _subterms(arrow.output):
            if type(t) is Lambda or (type(t) is App and is_param(t.fn)):  # type: ignore[attr-defined]
                return True
            if type(t) is Atom and t.name in self.valued:  # type: ignore[attr-defined]
                return True
        unifier: dict[str, Term] = {}
        if not match(arrow.output, target, unifier):
            return False
        forced.update((n, v) for n, v in unifier.items() if n in names)
        return True

    def _forward(
        self,
        fn: Atom,
        inputs: tuple[Term, ...],
        k: int,
        n_ghost: int,
        output: Term,
        recorded: dict[str, str],
        args: tuple[Term, ...],
        objects: list[tuple[str, Term, Term]],
        out: list[tuple[Term, Term]],
        forced: dict[str, Term],
        budget: list[float],
    ) -> None:
        if k == len(inputs):
            out.append((App(fn, args[n_ghost:]), self.eval(output)))
            return
        current = inputs[k]
        kind = type(current)
        if kind is PatDecl:
            value_pattern: Term | None = current.pattern  # type: ignore[attr-defined]
            type_pattern = current.type  # type: ignore[attr-defined]
        elif kind is Decl:
            s = recorded.get(current.name)  # type: ignore[attr-defined]
            value_pattern = self.eval(Atom(s)) if s is not None else Atom(current.name)  # type: ignore[attr-defined]
            type_pattern = current.type  # type: ignore[attr-defined]
        else:
            value_pattern = None
            type_pattern = current
        candidates = None
        if kind is Decl and current.name in forced and value_pattern == Atom(current.name):  # type: ignore[attr-defined]
            value_pattern = forced[current.name]  # type: ignore[attr-defined]  # only this value fits
        if value_pattern is not None and not any(
            n.startswith("'") for n in term_info(value_pattern)[0]
        ):
            # A pattern without parameters matches exactly the structurally equal values, and
            # the per-prefix "already tried" set keeps only the first object with that value.
            first = self.first_by_eval.get(value_pattern)
            if first is None:
                return
            if not first.startswith("!tac"):  # else: scan, the first allowed one may be later
                o = self.defs[first]
                candidates = [(first, o.evaluated, o.type)]
        if candidates is None:
            if not objects:
                objects.extend(
                    (n, o.evaluated, o.type)
                    for n, o in self.defs.items()
                    if not n.startswith("!tac")
                )
            candidates = objects
        tried: set[Term] = set()
        for cand, cand_value, cand_type in candidates:
            if cand_value in tried:
                continue
            tried.add(cand_value)
            budget[0] -= 1
            if budget[0] < 0:
                raise EnumerationLimit()
            unifier: dict[str, Term] = {}
            if value_pattern is not None and not match(value_pattern, cand_value, unifier):
                continue
            if not match(type_pattern, cand_type, unifier):
                continue
            if kind is Decl:
                # The binder takes the candidate (also when an earlier binding forced it and
                # the pattern was closed): substituted in its scope only.
                unifier.setdefault(current.name, cand_value)  # type: ignore[attr-defined]
            next_inputs = inputs
            next_output = output
            next_recorded = recorded
            if unifier:
                if any(captured(t, inputs, k + 1) for t in unifier.values()):
                    continue  # a binding would be captured by a later input's binder
                next_inputs_list = list(inputs)
                next_recorded = dict(recorded)
                for y, t in unifier.items():
                    s = self.values.get(t)
                    if s is not None and not (kind is Decl and y == current.name):  # type: ignore[attr-defined]
                        next_recorded[y] = s
                    else:
                        # A later input declaring the current binder's name again declares
                        # a new variable: nothing forces its value (S6).
                        next_recorded.pop(y, None)
                    if subst_inputs(next_inputs_list, k + 1, y, t):
                        next_output = subst(next_output, y, t)
                next_inputs = tuple(next_inputs_list)
            self._forward(
                fn,
                next_inputs,
                k + 1,
                n_ghost,
                next_output,
                next_recorded,
                args + (Atom(cand),),
                objects,
                out,
                forced,
                budget,
            )

    # -- built-in rules (§2.9) ---------------------------------------------------------------

    def builtin_results(self, name: str) -> list[tuple[Term, Term]]:
        return list(self.iter_builtin_results(name))

    def iter_builtin_results(self, name: str) -> Iterator[tuple[Term, Term]]:
        """The results of a built-in rule one at a time, in order (the checker stops at the
        first that states its target, so a large context costs only what precedes it)."""
        if name == "eq_refl":
            return self._eq_refl()
        if name == "eq_symm":
            return self._eq_symm()
        if name == "rewrite":
            return self._rewrite()
        return iter(())  # `eval` (rational arithmetic, definition unfolding) is out of scope

    def _eq_refl(self) -> Iterator[tuple[Term, Term]]:
        seen: set[Term] = set()
        rule = Atom("eq_refl")
        for n, d in self.defs.items():
            if d.evaluated in seen:
                continue
            seen.add(d.evaluated)
            if d.is_proof or d.type == TYPE or type(d.eval_type) is Arrow:
                continue
            v = d.value if d.value is not None else Atom(n)
            yield (App(rule, (Atom(n),)), App(EQ, (v, v)))

    def _eq_symm(self) -> Iterator[tuple[Term, Term]]:
        rule = Atom("eq_symm")
        for n, d in self.defs.items():
            t = d.type
            if type(t) is App and t.fn == EQ and len(t.args) == 2 and t.args[0] != t.args[1]:  # type: ignore[attr-defined]
                yield (App(rule, (Atom(n),)), App(EQ, (t.args[1], t.args[0])))  # type: ignore[attr-defined]

    def _rewrite(self) -> Iterator[tuple[Term, Term]]:
        rule = Atom("rewrite")
        proofs = [(n, d.eval_type) for n, d in self.defs.items() if d.is_proof]
        for e, d in self.defs.items():
            t = d.type
            if not (type(t) is App and t.fn == EQ and len(t.args) == 2):  # type: ignore[attr-defined]
                continue
            a, b = t.args  # type: ignore[attr-defined]
            if a == b:
                continue
            a_eval, b_eval = self.eval(a), self.eval(b)
            e_atom = Atom(e)
            for h, prop in proofs:
                for path in app_occurrences(prop, a_eval, ()):
                    loc = "".join(f"@{i}" for i in path)
                    value = App(rule, (e_atom, Atom(f"{h}@type{loc}")))
                    yield (value, replace_at(prop, path, b_eval))  # type: ignore[arg-type]

    # -- backward use of an arrow (§4.5) ----------------------------------------------------

    def subgoal_lists(
        self, name: str, goal: Term, modes: tuple[str, ...] = ()
    ) -> list[tuple[Term, ...]]:
        """Every list of premises left open by applying arrow `name` backwards to `goal`.

        `modes` are the `#backward` marks (`infer` premises must already be inhabited); the
        checker passes none. Inhabitants of unbound declared inputs come in insertion order.
        """
        return list(self.iter_subgoal_lists(name, goal, modes))

    def iter_subgoal_lists(
        self, name: str, goal: Term, modes: tuple[str, ...] = ()
    ) -> Iterator[tuple[Term, ...]]:
        """`subgoal_lists`, one at a time (so that asking whether there is any stops early)."""
        for open_, _args in self.iter_apply_witnesses(name, goal, modes):
            yield open_

    def iter_apply_witnesses(
        self, name: str, goal: Term, modes: tuple[str, ...] = ()
    ) -> Iterator[tuple[tuple[Term, ...], tuple]]:
        """Each list of open premises with the arguments that give it, one per input of the
        arrow: the unifier's value or the chosen inhabitant for a declared input, the first
        object that proves a discharged premise, `("goal", i)` for the i-th open one. The
        checker turns them into the proof term of an `apply`."""
        d = self.defs.get(name)
        if d is None or type(d.type) is not Arrow:
            return
        arrow = telescope_apart(d.type)  # type: ignore[arg-type]
        try:
            unifiers = self.ndunify(arrow.output, goal)  # type: ignore[attr-defined]
        except TypeCheckError:
            return
        for u in unifiers:
            # Check, then build: the arrow's conclusion under the unifier must be the goal
            # (a guard on the unification code, which is not small enough to trust alone).
            # Arrows are compared uncurried: [A -> [B -> C]] states what [A -> B -> C] does.
            concluded = _uncurried(self.eval(apply_unifier(arrow.output, u)))  # type: ignore[attr-defined]
            if not alpha_equivalent(concluded, _uncurried(self.eval(goal))):
                continue
            yield from self._subgoals(arrow.inputs, 0, u, (), (), modes)  # type: ignore[attr-defined]

    def _subgoals(
        self,
        inputs: tuple[Term, ...],
        k: int,
        u: dict[str, Term],
        acc: tuple[Term, ...],
        args: tuple,
        modes: tuple[str, ...],
    ) -> Iterator[tuple[tuple[Term, ...], tuple]]:
        if k == len(inputs):
            yield acc, args
            return
        current = inputs[k]
        if type(current) is Decl:
            if current.name in u:
                yield from self._subgoals(inputs, k + 1, u, acc, args + (u[current.name],), modes)
                return
            target = self.eval(apply_unifier(current.type, u))
            seen: set[Term] = set()
            for n in self.eval_types.get(target, ()):
                o = self.defs[n]
                key = o.eval_type if is_equality(o.eval_type) else o.evaluated
                if key in seen:
                    continue
                seen.add(key)
                bound = dict(u)
                bound[current.name] = Atom(n)
                yield from self._subgoals(inputs, k + 1, bound, acc, args + (Atom(n),), modes)
            return
        g = self.eval(apply_unifier(current, u))
        if free_params(g):
            return  # an open premise (every free parameter counts, input types too: S6)
        proofs = self.eval_types.get(g)
        if proofs:  # discharged by the first object that proves it
            yield from self._subgoals(inputs, k + 1, u, acc, args + (Atom(proofs[0]),), modes)
        elif k < len(modes) and modes[k] == "infer":
            return
        else:
            open_premise = ("goal", len(acc))
            yield from self._subgoals(inputs, k + 1, u, acc + (g,), args + (open_premise,), modes)


def telescope_apart(arrow: Arrow) -> Arrow:
    """`arrow` with every input binder whose name a later input declares again, or that
    occurs outside the binder's scope (an implicit parameter of the same name), renamed
    throughout its scope. The backward enumeration keys unifiers and choices by name, so
    each name must be one variable (S6); without this, `[('n : nat) -> (= 'n z) -> ('n :
    nat) -> …]` took its first `'n` to be the conclusion's. Arrows without such a binder are
    returned as they are."""
    inputs = list(arrow.inputs)
    output = arrow.output
    for i, b in enumerate(inputs):
        if type(b) is not Decl:
            continue
        later = inputs[i + 1 :]
        again = any(type(j) is Decl and j.name == b.name for j in later)  # type: ignore[attr-defined]
        outside = b.name in free_params(Arrow(tuple(inputs[:i]), b.type) if i else b.type)
        if not (again or outside):
            continue
        fresh = fresh_param(b.name, all_names(Arrow(tuple(inputs), output)))
        if i + 1 < len(inputs):
            scope = subst(Arrow(tuple(inputs[i + 1 :]), output), b.name, Atom(fresh))
            inputs[i + 1 :], output = list(scope.inputs), scope.output  # type: ignore[attr-defined]
        else:
            output = subst(output, b.name, Atom(fresh))
        inputs[i] = Decl(fresh, b.type)
    if output is arrow.output and inputs == list(arrow.inputs):
        return arrow
    return Arrow(tuple(inputs), output)


def _uncurried(t: Term) -> Term:
    """`[A -> [B -> C]]` as `[A -> B -> C]`, at the top and in every output position."""
    if type(t) is not Arrow:
        return t
    output = _uncurried(t.output)  # type: ignore[attr-defined]
    if type(output) is Arrow:
        return Arrow(t.inputs + output.inputs, output.output)  # type: ignore[attr-defined]
    return t if output is t.output else Arrow(t.inputs, output)  # type: ignore[attr-defined]


def _subterms(t: Term) -> Iterator[Term]:
    """Every node of `t`, binders' types included."""
    yield t
    k = type(t)
    if k is App:
        yield from _subterms(t.fn)  # type: ignore[attr-defined]
        for a in t.args:  # type: ignore[attr-defined]
            yield from _subterms(a)
    elif k is Arrow or k is Lambda:
        for i in t.inputs if k is Arrow else t.params:  # type: ignore[attr-defined]
            yield from _subterms(i)
        yield from _subterms(t.output if k is Arrow else t.body)  # type: ignore[attr-defined]
    elif k is Decl:
        yield from _subterms(t.type)  # type: ignore[attr-defined]
