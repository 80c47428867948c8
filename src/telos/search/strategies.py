"""Search strategies over a `SearchTree`, written as generators.

Each strategy is a generator that yields the list of OR-nodes it needs evaluated (states with
their kept actions) and is resumed once the driver has stored the policy's priors and values
in them; it stops when the root is proved or dead, or the expansion budget is spent. Because
the policy call happens in the driver, one call can serve many searches (`prove_many`).

- `mcts`: PUCT with policy priors and value estimates (AlphaZero / Minimo style);
- `best_first`: expand the open node with the best cumulative log-prior plus value (GPT-f);
- `beam`: width-k beam over partial proofs (lists of open goals), scored by log-prior;
- `sample`: best-of-N rollouts, each action sampled from the policy (guess and check).

All are deterministic given the policy, the budget and the seeded `random.Random` they get.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Generator

from .tree import AND, OR, Node, SearchTree

Request = list[Node]
Strategy = Generator[Request, None, None]


def expand(tree: SearchTree, nodes: list[Node]) -> Strategy:
    """Prepare `nodes` (kernel work) and have the unexpanded ones evaluated."""
    todo = tree.prepare(nodes)
    if todo:
        yield todo


def mcts(tree: SearchTree, budget: int, rng: random.Random, c_puct: float = 1.0) -> Strategy:
    root = tree.root
    yield from expand(tree, [root])
    while tree.expansions < budget and not root.solved and not root.dead:
        path = [root]
        node = root
        while True:
            if node.kind == AND:
                # Descend into the weakest open subgoal: the AND-node is only as good as it.
                node = min(
                    (c for c in node.children if not c.solved and not c.dead),
                    key=lambda c: c.q(),
                )
                path.append(node)
            if not node.expanded:
                break
            i = _puct(node, c_puct)
            if i is None:  # every action leads to a dead node
                tree.mark_dead(node)
                break
            node = tree.child(node, i)
            path.append(node)
            if node.solved or (node.kind == OR and not node.expanded):
                break
            if node.kind == AND and any(not c.expanded for c in node.children):
                break
        leaf = path[-1]
        if not leaf.solved and not leaf.dead:
            yield from expand(tree, [leaf])
        _backup(path, leaf.q())


def _puct(node: Node, c_puct: float) -> int | None:
    sqrt_visits = math.sqrt(max(node.visits, 1))
    parent_q = node.q()
    best, best_score = None, -math.inf
    for i in node.order:
        child = node.children[i]
        if child is not None and child.dead:
            continue
        if child is not None and child.visits:
            q, n = child.q(), child.visits
        else:
            q, n = parent_q, 0  # first-play urgency: an unvisited action is as good as its parent
        score = q + c_puct * node.priors[i] * sqrt_visits / (1 + n)
        if score > best_score:
            best, best_score = i, score
    return best


def _backup(path: list[Node], value: float) -> None:
    for node in reversed(path):
        if node.kind == AND:
            value = node.q()  # the product over its subgoals, one of which just changed
        node.visits += 1
        node.value_sum += value


def best_first(tree: SearchTree, budget: int, rng: random.Random) -> Strategy:
    root = tree.root
    counter = 0
    frontier: list[tuple[float, int, Node, int]] = []

    def push(node: Node) -> None:
        nonlocal counter
        for i in node.order:
            p = node.priors[i]
            score = node.log_prior + (math.log(p) if p > 0 else -math.inf) + node.value
            heapq.heappush(frontier, (-score, counter, node, i))
            counter += 1

    yield from expand(tree, [root])
    if root.expanded and not root.dead:
        push(root)
    while frontier and tree.expansions < budget and not root.solved:
        _, _, node, i = heapq.heappop(frontier)
        if tree.under_settled(node):
            continue
        child = tree.child(node, i)
        opened = child.open_nodes()
        yield from expand(tree, opened)
        for n in opened:
            if n.expanded and not n.dead:
                push(n)


def beam(
    tree: SearchTree, budget: int, rng: random.Random, width: int = 8, max_depth: int = 16
) -> Strategy:
    """Keep the `width` partial proofs (lists of open goals) with the best log-prior sum.

    Candidates are scored from the priors alone; only the kept ones are executed, so the
    kernel does not build states for actions the beam drops. A pass stops after `max_depth`
    actions (every construction enlarges the context, so an ever deeper beam would make each
    state and each enumeration larger and larger); while budget remains, the search starts
    again from the root with a beam twice as wide and 8 actions deeper, reusing the nodes
    already expanded.
    """
    root = tree.root
    yield from expand(tree, [root])
    while tree.expansions < budget and not root.solved and not root.dead:
        before = tree.expansions
        yield from _beam_pass(tree, budget, width, max_depth)
        if tree.expansions == before:
            return  # the wider beam found nothing new: the reachable tree is exhausted
        width, max_depth = width * 2, max_depth + 8


def _beam_pass(tree: SearchTree, budget: int, width: int, max_depth: int) -> Strategy:
    root = tree.root
    beams: list[tuple[float, tuple[Node, ...]]] = [(0.0, (root,))]
    for _ in range(max_depth):
        if not beams or tree.expansions >= budget or root.solved:
            return
        candidates: list[tuple[float, int, int, int]] = []  # (score, order, beam, action)
        for b, (score, open_nodes) in enumerate(beams):
            first = open_nodes[0]
            if first.dead or not first.expanded:
                continue
            for i in first.order:
                child = first.children[i]
                if child is not None and child.dead:
                    continue
                p = first.priors[i]
                new_score = score + (math.log(p) if p > 0 else -math.inf)
                candidates.append((new_score, len(candidates), b, i))
        candidates.sort(key=lambda c: (-c[0], c[1]))
        kept: list[tuple[float, tuple[Node, ...]]] = []
        for new_score, _, b, i in candidates:
            open_nodes = beams[b][1]
            child = tree.child(open_nodes[0], i)
            if root.solved:
                return
            rest = tuple(child.open_nodes() + [n for n in open_nodes[1:] if not n.solved])
            if child.dead or not rest or any(rest == k[1] for k in kept):
                continue
            kept.append((new_score, rest))
            if len(kept) == width:
                break
        beams = kept
        yield from expand(tree, [k[1][0] for k in kept])


def sample(
    tree: SearchTree, budget: int, rng: random.Random, max_depth: int = 32, patience: int = 200
) -> Strategy:
    """Rollouts from the root, each action drawn from the priors, until one proves the goal.

    Rollouts through nodes already expanded cost no budget, so the search also stops after
    `patience` rollouts in a row that expand nothing new (a small, fully explored tree).
    """
    root = tree.root
    idle = 0
    while tree.expansions < budget and not root.solved and not root.dead and idle < patience:
        before = tree.expansions
        open_nodes = [root]
        for _ in range(max_depth):
            if not open_nodes or tree.expansions >= budget:
                break
            node = open_nodes[0]
            if not node.expanded:
                yield from expand(tree, [node])
            if node.dead:
                break
            alive = [i for i in node.order if not (node.children[i] and node.children[i].dead)]  # type: ignore[union-attr]
            if not alive:
                tree.mark_dead(node)
                break
            i = rng.choices(alive, weights=[node.priors[j] + 1e-12 for j in alive])[0]
            child = tree.child(node, i)
            open_nodes = child.open_nodes() + [n for n in open_nodes[1:] if not n.solved]
        idle = idle + 1 if tree.expansions == before else 0


STRATEGIES = {"mcts": mcts, "best-first": best_first, "beam": beam, "sample": sample}
