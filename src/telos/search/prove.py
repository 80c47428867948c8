"""Proving goals: run a strategy against a policy and return a checked result.

`prove` runs one search; `prove_many` interleaves many searches so that every policy call
evaluates the pending states of all of them at once. A goal must be exactly one well-formed
statement (`check_statement`), else no search starts. A proof is reported only after the
kernel's checker has accepted its text and the statement it proves is the goal asked (up to
α-equivalence); a proof the checker rejects is a bug, logged and never counted.
"""

from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from telos.peano import (
    Derivation,
    PeanoError,
    ProofTree,
    Term,
    check_statement,
    check_text,
    load_theory_text,
    new_proof_state,
    parse_file,
    state_text,
    theorem_text,
)
from telos.peano.errors import DepthError, bounded_recursion
from telos.peano.syntax import ProofBlock
from telos.peano.terms import alpha_equivalent

from .policy import Policy, check_evaluations
from .strategies import STRATEGIES, Strategy
from .tree import AND, PROVED, Node, SearchTree

log = logging.getLogger(__name__)

# A problem's name becomes the name of its theorem block: one atom of the language, not a
# parameter (SPEC §1.1).
_NAME = re.compile(r"[0-9a-zA-Z_\-+/*=!$^><][0-9a-zA-Z'_\-+/*=!$^><]*")


@dataclass(frozen=True)
class Problem:
    """A goal to prove in a theory: its text, the premises search may use, the statement."""

    theory: str  # theory text (a `.p` file's contents)
    premises: tuple[str, ...]
    goal: str  # statement text
    name: str = "goal"


@dataclass(frozen=True)
class NodeRecord:
    """The training signal of one expanded node (serialisable; no kernel objects)."""

    state: str  # state text
    actions: tuple[str, ...]
    visits: int
    value: float  # mean backed-up value (the policy's estimate if never visited)
    solution_action: int | None  # index of the action on the proof found, if any


@dataclass
class SearchResult:
    problem: Problem
    strategy: str
    success: bool
    proof: str | None  # theorem text, accepted by the checker
    tree: ProofTree | None  # the solution's action tree
    log_prob: float | None  # sum of the log-priors of the actions on the solution
    expansions: int
    wall_time: float
    nodes: list[NodeRecord]
    search_tree: SearchTree | None = field(default=None, repr=False)  # live, in-process only

    def to_json(self) -> dict:
        return {
            "goal": self.problem.goal,
            "name": self.problem.name,
            "strategy": self.strategy,
            "success": self.success,
            "proof": self.proof,
            "tree": None if self.tree is None else self.tree.to_json(),
            "log_prob": self.log_prob,
            "expansions": self.expansions,
            "wall_time": self.wall_time,
            "nodes": [n.__dict__ for n in self.nodes],
        }


class _Search:
    """One search in progress: its tree, its strategy generator and its pending request."""

    def __init__(self, problem: Problem, derivation: Derivation, goal: Term, strategy: str,
                 budget: int, seed: int, options: dict):
        self.problem = problem
        self.goal = goal  # the checked statement of `problem.goal`
        self.strategy_name = strategy
        self.rng = random.Random(seed)
        state = new_proof_state(derivation, problem.premises, goal)
        self.tree = SearchTree(state)
        self.budget = budget
        self.generator: Strategy = STRATEGIES[strategy](self.tree, budget, self.rng, **options)
        self.pending: list[Node] | None = None
        self.started = time.perf_counter()
        self.done = False
        self.advance()

    def advance(self) -> None:
        try:
            with bounded_recursion():
                self.pending = next(self.generator)
        except StopIteration:
            self.pending = None
            self.done = True
        except DepthError as e:  # a state too deep to expand ends this search, unproven
            log.warning("search for %s stopped: %s", self.problem.name, e.message)
            self.pending = None
            self.done = True

    def result(self) -> SearchResult:
        wall = time.perf_counter() - self.started
        tree = self.tree
        solution: dict[int, int] = {}
        proof = proof_tree = log_prob = None
        success = False
        if tree.root.solved:
            steps = list(tree.solution_actions())
            solution = {id(n): i for n, i in steps}
            proof_tree = _proof_tree(tree.root, solution)
            log_prob = sum(
                math.log(n.priors[i]) if n.priors[i] > 0 else -math.inf for n, i in steps
            )
            text, rejected = self._checked_text(proof_tree)
            if rejected is None:
                proof, success = text, True
            else:  # a bug in search or kernel: never count it
                log.error("the checker rejects a proof found by search:\n%s\n%s", text,
                          rejected)
                proof_tree = log_prob = None
        nodes = [
            NodeRecord(
                state_text(n.state),
                tuple(str(a) for a in n.actions),
                n.visits,
                n.q(),
                solution.get(id(n)),
            )
            for n in tree.nodes
            if n.actions
        ]
        return SearchResult(self.problem, self.strategy_name, success, proof, proof_tree,
                            log_prob, tree.expansions, wall, nodes, tree)


    def _checked_text(self, proof_tree: ProofTree) -> tuple[str | None, str | None]:
        """The theorem text of the solution, and None or why it does not count: the checker
        must accept it, and its statement must be the goal asked."""
        name = self.problem.name
        try:
            with bounded_recursion():
                text = theorem_text(name, self.tree.root.state, proof_tree)
                verdicts = check_text(text, prelude=self.problem.theory)
                if not verdicts or not all(v.ok for v in verdicts):
                    return text, "\n".join(v.line() for v in verdicts) or "no block checked"
                blocks = [b for b in parse_file(text) if isinstance(b, ProofBlock)]
                if len(blocks) != 1 or not alpha_equivalent(blocks[0].statement, self.goal):
                    return text, f"the theorem does not state the goal {self.goal}"
        except (PeanoError, ValueError) as e:  # ProofTreeError is a ValueError
            return None, str(e)
        return text, None


def _goal(problem: Problem, derivation: Derivation) -> Term:
    """The statement of `problem.goal`, checked strictly; raises ValueError for a name that
    cannot name a theorem and the kernel's ParseError / TypeCheckError (located, `file`
    being the problem's name) for a goal that is not exactly one well-formed statement."""
    name = problem.name
    if not isinstance(name, str) or _NAME.fullmatch(name) is None:
        raise ValueError(f"problem name {name!r} is not an atom that can name a theorem")
    if derivation.lookup(name) is not None:
        raise ValueError(f"problem name {name!r} is already declared by the theory")
    if not isinstance(problem.goal, str):
        raise ValueError(f"the goal of {name} is not text: {problem.goal!r}")
    return check_statement(derivation, problem.goal, file=name)


def _proof_tree(node: Node, solution: dict[int, int]) -> ProofTree:
    i = solution[id(node)]
    child = node.children[i]
    assert child is not None
    if child.kind == PROVED:
        children: tuple[ProofTree, ...] = ()
    elif child.kind == AND:
        children = tuple(_proof_tree(c, solution) for c in child.children)
    else:
        children = (_proof_tree(child, solution),)
    return ProofTree(str(node.actions[i]), children)


def prove_many(
    problems: Sequence[Problem],
    policy: Policy,
    strategy: str = "mcts",
    budget: int = 1000,
    seed: int = 0,
    options: dict | None = None,
    on_step: Callable[[int, int], None] | None = None,
    seeds: Sequence[int] | None = None,
) -> list[SearchResult]:
    """Run one search per problem, interleaved: each round, one policy call evaluates the
    pending states of every unfinished search. `on_step(expansions, finished)` reports
    progress after every round. Results come back in the order of `problems`.

    Problem k searches with seed `seeds[k]` when given, else `seed + k`: a caller that wants
    results independent of how problems are grouped passes one seed per problem.

    Every goal is checked before any search starts: a goal that is not exactly one
    well-formed statement raises (see `_goal`), and so does a theory text that does not load.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown search {strategy!r} (known: {', '.join(STRATEGIES)})")
    derivations: dict[str, Derivation] = {}
    goals = []
    for problem in problems:
        if problem.theory not in derivations:
            derivations[problem.theory] = load_theory_text(problem.theory)
        goals.append(_goal(problem, derivations[problem.theory]))
    if seeds is not None and len(seeds) != len(problems):
        raise ValueError(f"{len(seeds)} seeds for {len(problems)} problems")
    searches = [
        _Search(problem, derivations[problem.theory], goal, strategy, budget,
                seed + k if seeds is None else seeds[k], options or {})
        for k, (problem, goal) in enumerate(zip(problems, goals))
    ]
    with bounded_recursion():  # policies print states: deep terms need the guard's room
        _run(searches, policy, on_step)
    return [s.result() for s in searches]


def _run(searches: list[_Search], policy: Policy,
         on_step: Callable[[int, int], None] | None) -> None:
    while True:
        active = [s for s in searches if not s.done]
        if not active:
            break
        batch = [(s, n) for s in active for n in s.pending or []]
        if batch:
            actions = [n.actions for _, n in batch]
            evaluations = policy.evaluate([n.state for _, n in batch], actions)
            check_evaluations(evaluations, actions)
            for (s, n), ev in zip(batch, evaluations):
                order = list(range(len(n.actions)))
                s.rng.shuffle(order)  # seeded tie-breaking between equally likely actions
                order.sort(key=lambda i, p=ev.priors: -p[i])
                s.tree.set_evaluation(n, ev.priors, ev.value, order)
        for s in active:
            s.advance()
        if on_step is not None:
            on_step(sum(s.tree.expansions for s in searches), sum(s.done for s in searches))


def prove(
    problem: Problem,
    policy: Policy,
    strategy: str = "mcts",
    budget: int = 1000,
    seed: int = 0,
    options: dict | None = None,
    on_step: Callable[[int, int], None] | None = None,
) -> SearchResult:
    """Search for a proof of one problem (see `prove_many`)."""
    return prove_many([problem], policy, strategy, budget, seed, options, on_step)[0]
