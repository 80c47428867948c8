"""`ProofState.has_actions()` answers exactly "is `actions()` non-empty?".

Search asks it of the state after every `a X` it might keep (pruning arrows with no choice of
subgoals); for a pending backward use it stops at the first list of subgoals found. These
tests compare it with the full enumeration on every state of random walks in the four
theories, where both answers occur often.
"""

from __future__ import annotations

import random

import pytest
from golden_util import new_state

from telos.peano import PeanoError
from telos.peano.state import UseArrow

GOALS = {
    "nat-add": "[('a : nat) -> ('b : nat) -> (= (+ 'a 'b) (+ 'b 'a))]",
    "nat-mul": "[('a : nat) -> (= (* 'a (s z)) 'a)]",
    "groups": "[('a : G) -> (= (op 'a (inv 'a)) id)]",
    "propositional-logic": "[('A : prop) -> ('B : prop) -> (or 'A 'B) -> (or 'B 'A)]",
}


def walk_states(theory: str, walks: int, steps: int, seed: int):
    rng = random.Random(seed)
    for _ in range(walks):
        state = new_state(theory, GOALS[theory])
        for _ in range(steps):
            yield state
            actions = state.actions()
            if not actions:
                break
            try:
                children = state.execute(rng.choice(actions))
            except PeanoError:
                break
            if not children:
                break
            state = rng.choice(children)


def test_has_actions_agrees_with_the_full_enumeration_after_every_backward_use():
    outcomes = {True: 0, False: 0}
    for theory in sorted(GOALS):
        for state in walk_states(theory, walks=25, steps=6, seed=0):
            for action in state.actions():
                if type(action) is not UseArrow or action.kind != "a":
                    continue
                [pending] = state.execute(action)
                quick = pending.has_actions()  # asked first, before anything is cached
                assert quick == bool(pending.actions()), f"{theory}: {state.goal} / {action}"
                outcomes[quick] += 1
    # Both answers are common (groups only uses built-ins backwards, and they rarely apply).
    assert min(outcomes.values()) > 50, outcomes


@pytest.mark.parametrize("theory", sorted(GOALS))
def test_has_actions_of_any_state_is_whether_it_offers_an_action(theory):
    for state in walk_states(theory, walks=10, steps=6, seed=1):
        assert state.has_actions() == bool(state.actions())
