"""Hindsight relabeling (SPEC §6): extra (statement, proof) pairs mined from a search tree.

A search that fails to prove its goal still proves things on the way: every construction of a
proof, every hypothesis introduced, is a fact that holds under the intros above it. `relabel`
turns such facts into theorems of their own, solved or unsolved tree alike:

1. **Candidate facts.** Every node of the tree whose state has an open goal gives
   `last_proven_proposition()` of its first state; one node per distinct proposition is kept
   (the last visited in a depth-first, first-action-first walk), and at most `max_facts` of
   them are sampled with the caller's `rng`.
2. **Subtree root.** From the fact's node, walk up across `intro.`, `c X` and construction
   choices. The walk stops at the root, below an AND-node, and at a subgoal left by a backward
   step: the state below a goal-list choice `=> g.` (see "Where this differs" below). Facts
   whose path constructs a non-proof object, or whose subtree root's context is not empty, are
   skipped.
3. **Relabel upward** with `ProofState.rewrite_goal_conclusion(new_goal, subs, kept)` on each
   state of the path, fact first: crossing `intro.` adds one kept input and the substitution
   of the introduced name by the binder it came from (`x` → `'a0`). Every edge action must
   still be offered by the relabeled parent.
4. **New statement, replay, shorten.** The relabeled subtree root's goal, checked strictly
   (`check_statement`), gets a fresh state; the path is replayed on it (a step no longer
   offered is skipped; a construction needs its choice offered, matched by its string or else
   by the type it proves), then shortened greedily: each step (an intro, or a construction with
   its choice) is dropped, first to last, when the rest still closes the goal. The result is a
   chain of actions, rendered by `theorem_text`.

Every proof is re-checked by the kernel before it is returned: `check_text` with the theory as
prelude must accept it, alone, and the statement it proves must be the relabeled one up to
α-equivalence (equal normal forms). A proof the kernel rejects is logged and dropped.

Choices where the SPEC leaves room (documented here so that callers can rely on them):

- **log_prob** is the sum, over the steps of the *final* (shortened) proof, of the log-priors
  that the searched tree gave the corresponding edges of the path (a construction counts its
  two edges, `c X` and the choice). Dropped and skipped steps do not count: the value is the
  log-probability, under the policy that searched, of the actions the proof actually takes.
- **De-duplication**: within one call, statements are compared by normal form (SPEC §5.1); the
  first fact (in sampling order) that yields a checked proof of a statement wins.
- **Trivial facts**: a statement whose normal form is that of the tree's root goal is dropped:
  it restates the searched goal, whose own proof (if any) the search result already holds.
  Facts that are introduced hypotheses are kept (SPEC §4.10 counts them; they give statements
  like `[('a0 : nat) -> ('a1 : nat) -> (= 'a0 'a1) -> (= 'a0 'a1)]`, proved by intros).
- **Where this differs from a literal reading of §6 step 2**: the SPEC lists goal-list choices
  among the edges walked over. Crossing `=> g.` reaches the pending `apply X` state, whose goal
  is the one `X` was applied to, not `g`; relabeled, that state offers `=> g.` again only by
  accident, and a pending state cannot start a fresh proof. So the subgoal's state is the
  subtree root, exactly as for the subgoals of an AND-node (a backward step with several).
- **The "short search guided by the path"** of §6 step 4 is the replay plus greedy shortening
  above: deterministic, and every proof still goes through the kernel's checker.
- **Kernel checks** use `check_text(proof, prelude=theory_text)` per proof rather than one
  growing `CheckedContext`: a context that grows keeps every accepted statement, so a later
  proof would be checked against the theory *and* earlier relabeled lemmas, not the theory
  alone, and copying a context loaded with the theory (`copy.deepcopy`) costs more than
  checking the theory's declarations again (nat-add: a copy ~3 ms; a whole check ~4 ms, of
  which the declarations ~2 ms). The checks are about half of the time of `relabel`;
  `benchmarks/hindsight.py` prints these figures.

Everything returned is plain data (`Relabeled.to_json` / `from_json`); no kernel object
escapes. The output depends only on the tree, the arguments and the state of `rng`.
"""

from __future__ import annotations

import logging
import math
import random
import re
from dataclasses import dataclass

from telos.model import Example, policy_prompt, value_example
from telos.peano import (
    Derivation,
    Intro,
    PeanoError,
    ProofState,
    ProofTree,
    SelectConstruction,
    SelectGoals,
    Term,
    UseArrow,
    bounded_recursion,
    check_statement,
    check_text,
    load_theory_text,
    new_proof_state,
    normal_form,
    parse_file,
    parse_term,
    theorem_text,
)
from telos.search import Node, SearchTree

__all__ = ["Relabeled", "relabel"]

log = logging.getLogger(__name__)

# A theorem's name is one atom of the language, not a parameter (SPEC §1.1); the index is
# appended to the prefix.
_NAME = re.compile(r"[0-9a-zA-Z_\-+/*=!$^><][0-9a-zA-Z'_\-+/*=!$^><]*")


@dataclass(frozen=True)
class Relabeled:
    """One relabeled theorem: the fact mined, its generalised statement and checked proof."""

    fact: str  # the proposition mined (as the searched state printed it)
    statement: str  # the generalised theorem, statement text
    proof: str  # theorem text, accepted by the kernel with the theory as prelude
    actions: tuple[str, ...]  # the proof's action strings, in order
    log_prob: float  # sum of the searched tree's log-priors of the path edges the proof takes
    examples: tuple[Example, ...]  # policy (state → action) and value (`Y`) examples

    def to_json(self) -> dict:
        return {
            "fact": self.fact,
            "statement": self.statement,
            "proof": self.proof,
            "actions": list(self.actions),
            # JSON has no infinity: a zero prior on the path is written as null.
            "log_prob": self.log_prob if math.isfinite(self.log_prob) else None,
            "examples": [e.to_json() for e in self.examples],
        }

    @staticmethod
    def from_json(d: dict) -> Relabeled:
        log_prob = d["log_prob"]
        return Relabeled(
            fact=d["fact"],
            statement=d["statement"],
            proof=d["proof"],
            actions=tuple(d["actions"]),
            log_prob=-math.inf if log_prob is None else float(log_prob),
            examples=tuple(Example.from_json(e) for e in d["examples"]),
        )


# -- the path of a fact ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Move:
    """One step of a path: `intro.`, or a construction (`c X` and its choice).

    `log_prior` is the sum of the searched tree's log-priors of the step's edges; `proves` is
    the type a construction's choice proves (to find the choice again when its string, which
    names its arguments when the type is not an equality, is not offered as such)."""

    first: str
    choice: str | None
    proves: str | None
    log_prior: float


def _edge_action(node: Node):
    """The action on the edge into `node` (None for the root and the subgoals of an AND)."""
    parent = node.parent
    if parent is None or node.parent_action is None:
        return None
    return parent.actions[node.parent_action]


def _edge_log_prior(node: Node) -> float:
    parent = node.parent
    assert parent is not None and node.parent_action is not None
    if not parent.priors:
        return 0.0
    p = parent.priors[node.parent_action]
    return math.log(p) if p > 0 else -math.inf


def _failed_execution(node: Node) -> bool:
    """A node the tree made for an action the kernel could not carry out: it holds its
    parent's state, so neither its fact nor its edge is real."""
    parent = node.parent
    return (
        parent is not None
        and node.parent_action is not None  # not a subgoal of an AND-node (same state)
        and bool(node.states)
        and node.states[0] is parent.states[0]
    )


def _candidate_facts(tree: SearchTree) -> dict[str, Node]:
    """Proposition → node, the last visited in a depth-first walk (first action first)."""
    facts: dict[str, Node] = {}
    stack = [tree.root]
    while stack:
        node = stack.pop()
        if node.states and not _failed_execution(node):
            fact = node.states[0].last_proven_proposition()
            if fact is not None:
                facts.pop(fact, None)  # re-inserted: the dict's order is the last visit's
                facts[fact] = node
        stack.extend(c for c in reversed(node.children) if c is not None)
    return facts


def _path_to_subtree_root(node: Node) -> list[Node] | None:
    """The nodes from the subtree root down to `node` (SPEC §6 step 2), or None when the
    path constructs a non-proof object."""
    path = [node]
    while True:
        action = _edge_action(node)
        if action is None or type(action) is SelectGoals:
            break  # the root, a subgoal of an AND-node, or the subgoal of a backward step
        if type(action) is UseArrow and action.kind == "a":
            break  # unreachable from below (a pending `apply` state proves nothing itself)
        if type(action) is SelectConstruction and node.state.last_proven_proposition() is None:
            return None  # the step defines an object that is not a proof
        node = node.parent  # type: ignore[assignment]
        path.append(node)
    path.reverse()
    return path


def _relabel(path: list[Node], fact: Term) -> Term | None:
    """The relabeled goal of the path's first node (SPEC §6 step 3), or None when an edge
    action is no longer offered by its relabeled parent."""
    new_goal, subs, kept = fact, [], 0
    relabeled = path[-1].state.rewrite_goal_conclusion(new_goal, subs, kept)
    for child, parent in zip(reversed(path), reversed(path[:-1])):
        action = _edge_action(child)
        if type(action) is Intro:
            kept += 1
            introduced = child.state.construction_from_last_action()
            binder = parent.state.next_goal_parameter()
            if binder is not None and introduced is not None:
                subs.append((introduced, binder))
            new_goal = relabeled.goal
        relabeled = parent.state.rewrite_goal_conclusion(new_goal, subs, kept)
        if not _offers(relabeled, action):
            return None
    return relabeled.goal


def _offers(relabeled: ProofState, action) -> bool:
    text = str(action)
    return any(str(a) == text for a in relabeled.actions())


def _moves(path: list[Node]) -> list[_Move]:
    moves: list[_Move] = []
    nodes = path[1:]
    k = 0
    while k < len(nodes):
        node = nodes[k]
        action = _edge_action(node)
        if type(action) is UseArrow:  # `c X`, then its choice
            choice_node = nodes[k + 1]
            choice = _edge_action(choice_node)
            assert type(choice) is SelectConstruction
            moves.append(
                _Move(
                    str(action),
                    str(choice),
                    str(choice.type),
                    _edge_log_prior(node) + _edge_log_prior(choice_node),
                )
            )
            k += 2
        else:
            moves.append(_Move(str(action), None, None, _edge_log_prior(node)))
            k += 1
    return moves


# -- replay ------------------------------------------------------------------------------------


@dataclass
class _Replay:
    """A replayed chain: the moves taken, their action strings, and the states they start
    from (`starts[k]` is the state before move `k`; a construction's pending state is kept
    in `pending[k]`)."""

    moves: list[_Move]
    actions: list[tuple[str, ...]]  # per move: (first,) or (first, choice)
    starts: list[ProofState]
    pending: list[ProofState | None]


def _offered(state: ProofState, text: str):
    for a in state.actions():
        if str(a) == text:
            return a
    return None


def _choice(pending: ProofState, move: _Move):
    action = _offered(pending, move.choice)  # type: ignore[arg-type]
    if action is not None:
        return action
    for a in pending.actions():
        if type(a) is SelectConstruction and str(a.type) == move.proves:
            return a
    return None


def _replay(state: ProofState, moves: list[_Move], strict: bool) -> _Replay | None:
    """Replay `moves` from `state` until the goal closes. A move no longer offered is skipped
    (or fails the replay when `strict`). None when the goal does not close."""
    out = _Replay([], [], [], [])
    for move in moves:
        first = _offered(state, move.first)
        if first is None:
            if strict:
                return None
            continue
        if type(first) is UseArrow:
            (pending,) = state.execute(first)
            choice = _choice(pending, move)
            if choice is None:
                if strict:
                    return None
                continue
            children = pending.execute(choice)
            taken: tuple[str, ...] = (str(first), str(choice))
        else:
            pending = None
            children = state.execute(first)
            taken = (str(first),)
        out.moves.append(move)
        out.actions.append(taken)
        out.starts.append(state)
        out.pending.append(pending)
        if not children:
            return out  # closed (possibly before the last move: the rest is not needed)
        if len(children) != 1:
            return None  # not a step of these paths; never expected
        state = children[0]
    return None


def _shorten(replay: _Replay) -> _Replay:
    """Drop moves, first to last, while what remains still closes the goal."""
    k = 0
    while k < len(replay.moves) - 1:  # the last move closes the goal: it stays
        rest = _replay(replay.starts[k], replay.moves[k + 1 :], strict=True)
        if rest is None:
            k += 1
            continue
        replay = _Replay(
            replay.moves[:k] + rest.moves,
            replay.actions[:k] + rest.actions,
            replay.starts[:k] + rest.starts,
            replay.pending[:k] + rest.pending,
        )
    return replay


def _proof_tree(actions: list[str]) -> ProofTree:
    """The chain of `actions`, the last closing the goal."""
    tree = ProofTree(actions[-1])
    for action in reversed(actions[:-1]):
        tree = ProofTree(action, (tree,))
    return tree


def _examples(replay: _Replay) -> tuple[Example, ...]:
    out: list[Example] = []
    for start, pending, taken in zip(replay.starts, replay.pending, replay.actions):
        states = [start] if pending is None else [start, pending]
        for state, action in zip(states, taken):
            out.append(Example("policy", policy_prompt(state, len(action)), action))
            out.append(value_example(state, provable=True))
    return tuple(out)


# -- the kernel's verdict ------------------------------------------------------------------------


def _rejection(text: str, statement: Term, theory_text: str, d: Derivation) -> str | None:
    """None when the kernel accepts `text` as one theorem of `statement` (up to
    α-equivalence) with the theory as prelude; otherwise why not."""
    try:
        verdicts = check_text(text, prelude=theory_text)
        if len(verdicts) != 1 or not verdicts[0].ok:
            return "\n".join(v.line() for v in verdicts) or "no block checked"
        blocks = [b for b in parse_file(text) if hasattr(b, "statement")]
    except PeanoError as e:  # our own text does not even parse: as much a bug as a rejection
        return e.located()
    if len(blocks) != 1:
        return f"{len(blocks)} theorem blocks"
    if normal_form(d, blocks[0].statement) != normal_form(d, statement):
        return f"the theorem does not state {statement}"
    return None


# -- the whole ----------------------------------------------------------------------------------


def relabel(
    tree: SearchTree,
    theory_text: str,
    premises: tuple[str, ...],
    *,
    max_facts: int = 50,
    rng: random.Random,
    name_prefix: str = "hindsight",
) -> list[Relabeled]:
    """The relabeled theorems of `tree` (SPEC §6), each with a proof the kernel accepted.

    `tree` is a live search tree over states of `theory_text` with `premises` (solved or
    not); it is only read. Theorems are named `{name_prefix}_{i}`, `i` counting the theorems
    returned. Deterministic given the tree, the arguments and the state of `rng` (used only
    to sample the facts when there are more than `max_facts`).
    """
    if _NAME.fullmatch(f"{name_prefix}_0") is None:
        raise ValueError(f"name prefix {name_prefix!r} cannot start a theorem name")
    if max_facts < 0:
        raise ValueError(f"max_facts must be non-negative, not {max_facts}")
    d = load_theory_text(theory_text)
    if d.lookup(f"{name_prefix}_0") is not None:
        raise ValueError(f"name prefix {name_prefix!r} names things the theory declares")
    with bounded_recursion():
        root_form = _form(d, tree.root.state.goal)
        candidates = list(_candidate_facts(tree).items())
        if len(candidates) > max_facts:
            candidates = rng.sample(candidates, max_facts)
        seen = {root_form} if root_form is not None else set()
        out: list[Relabeled] = []
        for fact, node in candidates:
            try:
                with bounded_recursion():  # too deep a term drops this fact, not the call
                    found = _relabel_fact(fact, node, d, theory_text, premises, seen,
                                          f"{name_prefix}_{len(out)}")
            except (PeanoError, ValueError) as e:  # ProofTreeError is a ValueError
                log.debug("hindsight: fact %s dropped: %s", fact, e)
                continue
            if found is not None:
                out.append(found)
        return out


def _form(d: Derivation, t: Term) -> Term | None:
    try:
        return normal_form(d, t)
    except PeanoError:
        return None


def _relabel_fact(
    fact: str,
    node: Node,
    d: Derivation,
    theory_text: str,
    premises: tuple[str, ...],
    seen: set[Term],
    name: str,
) -> Relabeled | None:
    path = _path_to_subtree_root(node)
    if path is None or not path[0].state.is_context_empty():
        return None
    goal = _relabel(path, parse_term(fact))
    if goal is None:
        return None
    statement = check_statement(d, str(goal))  # raises if not well-formed: dropped
    form = normal_form(d, statement)
    if form in seen:
        return None
    start = new_proof_state(d, premises, statement)
    replay = _replay(start, _moves(path), strict=False)
    if replay is None:
        return None
    replay = _shorten(replay)
    actions = [a for taken in replay.actions for a in taken]
    text = theorem_text(name, start, _proof_tree(actions))
    rejected = _rejection(text, statement, theory_text, d)
    if rejected is not None:
        log.error("hindsight: the kernel rejects a relabeled proof:\n%s%s", text, rejected)
        return None
    seen.add(form)
    return Relabeled(
        fact=fact,
        statement=str(statement),
        proof=text,
        actions=tuple(actions),
        log_prob=sum(m.log_prior for m in replay.moves),
        examples=_examples(replay),
    )
