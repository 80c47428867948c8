"""Proof states and their actions: the search API of SPEC §4.

A `ProofState` is a value: a derivation (context), one goal, the premises search may use as
arrows, and the pending arrow of a level-2 state. `actions()` lists what can be done (the exact
strings of §4.9 are the actions' `str`), and `execute(action)` returns the child states: none
when the action closes the goal, several when a backward step leaves several subgoals (all of
which must be proved).

States never mutate: an action that defines something works on a copy of the derivation.
"""

from __future__ import annotations

from dataclasses import dataclass

from .derivation import Derivation
from .language import is_equality
from .terms import Arrow, Atom, Decl, Term, rebind, subst

# -- actions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Intro:
    """`intro.`: introduce the goal's first input under a fresh name `x…`."""

    def __str__(self) -> str:
        return "intro."


@dataclass(frozen=True, slots=True)
class UseArrow:
    """`a NAME` (apply backwards) or `c NAME` (construct forwards): pick the arrow first."""

    kind: str  # "a" or "c"
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass(frozen=True, slots=True)
class SelectGoals:
    """`=> G1; G2; … .`: the premises that remain to be proved after a backward step."""

    goals: tuple[Term, ...]

    def __str__(self) -> str:
        return "=> " + "; ".join(map(str, self.goals)) + "."


@dataclass(frozen=True, slots=True)
class SelectConstruction:
    """`=> T.` (an equality, by its type) or `=> v.` (anything else, by its proof term)."""

    flag: bool  # the type "looks like a proposition" (an equality), SPEC §2.8
    type: Term
    value: Term

    def __str__(self) -> str:
        return f"=> {self.type if self.flag else self.value}."


Action = Intro | UseArrow | SelectGoals | SelectConstruction
INTRO = Intro()


# -- states ----------------------------------------------------------------------------------


class ProofState:
    """One open goal in a context, as the search sees it (SPEC §4)."""

    __slots__ = (
        "derivation",
        "goal",
        "premises",
        "pending",
        "history",
        "cache_actions",
        "_actions",
    )

    def __init__(
        self,
        derivation: Derivation,
        goal: Term,
        premises: tuple[str, ...],
        pending: UseArrow | None = None,
        history: tuple[str | None, ...] = (),
        cache_actions: bool = True,
    ):
        self.derivation = derivation
        self.goal = goal
        self.premises = premises
        self.pending = pending
        self.history = history
        self.cache_actions = cache_actions
        self._actions: list[Action] | None = None

    # -- actions -----------------------------------------------------------------------------

    def actions(self) -> list[Action]:
        """The de-duplicated actions of this state, in the kernel's order (SPEC §4.2–§4.7)."""
        if self._actions is not None:
            return self._actions
        if self.pending is None:
            found = self._level1()
        elif self.pending.kind == "c":
            found = self._constructions(self.pending.name)
        else:
            found = self._subgoal_choices(self.pending.name)
        if self.cache_actions:
            self._actions = found
        return found

    def has_actions(self) -> bool:
        """Whether `actions()` is non-empty. A pending backward use of an arrow stops at its
        first list of subgoals instead of enumerating them all (search asks this of every
        `a X` it might keep, and expands few of them)."""
        if self._actions is not None or self.pending is None or self.pending.kind == "c":
            return bool(self.actions())
        d, name = self.derivation, self.pending.name
        first = next(d.iter_subgoal_lists(name, self.goal, d.backward.get(name, ())), None)
        return first is not None

    def _level1(self) -> list[Action]:
        d = self.derivation
        out: list[Action] = []
        if type(d.eval(self.goal)) is Arrow:
            out.append(INTRO)
        seen: set[Action] = set()
        for p in self.premises:
            forward, backward = p in d.forward, p in d.backward
            kinds = ("c" if forward else "") + ("a" if backward else "") or "ac"
            for kind in kinds:
                action = UseArrow(kind, p)
                if action not in seen:
                    seen.add(action)
                    out.append(action)
        return out

    def _constructions(self, name: str) -> list[Action]:
        d = self.derivation
        out: list[Action] = []
        seen: set[tuple[bool, Term]] = set()
        for value, type_ in d.forward_results(name, d.forward.get(name, ())):
            flag = is_equality(type_)
            # Redundancy filter (search API only): an equality already inhabited, or any
            # other result whose proof term already exists.
            if (type_ in d.type_names) if flag else (value in d.values):
                continue
            key = (flag, type_ if flag else value)
            if key in seen:
                continue
            seen.add(key)
            out.append(SelectConstruction(flag, type_, value))
        return out

    def _subgoal_choices(self, name: str) -> list[Action]:
        d = self.derivation
        out: list[Action] = []
        seen: set[tuple[Term, ...]] = set()
        for goals in d.subgoal_lists(name, self.goal, d.backward.get(name, ())):
            if goals not in seen:
                seen.add(goals)
                out.append(SelectGoals(goals))
        return out

    def action(self, text: str) -> Action:
        """The action whose string is `text` (KeyError if this state does not offer it)."""
        for a in self.actions():
            if str(a) == text:
                return a
        raise KeyError(f"action {text!r} is not offered in this state")

    # -- execution ---------------------------------------------------------------------------

    def execute(self, action: Action | str) -> list[ProofState]:
        """The states left after `action`: `[]` closes the goal; several must all be proved.

        `action` must be one this state offers (pass an element of `actions()`, or its
        string); every proof found this way is re-checked by the checker before it counts.
        """
        if isinstance(action, str):
            action = self.action(action)
        if type(action) is Intro:
            return self._intro()
        if type(action) is UseArrow:
            return [self._child(self.derivation, self.goal, self.premises, action, None)]
        if type(action) is SelectGoals:
            children = []
            for g in action.goals:
                d = self.derivation.copy()
                d._walk(g, d.fresh("goal"), True)
                children.append(self._child(d, g, self.premises, None, None))
            return children
        if type(action) is SelectConstruction:
            if self.derivation.equivalent(action.type, self.goal):
                return []
            d = self.derivation.copy()
            name = d.fresh("p")
            d.define(name, action.type, action.value)
            premises = self.premises + (name,) if type(action.type) is Arrow else self.premises
            return [self._child(d, self.goal, premises, None, name)]
        raise TypeError(f"not an action: {action!r}")

    def _intro(self) -> list[ProofState]:
        goal = self.derivation.eval(self.goal)
        if type(goal) is not Arrow:
            raise ValueError(f"intro: the goal {goal} is not an arrow")
        d = self.derivation.copy()
        name = d.fresh("x")
        first = goal.inputs[0]
        input_type = first.type if type(first) is Decl else first
        d.define(name, input_type)
        premises = self.premises + (name,) if type(input_type) is Arrow else self.premises
        rest: Term = goal.output if len(goal.inputs) == 1 else Arrow(goal.inputs[1:], goal.output)
        if type(first) is Decl:
            rest = subst(rest, first.name, Atom(name))
        if len(goal.inputs) == 1:
            d._walk(rest, d.fresh("goal"), True)
            if d.raw_inhabited(rest):
                return []
        return [self._child(d, rest, premises, None, name)]

    def _child(
        self,
        d: Derivation,
        goal: Term,
        premises: tuple[str, ...],
        pending: UseArrow | None,
        new_name: str | None,
    ) -> ProofState:
        return ProofState(
            d, goal, premises, pending, self.history + (new_name,), self.cache_actions
        )

    # -- printing and accessors (SPEC §4.9, §4.10) ------------------------------------------

    def goal_text(self) -> str:
        return str(self.goal)

    def format_context(self) -> str:
        entries = []
        for name, d in self.derivation.defs.items():
            if name[0] not in "xp" or "@" in name or name in ("prop", "type"):
                continue
            entry = f"{name} : {d.type}"
            if not d.is_proof and d.value is not None:
                entry += f"= {d.value}"
            entries.append(entry)
        return "{ " + ", ".join(entries) + " }"

    def format_action_prefix(self) -> str:
        if self.pending is None:
            return ""
        return ("apply " if self.pending.kind == "a" else "construct ") + self.pending.name

    def is_context_empty(self) -> bool:
        return self.format_context() == "{  }"

    def construction_history(self) -> tuple[str | None, ...]:
        return self.history

    def construction_from_last_action(self) -> str | None:
        return self.history[-1] if self.history else None

    def last_proven_proposition(self) -> str | None:
        last = self.construction_from_last_action()
        if last is None:
            return None
        d = self.derivation.lookup(last)
        return str(d.type) if d is not None and d.is_proof else None

    def next_goal_parameter(self) -> str | None:
        goal = self.derivation.eval(self.goal)
        if type(goal) is Arrow and type(goal.inputs[0]) is Decl:
            return goal.inputs[0].name  # type: ignore[attr-defined]
        return None

    def rewrite_goal_conclusion(
        self, conclusion: Term, substitutions: list[tuple[str, str]], inputs_kept: int
    ) -> ProofState:
        """SPEC §4.10 (used by hindsight relabeling): a copy of this state with a new goal.

        If the goal is an arrow and `inputs_kept > 0`, the new goal keeps the goal's first
        input only (as the original does, whatever `inputs_kept` is), followed by the inputs of
        `conclusion` if it is an arrow, and its output; otherwise it is `conclusion`. Then each
        `(old, new)` pair is substituted as `old := Atom(new)`.
        """
        goal = self.goal
        if type(goal) is Arrow and inputs_kept > 0:
            if type(conclusion) is Arrow:
                new_goal: Term = Arrow(
                    (goal.inputs[0], *conclusion.inputs), conclusion.output
                )
            else:
                new_goal = Arrow((goal.inputs[0],), conclusion)
        else:
            new_goal = conclusion
        for old, new in substitutions:
            new_goal = rebind(new_goal, old, new)  # capture by the binder is the point here
        return ProofState(
            self.derivation,
            new_goal,
            self.premises,
            self.pending,
            self.history,
            self.cache_actions,
        )

    def __repr__(self) -> str:
        return f"ProofState({self.format_context()} ⊢ {self.goal})"
