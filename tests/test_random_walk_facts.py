"""Random walks through proof states create only true facts (issue 14, S6 in proof states).

A walk starts from a goal and takes random actions through `ProofState.actions()/execute()`.
Every state it visits is audited: every construction a pending `c X` offers is a fact of that
state's context, every subgoal list a pending `a X` offers must imply the goal, and an `intro.`
that closes the goal claims the goal itself. Each claim is judged by the finite models of
`models.py` (the naturals modulo n and truncated, groups Z/n and products, truth tables),
which never ask the kernel what follows. The goals are the golden root goals and goals written
to be rich in shadowing binders (repeated names, a binder named like the kernel's fresh names),
several of them false: a false fact anywhere is a soundness hole of the proof states.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache

import pytest
from golden_util import golden_path, read_jsonl
from models import Uninterpretable, counterexample
from term_generator import THEORY_TERMS, theory_prop

from telos.peano import (
    Arrow,
    Intro,
    ProofState,
    SelectConstruction,
    SelectGoals,
    UseArrow,
    load_theory_text,
    new_proof_state,
)
from telos.peano.language import is_equality
from telos.peano.terms import Term
from telos.theories import load_theory

SORTS = {"nat-add": ("nat",), "nat-mul": ("nat",), "groups": ("G",), "propositional-logic": ()}

SHADOWING_GOALS = {
    "nat-add": (
        "[('n : nat) -> (= 'n z) -> [('n : nat) -> (= 'n z)]]",  # F2: false
        "[('n : nat) -> (= 'n z) -> ('n : nat) -> (= 'n z)]",  # the same, uncurried
        "[('b : nat) -> [('b : nat) -> (= 'b 'b)] -> (= (s z) z)]",  # F1a: false
        "[[('a : nat) -> ('c : nat) -> (= 'a 'c)] -> (= (s z) z)]",  # F3's lemma: true
        "[[('b : nat) -> ('b : nat) -> (= 'b 'b)] -> (= (s z) z)]",  # false
        "[('n : nat) -> ('n : nat) -> (= (+ 'n z) 'n)]",
        "[('n : nat) -> [('n : nat) -> (= (+ z 'n) 'n)] -> (= (+ z (s 'n)) (s 'n))]",
        "[('m : nat) -> ('n : nat) -> ('m : nat) -> (= (+ 'm 'n) (+ 'n 'm))]",
        "[('0 : nat) -> ('_0 : nat) -> (= (+ '0 z) '_0)]",  # names of flex-rigid parameters
        "[('n : nat) -> (= (+ 'n z) z) -> [('n : nat) -> (= (+ z 'n) 'n)]]",
        "[('a : nat) -> ('b : nat) -> [('b : nat) -> (= 'a 'b)] -> (= 'a 'b)]",
        # F3 in a state: the first hypothesis must not match the second's premise
        "[[('b : nat) -> ('b : nat) -> (= 'b 'b)] -> "
        "[[('a : nat) -> ('c : nat) -> (= 'a 'c)] -> (= (s z) z)] -> (= (s z) z)]",
    ),
    "nat-mul": (
        "[('n : nat) -> (= (* 'n z) 'n) -> [('n : nat) -> (= (* 'n z) 'n)]]",
        "[('n : nat) -> ('n : nat) -> (= (* 'n (s z)) 'n)]",
        "[('n : nat) -> [('n : nat) -> (= (* z 'n) z)] -> (= (* z (s 'n)) z)]",
        "[('n : nat) -> (= 'n z) -> [('n : nat) -> (= (* 'n z) 'n)]]",
    ),
    "groups": (
        "[('b : G) -> [('b : G) -> (= 'b 'b)] -> ('x : G) -> ('y : G) -> (= 'x 'y)]",  # F1d
        "[('x : G) -> ('y : G) -> ('x : G) -> (= (op 'x 'y) (op 'y 'x))]",
        "[('a : G) -> ('a : G) -> (= (op id 'a) 'a)]",
        "[('a : G) -> (= (op 'a 'a) id) -> [('a : G) -> (= (op 'a 'a) id)]]",  # false
    ),
    "propositional-logic": (
        "[('A : prop) -> 'A -> [('A : prop) -> 'A]]",  # false
        "[('b : prop) -> 'b -> [('b : prop) -> ['b -> 'b]] -> false]",  # F1c: false
        "[('A : prop) -> ('B : prop) -> ('A : prop) -> (and 'A 'B) -> (and 'B 'A)]",
        "[('P : prop) -> ('P : prop) -> (or 'P (not 'P))]",
        "[('A : prop) -> [('A : prop) -> 'A] -> 'A]",
        "[('A : prop) -> ('B : prop) -> 'A -> ('A : prop) -> (or 'A 'B)]",  # false
        "[[('A : prop) -> ('A : prop) -> ['A -> 'A]] -> "
        "[[('B : prop) -> ('C : prop) -> ['B -> 'C]] -> false] -> false]",  # false
    ),
}


@cache
def _derivation(theory: str):
    return load_theory_text(load_theory(theory).text)


def context(state: ProofState, theory: str) -> tuple:
    """The variables, hypotheses and definitions a state holds, as entries of `models.py`:
    intro'd objects (`x…`) over a sort are variables, other intro'd objects and constructed
    proofs (`p…`) are hypotheses, constructed non-proof objects are definitions."""
    entries = []
    for name, d in state.derivation.defs.items():
        if name[0] not in "xp" or "@" in name or name == "prop":
            continue
        if d.is_proof:
            entries.append(("hyp", name, d.type))
        elif d.value is not None:
            entries.append(("let", name, d.type, d.value))
        elif str(d.type) in SORTS[theory] or str(d.type) == "prop":
            entries.append(("var", name, d.type))
        else:
            entries.append(("opaque", name, f"object of type {d.type}"))
    return tuple(entries)


def _is_proposition(state: ProofState, t: Term) -> bool:
    if is_equality(t) or type(t) is Arrow:
        return True
    try:
        return str(state.derivation.type_of(t)) == "prop"
    except Exception:  # noqa: BLE001 - an untypable claim is judged by the models anyway
        return True


@dataclass
class Audit:
    walks: int = 0
    states: int = 0
    facts: int = 0
    uninterpretable: int = 0
    false: list[str] = field(default_factory=list)

    def judge(self, fact: Term, entries: tuple, theory: str, origin: str) -> None:
        try:
            cex = counterexample(fact, entries, theory)
        except Uninterpretable:
            self.uninterpretable += 1
            return
        self.facts += 1
        if cex is not None:
            self.false.append(f"{origin}: {fact} is false {cex}")

    def state(self, state: ProofState, theory: str) -> None:
        """Judge every claim the actions of `state` make."""
        self.states += 1
        entries = context(state, theory)
        where = f"[{state.format_action_prefix()}] {state.goal}"
        for action in state.actions():
            if type(action) is SelectConstruction and _is_proposition(state, action.type):
                self.judge(action.type, entries, theory, f"{where} offers {action}")
            elif type(action) is SelectGoals:
                premises = entries + tuple(("hyp", None, g) for g in action.goals)
                self.judge(state.goal, premises, theory, f"{where} splits into {action}")
            elif type(action) is Intro and not state.execute(action):
                self.judge(state.goal, entries, theory, f"{where} closed by intro")


def random_walk(theory: str, goal: str, rng: random.Random, audit: Audit, steps: int) -> None:
    """At most `steps` random actions from `goal`, auditing every state visited."""
    state = new_proof_state(_derivation(theory), load_theory(theory).premises, goal)
    audit.walks += 1
    for _ in range(steps):
        audit.state(state, theory)
        actions = list(state.actions())
        rng.shuffle(actions)
        for action in actions:
            live = [c for c in state.execute(action) if c.actions()]
            if live:
                state = rng.choice(live)
                break
        else:
            return
    audit.state(state, theory)


def golden_goals() -> list[tuple[str, str]]:
    seen: dict[tuple[str, str], None] = {}
    for rec in read_jsonl(golden_path("proofs.jsonl")):
        seen[(rec["theory"], rec["goal"])] = None
    for rec in read_jsonl(golden_path("actions.jsonl.gz")):
        seen[(rec["theory"], rec["root_goal"])] = None
    return list(seen)


def run_walks(goals, walks_per_goal: int, steps: int, seed: int) -> Audit:
    audit = Audit()
    for theory, goal in goals:
        for k in range(walks_per_goal):
            random_walk(theory, goal, random.Random(f"{seed}:{goal}:{k}"), audit, steps)
    return audit


SHADOWING = [(theory, goal) for theory, goals in SHADOWING_GOALS.items() for goal in goals]


@pytest.mark.parametrize("theory", list(SHADOWING_GOALS))
def test_walks_from_shadowing_goals_create_only_true_facts(theory):
    audit = run_walks([g for g in SHADOWING if g[0] == theory], 12, 8, 0)
    assert not audit.false, "\n".join(audit.false[:5])
    assert audit.facts > 50 * len(SHADOWING_GOALS[theory])  # the walks did judge something
    assert audit.uninterpretable < audit.facts


@pytest.mark.parametrize("theory", list(THEORY_TERMS))
def test_walks_from_generated_shadowing_goals_create_only_true_facts(theory):
    """Random closed statements of the theory whose binders re-bind each other's names
    (`term_generator.theory_prop`), most of them false."""
    rng = random.Random(f"goals:{theory}")
    goals = []
    while len(goals) < 25:
        goal = theory_prop(rng, theory, 3)
        if type(goal) is Arrow:
            goals.append((theory, str(goal)))
    audit = run_walks(goals, 1, 8, 0)
    assert not audit.false, "\n".join(audit.false[:5])
    assert audit.walks == 25 and audit.facts > 100


def test_walks_from_golden_goals_create_only_true_facts():
    goals = golden_goals()
    audit = run_walks(goals, 1, 8, 0)
    assert not audit.false, "\n".join(audit.false[:5])
    assert audit.walks == len(goals) and audit.facts > 20 * len(goals)


def test_the_false_f2_statement_offers_no_closing_path():
    """Attack F2 in proof states: `a nat_ind` on the shadowing goal leaves the base case
    `[(= z z) -> [('n : nat) -> (= 'n z)]]`, whose inner binder still binds (the unsound
    abstraction replaced the inner `'n` too and left `[(= z z) -> [('n : nat) -> (= z z)]]`)."""
    state = new_proof_state(
        _derivation("nat-add"),
        load_theory("nat-add").premises,
        "[('n : nat) -> (= 'n z) -> [('n : nat) -> (= 'n z)]]",
    )
    pending = state.execute(UseArrow("a", "nat_ind"))[0]
    assert [str(a) for a in pending.actions()] == [
        "=> [(= z z) -> [('n : nat) -> (= 'n z)]]; "
        "[('n : nat) -> [(= 'n z) -> [('n : nat) -> (= 'n z)]] -> "
        "[(= (s 'n) z) -> [('n : nat) -> (= 'n z)]]]."
    ]


def test_a_hypothesis_that_rebinds_a_name_has_two_variables():
    """Forward use of an intro'd arrow whose later input re-declares `'n`: the second `'n` is
    a new variable (S6), not forced to the first one's value, so the construction that closes
    the goal is offered (the flat substitution of the original offered only `(= (+ z z) z)`)."""
    state = new_proof_state(
        _derivation("nat-add"),
        load_theory("nat-add").premises,
        "[[('n : nat) -> (= 'n z) -> ('n : nat) -> (= (+ 'n z) 'n)] -> (= z z) -> "
        "(= (+ (s z) z) (s z))]",
    )
    state = state.execute("intro.")[0].execute("intro.")[0]
    offered = [str(a) for a in state.execute(UseArrow("c", "x"))[0].actions()]
    assert offered == [
        "=> (= (+ z z) z).",
        "=> (= (+ (s z) z) (s z)).",
        "=> (= (+ (+ (s z) z) z) (+ (s z) z)).",
    ]
    closing = state.execute(UseArrow("c", "x"))[0].action("=> (= (+ (s z) z) (s z)).")
    assert state.execute(UseArrow("c", "x"))[0].execute(closing) == []


def test_applying_such_a_hypothesis_backwards_chooses_its_first_variable_freely():
    """Backward use of the same hypothesis: the conclusion fixes the second `'n` only; the
    first is chosen among the objects (`z`, whose premise `(= z z)` holds), which closes the
    goal (the original took the first `'n` to be the second and asked for `(= (s z) z)`)."""
    state = new_proof_state(
        _derivation("nat-add"),
        load_theory("nat-add").premises,
        "[[('n : nat) -> (= 'n z) -> ('n : nat) -> (= (+ 'n z) 'n)] -> (= z z) -> "
        "(= (+ (s z) z) (s z))]",
    )
    pending = state.execute("intro.")[0].execute("intro.")[0].execute(UseArrow("a", "x"))[0]
    assert [str(a) for a in pending.actions()] == [
        "=> .",
        "=> (= (s z) z).",
        "=> (= (+ (s z) z) z).",
    ]
    assert pending.execute("=> .") == []
