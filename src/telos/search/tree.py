"""The AND/OR search tree over kernel proof states, shared by every strategy.

A `Node` holds the states an action left:
- one state: an OR-node, proved when one of its actions leads to a proved node;
- several states (a backward step with several subgoals): an AND-node whose children are
  one OR-node per state, proved when every child is;
- no state: proved (the action closed its goal).

*Expanding* an OR-node enumerates its state's actions, prunes every `a X` / `c X` whose level-2
state has no choice, and has the policy score the rest (priors and a value) — one expansion
per node. Children are materialised lazily, when a strategy first follows an action; the
level-2 states computed while pruning are kept, so no kernel work is done twice.

The tree is plain bookkeeping: the kernel decides what the actions are and what they give.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator

from telos.peano import PeanoError, ProofState
from telos.peano.state import Action, UseArrow

OR, AND, PROVED = "or", "and", "proved"
log = logging.getLogger(__name__)


class Node:
    __slots__ = (
        "kind",
        "states",
        "parent",
        "parent_action",
        "children",
        "actions",
        "priors",
        "value",
        "visits",
        "value_sum",
        "expanded",
        "solved",
        "dead",
        "log_prior",
        "order",
        "_executed",
    )

    def __init__(self, states: list[ProofState], parent: Node | None, parent_action: int | None):
        self.kind = PROVED if not states else OR if len(states) == 1 else AND
        self.states = states
        self.parent = parent
        self.parent_action = parent_action  # index into the parent's actions (OR parent)
        self.children: list[Node | None] = []
        self.actions: list[Action] = []
        self.priors: tuple[float, ...] = ()
        self.value = 1.0 if self.kind == PROVED else 0.5  # the policy's estimate once expanded
        self.visits = 0
        self.value_sum = 0.0
        self.expanded = False
        self.solved = self.kind == PROVED
        self.dead = False
        self.log_prior = 0.0  # sum of the log-priors of the actions from the root
        self.order: list[int] = []  # tie-breaking order of the actions (seeded)
        self._executed: list[list[ProofState] | None] = []
        if self.kind == AND:
            self.children = [Node([s], self, None) for s in states]

    @property
    def state(self) -> ProofState:
        return self.states[0]

    def q(self) -> float:
        """Mean backed-up value, or the node's own estimate before any visit."""
        if self.solved:
            return 1.0
        if self.dead:
            return 0.0
        if self.kind == AND:
            return math.prod(c.q() for c in self.children)
        return self.value_sum / self.visits if self.visits else self.value

    def open_nodes(self) -> list[Node]:
        """The OR-nodes that remain to be proved under this node (itself if an OR-node)."""
        if self.solved:
            return []
        if self.kind == AND:
            return [c for c in self.children if not c.solved]
        return [self]


def _has_actions(state: ProofState) -> bool:
    try:
        return state.has_actions()
    except PeanoError as e:  # an enumeration the kernel cannot finish: treat as no choice
        log.debug("no actions for %s: %s", state, e)
        return False


def _actions(state: ProofState) -> list[Action]:
    try:
        return state.actions()
    except PeanoError as e:  # as above: the node is a dead end
        log.debug("no actions for %s: %s", state, e)
        return []


class SearchTree:
    """The tree of one search: its root, the expansion count and the bookkeeping rules."""

    def __init__(self, root: ProofState):
        self.root = Node([root], None, None)
        self.expansions = 0
        self.nodes: list[Node] = [self.root]  # every OR-node expanded, in expansion order

    # -- expansion -----------------------------------------------------------------------

    def prepare(self, nodes: list[Node]) -> list[Node]:
        """Enumerate and prune the actions of the unexpanded OR-nodes among `nodes` (and the
        children of AND-nodes); return those that need the policy. Nodes left without actions
        are dead (and count as expanded)."""
        todo: list[Node] = []
        for node in nodes:
            for n in node.children if node.kind == AND else [node]:
                if n.kind != OR or n.expanded or n in todo:
                    continue
                kept, executed = [], []
                state = n.state
                for action in _actions(state):
                    if type(action) is UseArrow:
                        pending = state.execute(action)
                        if not _has_actions(pending[0]):
                            continue  # an arrow with no choice here: pruned
                        executed.append(pending)
                    else:
                        executed.append(None)
                    kept.append(action)
                n.actions, n._executed = kept, executed
                n.children = [None] * len(kept)
                if kept:
                    todo.append(n)
                else:
                    n.expanded = True
                    self.expansions += 1
                    if n is not self.root:
                        self.nodes.append(n)
                    self.mark_dead(n)
        return todo

    def set_evaluation(self, node: Node, priors: tuple[float, ...], value: float, order: list[int]):
        node.priors, node.value, node.order = priors, value, order
        node.expanded = True
        self.expansions += 1
        if node is not self.root:
            self.nodes.append(node)

    def child(self, node: Node, i: int) -> Node:
        """The node reached by following action `i` of OR-node `node` (created on first use)."""
        existing = node.children[i]
        if existing is not None:
            return existing
        states = node._executed[i]
        if states is None:
            try:
                states = node.state.execute(node.actions[i])
            except PeanoError as e:
                # The kernel offers the action but cannot carry it out (e.g. an intro whose
                # substitution is shadowed, leaving a parameter free): a dead end, not a crash.
                log.debug("action %s fails: %s", node.actions[i], e)
                node.children[i] = dead = Node([node.state], node, i)
                dead.expanded = True
                self.mark_dead(dead)
                return dead
        node._executed[i] = None  # the node keeps them from now on
        child = Node(states, node, i)
        p = node.priors[i] if node.priors else 1.0
        child.log_prior = node.log_prior + (math.log(p) if p > 0 else -math.inf)
        for c in child.children:
            c.log_prior = child.log_prior
        node.children[i] = child
        if child.kind == PROVED:
            self.mark_solved(child)
        return child

    # -- proved and dead -------------------------------------------------------------------

    def mark_solved(self, node: Node) -> None:
        node.solved = True
        parent = node.parent
        if parent is None or parent.solved:
            return
        if parent.kind == OR or all(c.solved for c in parent.children):
            self.mark_solved(parent)

    def mark_dead(self, node: Node) -> None:
        node.dead = True
        parent = node.parent
        if parent is None or parent.dead or parent.solved:
            return
        if parent.kind == AND:
            self.mark_dead(parent)
        elif parent.expanded and all(c is not None and c.dead for c in parent.children):
            self.mark_dead(parent)

    def under_settled(self, node: Node) -> bool:
        """True when `node` or an ancestor is already proved or dead (nothing to do there)."""
        n: Node | None = node
        while n is not None:
            if n.solved or n.dead:
                return True
            n = n.parent
        return False

    # -- the solution ----------------------------------------------------------------------

    def solution_actions(self, node: Node | None = None) -> Iterator[tuple[Node, int]]:
        """(OR-node, action index) pairs of the proof found, root first (depth-first)."""
        node = self.root if node is None else node
        if node.kind == AND:
            for c in node.children:
                yield from self.solution_actions(c)
            return
        if node.kind == PROVED:
            return
        i = self._solved_action(node)
        yield node, i
        child = node.children[i]
        assert child is not None
        yield from self.solution_actions(child)

    @staticmethod
    def _solved_action(node: Node) -> int:
        # The proved child reached with the most visits (ties: the first), i.e. the one the
        # search trusted most; any proved child gives a valid proof.
        best = -1
        for i, c in enumerate(node.children):
            if c is not None and c.solved and (best < 0 or c.visits > node.children[best].visits):  # type: ignore[union-attr]
                best = i
        if best < 0:
            raise ValueError("node is not proved")
        return best
