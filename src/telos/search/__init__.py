"""telos.search — proof search over kernel states.

- `Policy`, `Evaluation`, `UniformPolicy`: what search asks of a model (`policy.py`);
- `SearchTree`, `Node`: the AND/OR tree (`tree.py`);
- `STRATEGIES`: `mcts`, `best-first`, `beam`, `sample` (`strategies.py`);
- `Problem`, `SearchResult`, `prove`, `prove_many`: running searches (`prove.py`).
"""

from .policy import Evaluation, Policy, UniformPolicy
from .prove import NodeRecord, Problem, SearchResult, prove, prove_many
from .strategies import STRATEGIES
from .tree import Node, SearchTree

__all__ = [
    "STRATEGIES",
    "Evaluation",
    "Node",
    "NodeRecord",
    "Policy",
    "Problem",
    "SearchResult",
    "SearchTree",
    "UniformPolicy",
    "prove",
    "prove_many",
]
