"""Training examples from a search result (the policy and value targets of one search).

For every expanded node of a solved search: the action on the proof is a `policy` example;
nodes on the proof are `value` examples labelled `Y`; other expanded nodes that the search
proved dead are labelled `N`. A failed search gives `N` for its root only: the goal was not
provable within the budget, which says nothing certain about its inner nodes.
"""

from __future__ import annotations

from telos.search import SearchResult

from .formats import Example, policy_prompt, value_example


def examples_from_result(result: SearchResult) -> list[Example]:
    tree = result.search_tree
    if tree is None:
        raise ValueError("the result no longer holds its search tree")
    out: list[Example] = []
    if not result.success:
        return [value_example(tree.root.state, provable=False)]
    on_proof = {id(node): i for node, i in tree.solution_actions()}
    for node in tree.nodes:
        if not node.actions:
            continue
        i = on_proof.get(id(node))
        if i is not None:
            action = str(node.actions[i])
            out.append(Example("policy", policy_prompt(node.state, len(action)), action))
            out.append(value_example(node.state, provable=True))
        elif node.dead:
            out.append(value_example(node.state, provable=False))
    return out
