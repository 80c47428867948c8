"""One prove phase's work on a group of problems: search each, keep its training signal and
mine its tree with hindsight — everything an executor runs, returned as plain records.

`attempt_all` is what an executor calls wherever it runs (in-process, or in a Ray worker that
holds the model): the results carry no kernel objects, and each problem's search seed comes
from `problem_seed(seed, statement)`, so a problem's result does not depend on how problems
are grouped (DESIGN, "the executor's contract").
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from telos.model import Example, examples_from_result
from telos.search import Policy, Problem, prove_many

from .hindsight import Relabeled, relabel


def derive_seed(seed: int, *parts: object) -> int:
    """A 31-bit seed for one use of the run's seed (an iteration's phase, a problem)."""
    digest = hashlib.sha256(repr((seed, *parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def problem_seed(seed: int, statement: str) -> int:
    return derive_seed(seed, "problem", statement)


@dataclass
class Attempt:
    """One problem's search and what it taught (serialisable)."""

    name: str
    statement: str
    proven: bool
    proof: str | None  # theorem text, accepted by the kernel
    log_prob: float | None  # sum of the log-priors of the proof's actions
    nodes: int  # expansions used
    seconds: float  # search wall time
    examples: list[Example] = field(default_factory=list)  # policy / value, from the tree
    hindsight: list[Relabeled] = field(default_factory=list)
    hindsight_seconds: float = 0.0

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "statement": self.statement,
            "proven": self.proven,
            "proof": self.proof,
            "log_prob": self.log_prob,
            "nodes": self.nodes,
            "seconds": self.seconds,
            "examples": [e.to_json() for e in self.examples],
            "hindsight": [h.to_json() for h in self.hindsight],
            "hindsight_seconds": self.hindsight_seconds,
        }

    @staticmethod
    def from_json(d: dict) -> Attempt:
        return Attempt(
            d["name"], d["statement"], d["proven"], d["proof"], d["log_prob"], d["nodes"],
            d["seconds"], [Example.from_json(e) for e in d["examples"]],
            [Relabeled.from_json(h) for h in d["hindsight"]], d["hindsight_seconds"],
        )


def attempt_all(
    problems: Sequence[Problem],
    policy: Policy,
    budget: int,
    seed: int,
    max_facts: int = 0,
    on_step: Callable[[int, int], None] | None = None,
) -> list[Attempt]:
    """Search every problem with MCTS at `budget` expansions (interleaved, so that the policy
    evaluates the states of all searches together), then relabel each tree with hindsight
    (at most `max_facts` facts; 0: none). Results in the order of `problems`."""
    seeds = [problem_seed(seed, p.goal) for p in problems]
    results = prove_many(problems, policy, "mcts", budget, seeds=seeds, on_step=on_step)
    out = []
    for problem, result, s in zip(problems, results, seeds):
        start = time.perf_counter()
        mined: list[Relabeled] = []
        if max_facts > 0 and result.search_tree is not None:
            mined = relabel(result.search_tree, problem.theory, problem.premises,
                            max_facts=max_facts, rng=random.Random(s))
        examples = examples_from_result(result)
        out.append(Attempt(
            problem.name, problem.goal, result.success, result.proof,
            result.log_prob if result.success else None, result.expansions, result.wall_time,
            examples, mined, time.perf_counter() - start,
        ))
        result.search_tree = None  # free the tree: only records leave this function
    return out
