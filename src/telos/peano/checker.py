"""The proof checker (SPEC §3 with the soundness rules S1–S5 of §3.7).

`check_items` checks every block of a parsed file and returns one `BlockResult` per block, in
file order. A block is checked in a fresh derivation holding the declarations that precede
it (their final definitions) and the statements of earlier blocks that passed (S1); a
verify/example/test block sees the whole file, with lemma statements defined iff they pass.
Each step is one small function named after the rule it implements (`_show`, `_intro`, …).

`load_context` builds the derivation a proof state starts from: a theory's declarations and
annotations, plus the statements of its proof blocks that check.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from . import core
from .arrows import EnumerationLimit
from .core import CoreError
from .derivation import Derivation
from .errors import PeanoError, ProofError, TypeCheckError
from .language import BUILTIN_SET, EQ, is_builtin_app, is_numeric_atom
from .syntax import (
    ApplyStep,
    Assume,
    Backward,
    ConstructStep,
    CurrentGoalStep,
    Declare,
    Forward,
    GoalBlock,
    HaltStep,
    HaveBlock,
    IntroStep,
    Item,
    ProofBlock,
    ShowStep,
    Using,
    VerifyBlock,
)
from .terms import App, Arrow, Atom, Decl, Pos, Term, all_names, atoms, subst


@dataclass(frozen=True)
class BlockResult:
    """The verdict on one block: `ok`, or the failing step's position and the reason."""

    name: str
    kind: str
    ok: bool
    message: str | None = None
    pos: Pos | None = None
    file: str | None = None
    warnings: tuple[str, ...] = ()

    def line(self, main_file: str | None = None) -> str:
        """`NAME: ok` or `NAME: error at LINE:COL: reason` (the format of `telos check`).

        The file is named too when the failure lies in another file than `main_file` (an
        imported file or a theory loaded first).
        """
        if self.ok:
            return f"{self.name}: ok"
        where = ""
        if self.pos is not None:
            where = f" at {self.pos[0]}:{self.pos[1]}"
            if self.file is not None and self.file != main_file:
                where = f" at {self.file}:{self.pos[0]}:{self.pos[1]}"
        message = self.message or ""
        if len(message) > MESSAGE_LIMIT:  # a term of a hostile file can be megabytes long
            message = message[: MESSAGE_LIMIT - 1] + "…"
        return f"{self.name}: error{where}: {message}"


MESSAGE_LIMIT = 1000  # characters of a failure's reason that `line` prints


@dataclass
class _Entry:
    """A name of the file-level context: its final definition and where it comes from."""

    type: Term
    value: Term | None
    pos: Pos
    file: str | None
    block: ProofBlock | None = None  # set for the statement of a proof block


@dataclass
class _Goals:
    """The goal stack of §3.3: `goals`, of which the first `proven` are discharged.

    Alongside, the proof term the core will check: `trail` holds the block's local context in
    order (an intro is a `lam`, a fact or object a `let`), `root` the proof of the block's
    statement once its goal is discharged, `applied` the arrow and arguments of an `apply`
    whose open premises (`("goal", i)`) the goal blocks that follow prove into `subproofs`.
    """

    goals: list[Term]
    proven: int = 0
    warnings: list[str] = field(default_factory=list)
    trail: list[tuple[str, str, core.Term, core.Term | None]] = field(default_factory=list)
    root: core.Term | None = None
    applied: tuple[core.Term, list] | None = None
    subproofs: dict[int, core.Term] = field(default_factory=dict)

    def close(self, proof: core.Term) -> None:
        """The open goal is proven by `proof` (in the context of the trail so far)."""
        if self.root is None and len(self.goals) == 1 and self.applied is None:
            self.root = _wrap(self.trail, proof)

    def script(self) -> core.Term:
        """Every step as a chain of `let`s and `λ`s: what each claims, checked even where the
        goal was already closed (a `have` or `goal` block's proof term holds its steps)."""
        return _wrap(self.trail, core.from_named(Atom("prop")))

    def proof(self, pos: Pos) -> core.Term:
        """The proof term of the block's statement (the goals are all discharged)."""
        if self.root is not None:
            return self.root
        if self.applied is not None:
            head, slots = self.applied
            args = [self.subproofs.get(s[1]) if isinstance(s, tuple) else s for s in slots]
            if all(a is not None for a in args):
                return _wrap(self.trail, core.App(head, tuple(args)) if args else head)
        raise ProofError("the steps do not add up to a proof term", pos)


def _wrap(trail: list, body: core.Term) -> core.Term:
    """`body` under the binders of `trail`, innermost last."""
    for kind, name, type_, value in reversed(trail):
        body = core.abstract(body, name)
        if kind == "lam":
            body = core.Lam(name, type_, body)
        else:
            body = core.Let(name, type_, value, body)
    return body


class _Halt(Exception):
    pass


# -- the file-level pass ---------------------------------------------------------------------


def check_items(
    items: list[tuple[Item, str | None]], wanted: set[str] | None = None
) -> list[BlockResult]:
    """Check every block of a file (imports already expanded into `(item, file)` pairs).

    With `wanted` (block names), stop after the last wanted proof block: the blocks after it
    get no result (their verdicts cannot change the wanted ones).
    """
    return CheckedContext().check(items, wanted)


class CheckedContext:
    """A context that grows by checked blocks: a theory's items, then files or single blocks,
    each block checked once against everything before it (the lemma library's use).

    The verdicts are the core's (`core.Checker`); this module elaborates each block — runs
    its steps by the rules of SPEC §3, with their messages — into the proof term it checks.
    """

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._scope = _Scope()
        self._warnings: dict[int, tuple[str, ...]] = {}
        self._checker = core.Checker(self._elaborate, self._explain)

    def check(
        self, items: list[tuple[Item, str | None]], wanted: set[str] | None = None
    ) -> list[BlockResult]:
        """Check the blocks of `items` after what this context holds; passing statements
        join it, as do the declarations of `items`."""
        for item, file in items:
            if isinstance(item, (Declare, Assume)):
                name = item.name if isinstance(item, Declare) else f"__pobj{item.offset}"
                value = item.value if isinstance(item, Declare) else None
                entry = _Entry(item.type, value, item.pos, file)
            elif isinstance(item, ProofBlock):
                name, entry = item.name, _Entry(item.statement, None, item.pos, file, item)
            else:
                continue
            # S7: the first declaration of a name stands; a second one is the core's error.
            if name not in self._entries:
                self._entries[name] = entry
                self._scope.entries.append((name, entry))
        results = []
        for v in self._checker.feed(items, wanted):
            shown = self._warnings.pop(id(v.block), ())
            block = v.block
            results.append(
                BlockResult(block.name, block.kind, v.ok, v.message, v.pos, v.file, shown)
            )
        return results

    def _elaborate(self, block: ProofBlock | VerifyBlock, file: str | None, passed: set[str]):
        goals = _Goals([block.statement] if isinstance(block, ProofBlock) else [])
        try:
            if isinstance(block, ProofBlock):
                return _check_proof_block(block, self._scope.before(block.name, passed), goals)
            return _check_verify_block(block, self._scope.before(None, passed), goals)
        except RecursionError:
            raise ProofError("the proof is too deeply nested", block.pos) from None
        finally:
            self._warnings[id(block)] = tuple(goals.warnings)

    def _explain(self, item: Declare | Assume, file: str | None) -> PeanoError | None:
        """The located type error of a declaration the core refused, if ours finds one."""
        name = item.name if isinstance(item, Declare) else f"__pobj{item.offset}"
        try:
            d = _context(self._entries, frozenset(), name)
            _located_define(d, name, item.type, getattr(item, "value", None), item.pos)
        except TypeCheckError as e:
            return TypeCheckError(e.message, e.pos, e.file or file)
        except (PeanoError, RecursionError):
            return None
        return None


def _context(entries: dict[str, _Entry], passed: set[str], before: str | None) -> Derivation:
    """A fresh derivation with the entries preceding `before` (all if None), S1 applied."""
    d = Derivation()
    for name, entry in entries.items():
        if name == before:
            break
        if entry.block is not None and name not in passed:
            continue  # S1: the statement of a failing block is not defined at all
        try:
            d.define(name, entry.type, entry.value)
        except TypeCheckError as e:
            raise TypeCheckError(e.message, e.pos or entry.pos, entry.file) from None
    return d


class _Scope:
    """The derivation blocks start from, extended as the file goes on (the driver asks in
    file order), so that no block re-defines what an earlier one already has."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, _Entry]] = []  # in order of first declaration
        self.base = Derivation()
        self.cursor = 0
        self.error: TypeCheckError | None = None

    def before(self, name: str | None, passed: set[str]) -> Derivation:
        """A copy of the context of the block named `name` (the whole file for None)."""
        while self.error is None and self.cursor < len(self.entries):
            entry_name, entry = self.entries[self.cursor]
            if entry_name == name:
                break
            self.cursor += 1
            if entry.block is not None and entry_name not in passed:
                continue  # S1: the statement of a failing block is not defined at all
            try:
                self.base.define(entry_name, entry.type, entry.value)
            except TypeCheckError as e:
                self.error = TypeCheckError(e.message, e.pos or entry.pos, entry.file)
        if self.error is not None:
            raise self.error
        return self.base.copy()


def _check_proof_block(
    block: ProofBlock, d: Derivation, goals: _Goals
) -> tuple[core.Term, core.Term]:
    """Run the block's steps in `d`; return the proof term of its statement and the script
    of all its steps."""
    _no_numeric_atoms(block.statement)
    require_closed(d, block.statement)
    d._walk(block.statement, d.fresh("goal"), True)
    _run(d, goals, block.actions)
    if goals.proven < len(goals.goals):
        raise ProofError(f"proof goal is still open: {goals.goals[goals.proven]}", _end_pos(block))
    return goals.proof(block.pos), goals.script()


def _check_verify_block(
    block: VerifyBlock, d: Derivation, goals: _Goals
) -> tuple[None, core.Term]:
    """Run the script in `d`; return its facts as a chain the core types."""
    _run(d, goals, block.items)
    return None, goals.script()


def _end_pos(block: ProofBlock) -> Pos:
    return block.actions[-1].pos if block.actions else block.pos


# -- the steps (§3.3) ------------------------------------------------------------------------


def _run(d: Derivation, goals: _Goals, actions: tuple) -> None:
    try:
        for i, step in enumerate(actions):
            if isinstance(step, ApplyStep):
                _apply(d, goals, step, actions[i + 1 :])
            elif isinstance(step, ShowStep):
                _show(d, goals, step)
            elif isinstance(step, ConstructStep):
                _construct(d, goals, step)
            elif isinstance(step, IntroStep):
                _intro(d, goals, step)
            elif isinstance(step, CurrentGoalStep):
                _current_goal(d, goals, step)
            elif isinstance(step, GoalBlock):
                _goal_block(d, goals, step)
            elif isinstance(step, HaveBlock):
                _have(d, goals, step)
            elif isinstance(step, HaltStep):
                raise _Halt
            elif isinstance(step, Declare):
                _located_define(d, step.name, step.type, step.value, step.pos)
                _record(d, goals, step.name, step.type, step.value)
            elif isinstance(step, Assume):
                _located_define(d, f"__pobj{step.offset}", step.type, None, step.pos)
                _record(d, goals, f"__pobj{step.offset}", step.type, None)
            elif isinstance(step, Using):
                pass  # accepted and ignored, also inside nested blocks (S5)
            else:  # pragma: no cover - the parser produces nothing else
                raise ProofError(f"unexpected step {step!r}")
    except _Halt:
        return


def _located_define(d: Derivation, name: str, type_: Term, value: Term | None, pos: Pos) -> None:
    try:
        d.define(name, type_, value)
    except TypeCheckError as e:
        raise TypeCheckError(e.message, e.pos or pos) from None


def _record(d: Derivation, goals: _Goals, name: str, type_: Term, value: Term | None) -> None:
    """Add `name` to the proof term's context: a `let` with a value, else a `lam`."""
    kind = "lam" if value is None else "let"
    core_value = None if value is None else _to_core(d, value)
    goals.trail.append((kind, name, _to_core(d, type_), core_value))


def _to_core(d: Derivation, t: Term) -> core.Term:
    """The core term of a term of `d`: subterm objects (`goal0@1`) unfolded to their values,
    the built-in rules' proof terms as the core's own forms."""
    if is_builtin_app(t):
        rule, args = t.fn.name, t.args  # type: ignore[attr-defined]
        if rule == "eq_refl" and len(args) == 1:
            return core.EqRefl(_to_core(d, args[0]))
        if rule == "eq_symm" and len(args) == 1:
            return core.EqSymm(_to_core(d, args[0]))
        if rule == "rewrite" and len(args) == 2 and type(args[1]) is Atom:
            parts = args[1].name.split("@")  # type: ignore[attr-defined]
            k = len(parts)
            while k > 1 and parts[k - 1].isdigit():
                k -= 1
            if k > 1 and parts[k - 1] == "type":
                path = tuple(int(p) for p in parts[k:])
                proof = _to_core(d, Atom("@".join(parts[: k - 1])))
                return core.Rewrite(_to_core(d, args[0]), proof, path)
        raise ProofError(f"{t} is not a proof term of a built-in rule", t.pos)
    try:
        return core.from_named(_unfold_objects(d, t))
    except CoreError as e:
        raise ProofError(f"{t} cannot be given to the kernel's core: {e}", t.pos) from None


def _unfold_objects(d: Derivation, t: Term) -> Term:
    """`t` with every subterm object replaced by its value (closed terms: nothing captured)."""
    names = [n for n in all_names(t) if "@" in n]
    for name in names:
        definition = d.lookup(name)
        if definition is not None and definition.value is not None:
            t = subst(t, name, _unfold_objects(d, definition.value))
    return t


def _no_numeric_atoms(*terms: Term) -> None:
    """S5: a numeric atom (legacy rational literal) is a located error wherever it appears."""
    for t in terms:
        for a in atoms(t):
            if is_numeric_atom(a.name):
                raise TypeCheckError(f"numeric literal {a.name} is not supported", a.pos)


def require_closed(d: Derivation, statement: Term) -> None:
    """Every constant of a statement must be declared (a located error otherwise).

    The walk of §3.1 never looks inside arrows, so the original accepts a statement that
    mentions an undeclared `x`, which a later `intro x` then captures (docs/kernel.md).
    """
    for a in atoms(statement):
        if not a.is_param and a.name != "type" and d.lookup(a.name) is None:
            raise TypeCheckError(f"undeclared atom {a.name}", a.pos)


def _typed_as(d: Derivation, value: Term, type_: Term) -> bool:
    """Check, then build: a forward result's proof term must have the type it claims, by
    the application typing of §2.8 (a second road to the same answer as the enumeration).
    The built-in rules' results are built by their own small rules and taken as they are."""
    if is_builtin_app(value):
        return True
    try:
        return d.equivalent(d.type_of(value), type_)
    except TypeCheckError:
        return False


def _results(d: Derivation, goals: _Goals, arrow: str, pos: Pos) -> Iterable[tuple[Term, Term]]:
    """What `show … by arrow` may take: every forward result, no filter (§3.3), in order (a
    built-in rule's one at a time: the step stops at the first that fits).

    A name that is not defined gives no result (the step fails); unlike the original, which
    prints a warning and carries on to the same failure, the error names the cause.
    """
    if arrow in BUILTIN_SET:
        return itertools.islice(d.iter_builtin_results(arrow), MAX_BUILTIN_RESULTS)
    if d.lookup(arrow) is None:
        goals.warnings.append(f"no arrow {arrow} in context")
        raise ProofError(f"{arrow} is not defined here (no arrow {arrow} in context)", pos)
    return _lazy(lambda: _bounded_results(d, arrow)[0])


MAX_TRIES = 50_000  # candidates a step's forward enumeration may try (S8), see docs/kernel.md
# Results of a built-in rule listed past the targeted search: each can be as large as the
# context's terms (a rewrite copies its proposition), so their number is kept small. The
# targeted search finds every fitting rewrite but those equal only up to binder names.
MAX_BUILTIN_RESULTS = 1_000


def _bounded_results(d: Derivation, arrow: str) -> tuple[list[tuple[Term, Term]], bool]:
    """The results of `arrow`, in order, as far as `MAX_TRIES` candidates (or, for a built-in
    rule, results) go; and whether that is all of them."""
    if arrow in BUILTIN_SET:
        cap = MAX_BUILTIN_RESULTS
        results = list(itertools.islice(d.iter_builtin_results(arrow), cap + 1))
        return results[:cap], len(results) <= cap
    try:
        return d.forward_results(arrow, max_tries=MAX_TRIES), True
    except EnumerationLimit as stop:
        return stop.results, False


def _describe(d: Derivation, arrow: str) -> str:
    """A failed step's reason: what the arrow does give (the whole list, as §3.3 counts it)."""
    results, complete = _bounded_results(d, arrow)
    if not complete:
        limit = MAX_BUILTIN_RESULTS if arrow in BUILTIN_SET else MAX_TRIES
        what = "results" if arrow in BUILTIN_SET else "candidates"
        return (f"its enumeration stops after {limit} {what} (a limit), with "
                f"{len(results)} result(s), none of them this")
    if not results:
        return "it gives no result"
    shown = [str(type_) for _value, type_ in results[:6]]
    more = f", … ({len(results)} in all)" if len(results) > 6 else ""
    return f"it gives {len(results)} result(s): " + ", ".join(shown) + more


def _discharge(d: Derivation, goals: _Goals, fact: Term, name: str) -> None:
    """The fact `name` discharges the open goal if it states it."""
    if goals.proven < len(goals.goals) and d.equivalent(fact, goals.goals[goals.proven]):
        goals.close(core.Var(name))
        goals.proven += 1


def _show(d: Derivation, goals: _Goals, step: ShowStep) -> None:
    """`show T by A.`: the first result of A whose type is equivalent to T becomes a fact."""
    _no_numeric_atoms(step.type)
    results = _results(d, goals, step.by, step.by_pos)
    # First the results that can state the target, found from it; then, lazily, all of them.
    if step.by == "rewrite":
        results = itertools.chain(_rewrites_to(d, d.eval(step.type)), results)
    elif step.by not in BUILTIN_SET:
        results = itertools.chain(d.forward_results(step.by, target=d.eval(step.type)), results)
    for value, type_ in results:
        if d.equivalent(type_, step.type) and _typed_as(d, value, type_):
            name = d.fresh(f"_{d.next_id()}")
            _located_define(d, name, type_, value, step.pos)
            _record(d, goals, name, type_, value)
            _discharge(d, goals, type_, name)
            return
    raise ProofError(f"show {step.type} by {step.by}: {_describe(d, step.by)}", step.pos)


def _lazy(make: Callable[[], list]) -> Iterator:
    """The items of `make()`, computed only if someone asks for the first."""
    yield from make()


def _rewrites_to(d: Derivation, target: Term) -> list[tuple[Term, Term]]:
    """The first result of `rewrite` (§2.9) whose type is `target`, in the rule's order, found from
    the target: a proof's proposition must differ from it at one place, where an equation's
    left side stands and its right side is wanted. Listing every result instead costs
    equations × proofs × occurrences, which a context of many lemmas cannot afford. (A result
    equal to the target only up to renaming of binders is not found here; the full list,
    tried next, has it.)"""
    equations: dict[Term, list[tuple[int, str, Term]]] = {}
    proofs: list[tuple[str, Term]] = []
    for index, (name, definition) in enumerate(d.defs.items()):
        t = definition.type
        if type(t) is App and t.fn == EQ and len(t.args) == 2 and t.args[0] != t.args[1]:  # type: ignore[attr-defined]
            left, right = d.eval(t.args[0]), d.eval(t.args[1])  # type: ignore[attr-defined]
            equations.setdefault(left, []).append((index, name, right))
        if definition.is_proof:
            proofs.append((name, definition.eval_type))
    best: tuple | None = None  # the first in the rule's order: equation, proof, path
    for h_index, (h, prop) in enumerate(proofs):
        for path in _differences(prop, target, ()):
            old, new = _at(prop, path), _at(target, path)
            for e_index, e, right in equations.get(old, ()):
                if right == new:  # the first equation that fits is the earliest for this place
                    if best is None or (e_index, h_index, path) < best[:3]:
                        best = (e_index, h_index, path, e, h)
                    break
    if best is None:
        return []
    _e_index, _h_index, path, e, h = best
    loc = "".join(f"@{i}" for i in path)
    return [(App(Atom("rewrite"), (Atom(e), Atom(f"{h}@type{loc}"))), target)]


def _differences(t: Term, target: Term, path: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    """The paths (through applications) at which replacing `t`'s subterm by `target`'s makes
    the two equal."""
    if t == target:
        return
    yield path
    if type(t) is App and type(target) is App and len(t.args) == len(target.args):  # type: ignore[attr-defined]
        pairs = list(zip((t.fn, *t.args), (target.fn, *target.args)))  # type: ignore[attr-defined]
        differ = [i for i, (a, b) in enumerate(pairs) if a != b]
        if len(differ) == 1:
            i = differ[0]
            yield from _differences(pairs[i][0], pairs[i][1], path + (i,))


def _at(t: Term, path: tuple[int, ...]) -> Term:
    for i in path:
        t = t.fn if i == 0 else t.args[i - 1]  # type: ignore[attr-defined]
    return t


def _construct(d: Derivation, goals: _Goals, step: ConstructStep) -> None:
    """`construct N : T = v by A.`: as `show`, the value must match too; defines N<id>."""
    _no_numeric_atoms(step.type, step.value)
    results = _results(d, goals, step.by, step.by_pos)
    for value, type_ in results:
        if (
            d.equivalent(type_, step.type)
            and d.equivalent(value, step.value)
            and _typed_as(d, value, type_)
        ):
            # The object is named N followed by the next id (kept from the original, §3.7).
            # A taken name gets a fresh variant: redefining an object in place (e.g. an
            # intro'd variable) would change what earlier facts say (soundness).
            name = d.fresh(f"{step.name}{d.next_id()}")
            _located_define(d, name, type_, value, step.pos)
            _record(d, goals, name, type_, value)
            _discharge(d, goals, type_, name)
            return
    raise ProofError(
        f"construct {step.name} : {step.type} = {step.value} by {step.by}: "
        f"{_describe(d, step.by)}",
        step.pos,
    )


def _intro(d: Derivation, goals: _Goals, step: IntroStep) -> None:
    """`intro N : T.`: introduce the goal's first input; T must be its type (S4)."""
    _no_numeric_atoms(step.type)
    if len(goals.goals) != 1:
        raise ProofError(f"intro needs exactly one goal, there are {len(goals.goals)}", step.pos)
    goal = d.eval(goals.goals[0])
    if type(goal) is not Arrow:
        raise ProofError(f"intro: the goal {goal} is not an arrow", step.pos)
    first = goal.inputs[0]
    input_type = first.type if type(first) is Decl else first
    if not d.equivalent(step.type, input_type):
        raise ProofError(
            f"introduced variable has type {input_type}, not {step.type}", step.type.pos or step.pos
        )
    name = d.fresh(step.name)
    _located_define(d, name, input_type, None, step.pos)
    _record(d, goals, name, input_type, None)
    rest: Term = goal.output if len(goal.inputs) == 1 else Arrow(goal.inputs[1:], goal.output)
    if type(first) is Decl:
        rest = subst(rest, first.name, Atom(name))
    if len(goal.inputs) == 1:
        try:
            d._walk(rest, d.fresh("goal"), True)
        except TypeCheckError as e:
            raise TypeCheckError(e.message, e.pos or step.pos) from None
        if d.raw_inhabited(rest):
            goals.close(_to_core(d, Atom(d.type_names[rest][0])))
            goals.goals = []
            return
    goals.goals = [rest]


def _current_goal(d: Derivation, goals: _Goals, step: CurrentGoalStep) -> None:
    _no_numeric_atoms(step.term)
    if len(goals.goals) != 1:
        raise ProofError(f"current goal: there are {len(goals.goals)} goals, not one", step.pos)
    if not d.equivalent(step.term, goals.goals[0]):
        raise ProofError(f"the current goal is {goals.goals[0]}, not {step.term}", step.pos)


def _apply(d: Derivation, goals: _Goals, step: ApplyStep, rest: tuple) -> None:
    """`apply A.` then `goal` blocks naming one of the subgoal lists A leaves open."""
    if len(goals.goals) != 1:
        raise ProofError(f"apply needs exactly one goal, there are {len(goals.goals)}", step.pos)
    definition = d.lookup(step.name)
    if definition is None:
        raise ProofError(f"apply: unknown name {step.name}", step.name_pos)
    if type(definition.type) is not Arrow:
        raise ProofError(f"apply: {step.name} is not an arrow", step.name_pos)
    goal = goals.goals[0]
    if not d.ndunify(definition.type.output, goal):
        raise ProofError(f"apply: could not unify {step.name} with the goal {goal}", step.pos)
    chosen: list[Term] = []
    for later in rest:
        if isinstance(later, Using):
            continue  # ignored wherever it appears (§1.2)
        if not isinstance(later, GoalBlock):
            raise ProofError("after apply, only goal blocks may follow", later.pos)
        _no_numeric_atoms(later.term)
        chosen.append(later.term)
    candidates = d.subgoal_lists(step.name, goal)
    for goal_list in candidates:
        if len(goal_list) == len(chosen) and all(
            d.equivalent(g, c) for g, c in zip(goal_list, chosen)
        ):
            witness = _apply_witness(d, step.name, goal, goal_list)
            if witness is None:
                raise ProofError(f"apply {step.name}: no arguments give these goals", step.pos)
            goals.applied = witness
            goals.goals = list(goal_list)
            goals.proven = 0  # S3: the goal blocks that follow match against this list
            return
    listed = " | ".join("; ".join(map(str, gl)) or "(nothing left)" for gl in candidates[:4])
    raise ProofError(
        f"apply {step.name}: the goal blocks do not name a list of open premises "
        f"(candidates: {listed or 'none'})",
        step.pos,
    )


def _subproof(d: Derivation, goals: _Goals, term: Term, actions: tuple, pos: Pos, what: str):
    """Check `actions` against the single goal `term` in a copy of the derivation."""
    _no_numeric_atoms(term)
    require_closed(d, term)
    inner = d.copy()
    try:
        inner._walk(term, inner.fresh("goal"), True)
    except TypeCheckError as e:
        raise TypeCheckError(e.message, e.pos or pos) from None
    sub = _Goals([term])
    try:
        _run(inner, sub, actions)
    finally:
        goals.warnings.extend(sub.warnings)
    if sub.proven < len(sub.goals):
        end = actions[-1].pos if actions else pos
        raise ProofError(f"{what} {term}: goal is still open: {sub.goals[sub.proven]}", end)
    return sub.proof(pos)


def _goal_block(d: Derivation, goals: _Goals, step: GoalBlock) -> None:
    """`goal G { … }`: prove G; it discharges the open goal only if it is that goal (S3)."""
    open_goal = goals.proven < len(goals.goals)
    if open_goal and not d.equivalent(step.term, goals.goals[goals.proven]):
        raise ProofError(
            f"goal block {step.term} does not match the open goal {goals.goals[goals.proven]}",
            step.pos,
        )
    proof = _subproof(d, goals, step.term, step.actions, step.pos, "subgoal")
    if open_goal:
        if goals.applied is not None:
            goals.subproofs[goals.proven] = proof
        else:
            goals.close(proof)
        goals.proven += 1
    else:  # it discharges nothing, but the core still checks it (as a fact no name can use)
        goals.trail.append(("let", f"~{len(goals.trail)}", _to_core(d, step.term), proof))


def _have(d: Derivation, goals: _Goals, step: HaveBlock) -> None:
    """`have G { … }`: prove G, then add it to the context as a fact; discharges nothing."""
    proof = _subproof(d, goals, step.term, step.actions, step.pos, "have")
    name = d.fresh(f"_{d.next_id()}")
    _located_define(d, name, step.term, None, step.pos)
    goals.trail.append(("let", name, _to_core(d, step.term), proof))


def _apply_witness(
    d: Derivation, name: str, goal: Term, chosen: tuple[Term, ...]
) -> tuple[core.Term, list] | None:
    """The arrow and its arguments for an `apply` that leaves exactly `chosen` open: for each
    input, a core term, or `("goal", i)` for the i-th open premise."""
    for open_, args in d.iter_apply_witnesses(name, goal):
        if len(open_) == len(chosen) and all(d.equivalent(g, c) for g, c in zip(open_, chosen)):
            slots = [a if isinstance(a, tuple) else _to_core(d, a) for a in args]
            return _to_core(d, Atom(name)), slots
    return None


# -- contexts for proof states ---------------------------------------------------------------


def load_context(items: list[tuple[Item, str | None]]) -> Derivation:
    """The derivation of a theory: declarations (final definitions, insertion order), the
    statements of its proof blocks that pass (S1), and the `#forward`/`#backward` annotations.

    Raises the located TypeCheckError of the first declaration that cannot be typed.
    """
    results = check_items(items)
    passed = {r.name for r in results if r.ok}
    entries: dict[str, _Entry] = {}
    forward: dict[str, tuple] = {}
    backward: dict[str, tuple[str, ...]] = {}
    seen_blocks: set[str] = set()
    for item, file in items:
        if isinstance(item, (Declare, Assume)):
            name = item.name if isinstance(item, Declare) else f"__pobj{item.offset}"
            value = item.value if isinstance(item, Declare) else None
            if name in seen_blocks:  # S2, as in `check_items`
                raise TypeCheckError(
                    f"declaration of {name} reuses the name of a proof block", item.pos, file
                )
            if name in entries:
                entries[name].type, entries[name].value, entries[name].file = (
                    item.type,
                    value,
                    file,
                )
            else:
                entries[name] = _Entry(item.type, value, item.pos, file)
        elif isinstance(item, ProofBlock):
            if item.name not in seen_blocks and item.name not in entries:
                entries[item.name] = _Entry(item.statement, None, item.pos, file, item)
            seen_blocks.add(item.name)
        elif isinstance(item, Forward):
            forward.setdefault(item.name, item.preconditions)  # the first annotation wins
        elif isinstance(item, Backward):
            backward.setdefault(item.name, item.modes)
    d = _context(entries, passed, None)
    d.forward = forward
    d.backward = backward
    return d
