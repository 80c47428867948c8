"""Proof text from a solved action tree (the proof language of SPEC §3).

A solved tree from a proof state is rendered as `.p` proof steps: `intro NAME : TYPE.` for an
intro, `show TYPE by ARROW.` for a construction, and `apply ARROW.` followed by one
`goal G { … }` block per subgoal for a backward step. The renderer replays the tree through
the kernel (every action must be offered and give the recorded number of children), so it
also validates the tree; the text it returns is then checked by the checker like any proof.

The checker names the objects of `show` steps `_1`, `_2`, … (the derivation's id counter,
copied into `goal` blocks), so a constructed arrow that a later step uses by name is
referred to under that name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .state import Intro, ProofState, SelectConstruction, SelectGoals, UseArrow
from .terms import Decl


@dataclass(frozen=True)
class ProofTree:
    """A solved action tree: `action` (its string) and one subtree per child state."""

    action: str
    children: tuple[ProofTree, ...] = ()

    @staticmethod
    def from_json(data: dict) -> ProofTree:
        """From `{"action": ..., "children": [...]}` (the shape of golden `proofs.jsonl`)."""
        return ProofTree(data["action"], tuple(ProofTree.from_json(c) for c in data["children"]))

    def to_json(self) -> dict:
        return {"action": self.action, "children": [c.to_json() for c in self.children]}


class ProofTreeError(ValueError):
    """The tree does not replay: an action is not offered or gives another number of children."""


@dataclass
class _Names:
    counter: int = 0  # the checker's id counter at this point
    renamed: dict[str, str] = field(default_factory=dict)  # state name -> checker name

    def copy(self) -> _Names:
        return _Names(self.counter, dict(self.renamed))


def proof_lines(state: ProofState, tree: ProofTree, indent: str = "    ") -> list[str]:
    """The steps proving `state`'s goal by `tree`, one per line, indented by `indent`."""
    lines: list[str] = []
    _render(state, tree, _Names(), indent, lines)
    return lines


def theorem_text(name: str, state: ProofState, tree: ProofTree) -> str:
    """A whole `theorem NAME : GOAL { … }` block for `state`'s goal."""
    body = "\n".join(proof_lines(state, tree))
    return f"theorem {name} : {state.goal} {{\n{body}\n}}\n"


def _step(state: ProofState, tree: ProofTree) -> list[ProofState]:
    try:
        action = state.action(tree.action)
    except KeyError:
        raise ProofTreeError(f"action {tree.action!r} is not offered for {state}") from None
    children = state.execute(action)
    if len(children) != len(tree.children):
        raise ProofTreeError(
            f"action {tree.action!r} gives {len(children)} state(s), "
            f"the tree has {len(tree.children)}"
        )
    return children


def _render(state: ProofState, tree: ProofTree, names: _Names, indent: str, out: list) -> None:
    action = state.action(tree.action) if tree.action in _strings(state) else None
    if action is None:
        _step(state, tree)  # raises with the reason
        return
    if isinstance(action, Intro):
        goal = state.derivation.eval(state.goal)
        first = goal.inputs[0]  # type: ignore[attr-defined]
        input_type = first.type if type(first) is Decl else first
        name = state.derivation.fresh("x")
        out.append(f"{indent}intro {name} : {input_type}.")
        children = _step(state, tree)
        if children:
            _render(children[0], tree.children[0], names, indent, out)
        return
    if isinstance(action, UseArrow):
        (pending,) = _step(state, tree)
        (choice_tree,) = tree.children
        choice = pending.action(choice_tree.action) if choice_tree.action in _strings(
            pending
        ) else None
        arrow = names.renamed.get(action.name, action.name)
        if isinstance(choice, SelectConstruction):
            children = _step(pending, choice_tree)
            out.append(f"{indent}show {choice.type} by {arrow}.")
            names.counter += 1
            if children:
                new_name = children[0].history[-1]
                if new_name is not None:
                    names.renamed[new_name] = f"_{names.counter}"
                _render(children[0], choice_tree.children[0], names, indent, out)
            return
        if isinstance(choice, SelectGoals):
            children = _step(pending, choice_tree)
            out.append(f"{indent}apply {arrow}.")
            for goal, child, subtree in zip(choice.goals, children, choice_tree.children):
                out.append(f"{indent}goal {goal} {{")
                _render(child, subtree, names.copy(), indent + "    ", out)
                out.append(f"{indent}}}")
            return
        _step(pending, choice_tree)  # not offered: raises
        return
    raise ProofTreeError(f"a level-2 action {tree.action!r} without its arrow")


def _strings(state: ProofState) -> set[str]:
    return {str(a) for a in state.actions()}
