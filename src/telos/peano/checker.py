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

from dataclasses import dataclass, field

from .derivation import Derivation
from .errors import PeanoError, ProofError, TypeCheckError
from .language import is_builtin_app, is_numeric_atom
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
from .terms import Arrow, Atom, Decl, Pos, Term, atoms, subst


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
        return f"{self.name}: error{where}: {self.message}"


@dataclass
class _Entry:
    """A name of the file-level context: its final definition and where it comes from."""

    type: Term
    value: Term | None
    pos: Pos
    file: str | None
    block: ProofBlock | None = None  # set for the statement of a proof block
    error: PeanoError | None = None  # set when a declaration reuses a block's name (S2)


@dataclass
class _Goals:
    """The goal stack of §3.3: `goals`, of which the first `proven` are discharged."""

    goals: list[Term]
    proven: int = 0
    warnings: list[str] = field(default_factory=list)


class _Halt(Exception):
    pass


# -- the file-level pass ---------------------------------------------------------------------


def check_items(items: list[tuple[Item, str | None]]) -> list[BlockResult]:
    """Check every block of a file (imports already expanded into `(item, file)` pairs)."""
    entries: dict[str, _Entry] = {}
    block_names: set[str] = set()
    blocks: list[tuple[ProofBlock | VerifyBlock, str | None, bool]] = []  # (block, file, dup)
    for item, file in items:
        if isinstance(item, (Declare, Assume)):
            name = item.name if isinstance(item, Declare) else f"__pobj{item.offset}"
            value = item.value if isinstance(item, Declare) else None
            error = None
            if name in block_names:
                error = TypeCheckError(
                    f"declaration of {name} reuses the name of a proof block", item.pos, file
                )
            old = entries.get(name)
            if old is not None:
                old.type, old.value, old.block, old.file = item.type, value, None, file
                old.error = old.error or error
            else:
                entries[name] = _Entry(item.type, value, item.pos, file, None, error)
        elif isinstance(item, ProofBlock):
            duplicate = item.name in block_names or item.name in entries
            block_names.add(item.name)
            if not duplicate:
                entries[item.name] = _Entry(item.statement, None, item.pos, file, item)
            blocks.append((item, file, duplicate))
        elif isinstance(item, VerifyBlock):
            duplicate = item.name in block_names
            block_names.add(item.name)
            blocks.append((item, file, duplicate))

    passed: set[str] = set()
    results: dict[int, BlockResult] = {}
    # Proof blocks first, in file order (a lemma sees only earlier statements), then verify
    # blocks, which see every statement that passed (lemma verdicts never depend on them).
    for index, (block, file, duplicate) in enumerate(blocks):
        if isinstance(block, ProofBlock):
            results[index] = _check_proof_block(block, file, duplicate, entries, passed)
            if results[index].ok:
                passed.add(block.name)
    for index, (block, file, duplicate) in enumerate(blocks):
        if isinstance(block, VerifyBlock):
            results[index] = _check_verify_block(block, file, duplicate, entries, passed)
    return [results[i] for i in range(len(blocks))]


def _context(entries: dict[str, _Entry], passed: set[str], before: str | None) -> Derivation:
    """A fresh derivation with the entries preceding `before` (all if None), S1 applied."""
    d = Derivation()
    for name, entry in entries.items():
        if name == before:
            break
        if entry.block is not None and name not in passed:
            continue  # S1: the statement of a failing block is not defined at all
        if entry.error is not None:
            raise entry.error
        try:
            d.define(name, entry.type, entry.value)
        except TypeCheckError as e:
            raise TypeCheckError(e.message, e.pos or entry.pos, entry.file) from None
    return d


def _check_proof_block(
    block: ProofBlock,
    file: str | None,
    duplicate: bool,
    entries: dict[str, _Entry],
    passed: set[str],
) -> BlockResult:
    if duplicate:
        return BlockResult(
            block.name, block.kind, False, f"duplicate name {block.name}", block.name_pos, file
        )
    goals = _Goals([block.statement])
    try:
        d = _context(entries, passed, block.name)
        _no_numeric_atoms(block.statement)
        require_closed(d, block.statement)
        d._walk(block.statement, d.fresh("goal"), True)
        _run(d, goals, block.actions)
        if goals.proven < len(goals.goals):
            raise ProofError(
                f"proof goal is still open: {goals.goals[goals.proven]}", _end_pos(block)
            )
    except PeanoError as e:
        return _failure(block.name, block.kind, e, file, goals)
    return BlockResult(block.name, block.kind, True, warnings=tuple(goals.warnings))


def _check_verify_block(
    block: VerifyBlock,
    file: str | None,
    duplicate: bool,
    entries: dict[str, _Entry],
    passed: set[str],
) -> BlockResult:
    if duplicate:
        return BlockResult(
            block.name, block.kind, False, f"duplicate name {block.name}", block.name_pos, file
        )
    goals = _Goals([])
    try:
        d = _context(entries, passed, None)
        _run(d, goals, block.items)
    except PeanoError as e:
        return _failure(block.name, block.kind, e, file, goals)
    return BlockResult(block.name, block.kind, True, warnings=tuple(goals.warnings))


def _failure(name: str, kind: str, e: PeanoError, file: str | None, goals: _Goals) -> BlockResult:
    return BlockResult(name, kind, False, e.message, e.pos, e.file or file, tuple(goals.warnings))


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
            elif isinstance(step, Assume):
                _located_define(d, f"__pobj{step.offset}", step.type, None, step.pos)
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


def _results(d: Derivation, goals: _Goals, arrow: str, pos: Pos) -> list[tuple[Term, Term]]:
    """What `show … by arrow` may take: every forward result, no filter (§3.3).

    A name that is not defined gives no result (the step fails); unlike the original, which
    prints a warning and carries on to the same failure, the error names the cause.
    """
    if d.lookup(arrow) is None and arrow not in ("eq_refl", "eq_symm", "rewrite", "eval"):
        goals.warnings.append(f"no arrow {arrow} in context")
        raise ProofError(f"{arrow} is not defined here (no arrow {arrow} in context)", pos)
    return d.forward_results(arrow)


def _describe(results: list[tuple[Term, Term]], d: Derivation) -> str:
    if not results:
        return "it gives no result"
    shown = [str(type_) for _value, type_ in results[:6]]
    more = f", … ({len(results)} in all)" if len(results) > 6 else ""
    return f"it gives {len(results)} result(s): " + ", ".join(shown) + more


def _discharge(d: Derivation, goals: _Goals, fact: Term) -> None:
    if goals.proven < len(goals.goals) and d.equivalent(fact, goals.goals[goals.proven]):
        goals.proven += 1


def _show(d: Derivation, goals: _Goals, step: ShowStep) -> None:
    """`show T by A.`: the first result of A whose type is equivalent to T becomes a fact."""
    _no_numeric_atoms(step.type)
    results = _results(d, goals, step.by, step.by_pos)
    for value, type_ in results:
        if d.equivalent(type_, step.type) and _typed_as(d, value, type_):
            _located_define(d, d.fresh(f"_{d.next_id()}"), type_, value, step.pos)
            _discharge(d, goals, type_)
            return
    raise ProofError(f"show {step.type} by {step.by}: {_describe(results, d)}", step.pos)


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
            _located_define(d, d.fresh(f"{step.name}{d.next_id()}"), type_, value, step.pos)
            _discharge(d, goals, type_)
            return
    raise ProofError(
        f"construct {step.name} : {step.type} = {step.value} by {step.by}: "
        f"{_describe(results, d)}",
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
    rest: Term = goal.output if len(goal.inputs) == 1 else Arrow(goal.inputs[1:], goal.output)
    if type(first) is Decl:
        rest = subst(rest, first.name, Atom(name))
    if len(goal.inputs) == 1:
        try:
            d._walk(rest, d.fresh("goal"), True)
        except TypeCheckError as e:
            raise TypeCheckError(e.message, e.pos or step.pos) from None
        if d.raw_inhabited(rest):
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


def _goal_block(d: Derivation, goals: _Goals, step: GoalBlock) -> None:
    """`goal G { … }`: prove G; it discharges the open goal only if it is that goal (S3)."""
    open_goal = goals.proven < len(goals.goals)
    if open_goal and not d.equivalent(step.term, goals.goals[goals.proven]):
        raise ProofError(
            f"goal block {step.term} does not match the open goal {goals.goals[goals.proven]}",
            step.pos,
        )
    _subproof(d, goals, step.term, step.actions, step.pos, "subgoal")
    if open_goal:
        goals.proven += 1


def _have(d: Derivation, goals: _Goals, step: HaveBlock) -> None:
    """`have G { … }`: prove G, then add it to the context as a fact; discharges nothing."""
    _subproof(d, goals, step.term, step.actions, step.pos, "have")
    _located_define(d, d.fresh(f"_{d.next_id()}"), step.term, None, step.pos)


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
