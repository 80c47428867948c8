"""The `Policy` protocol: what proof search asks of a model (DESIGN, "Policy contract").

For a batch of proof states, each with the actions the search keeps for it (after pruning; at
least one), a policy returns a probability distribution over exactly those actions and a value
in [0, 1] — the estimated probability that the state is provable within the budget — in one
call. The search batches states across nodes and across concurrent searches, so an
implementation should evaluate the whole batch at once.

`UniformPolicy` is the no-learning baseline: equal probabilities, value 0.5.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from telos.peano import ProofState
from telos.peano.state import Action


@dataclass(frozen=True)
class Evaluation:
    """A policy's answer for one state: `priors[i]` is the probability of `actions[i]`."""

    priors: tuple[float, ...]
    value: float


@runtime_checkable
class Policy(Protocol):
    def evaluate(
        self, states: Sequence[ProofState], actions: Sequence[Sequence[Action]]
    ) -> list[Evaluation]:
        """One `Evaluation` per state, in order; `priors` align with that state's actions."""
        ...


class UniformPolicy:
    """Every kept action equally likely; every state provable with probability 0.5."""

    def evaluate(
        self, states: Sequence[ProofState], actions: Sequence[Sequence[Action]]
    ) -> list[Evaluation]:
        return [Evaluation(tuple([1.0 / len(a)] * len(a)), 0.5) for a in actions]


def check_evaluations(
    evaluations: Sequence[Evaluation], actions: Sequence[Sequence[Action]]
) -> None:
    """Raise ValueError unless `evaluations` honour the contract for `actions`."""
    if len(evaluations) != len(actions):
        raise ValueError(f"policy returned {len(evaluations)} evaluations for {len(actions)}")
    for ev, acts in zip(evaluations, actions):
        if len(ev.priors) != len(acts):
            raise ValueError(f"policy returned {len(ev.priors)} priors for {len(acts)} actions")
        # Written as "not (good)" so that NaN, for which every comparison is false, fails.
        if not (all(p >= 0 for p in ev.priors) and abs(sum(ev.priors) - 1.0) <= 1e-4):
            raise ValueError(f"priors are not a distribution: {ev.priors}")
        if not 0.0 <= ev.value <= 1.0:
            raise ValueError(f"value {ev.value} is outside [0, 1]")
