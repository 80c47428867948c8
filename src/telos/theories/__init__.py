"""The packaged reference theories: their Peano text and premise lists, by name.

Each theory is a ``.p`` file shipped as package data next to this module; ``premises.json``
holds, for each theory, the premises the prover may use, in their canonical order. Goal sets
(`goals/*.json`, read by `load_goal_set`) are the theorems the loop is steered toward.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from .goalsets import GOAL_SET_NAMES, Goal, GoalSet, GoalSetError, load_goal_set

__all__ = [
    "GOAL_SET_NAMES",
    "THEORY_NAMES",
    "Goal",
    "GoalSet",
    "GoalSetError",
    "Theory",
    "UnknownTheoryError",
    "load_goal_set",
    "load_theory",
]

THEORY_NAMES: tuple[str, ...] = ("nat-add", "nat-mul", "groups", "propositional-logic")

_PREMISES_FILE = "premises.json"


class UnknownTheoryError(ValueError):
    """Raised for a theory name that is not one of ``THEORY_NAMES``."""


@dataclass(frozen=True)
class Theory:
    """A packaged theory: its name, its Peano source text, its premises (in order) and its file."""

    name: str
    text: str
    premises: tuple[str, ...]
    path: Path


def _resource(filename: str) -> Path:
    resource = resources.files(__name__) / filename
    return resource if isinstance(resource, Path) else Path(str(resource))


@cache
def _premises() -> dict[str, tuple[str, ...]]:
    raw = json.loads((resources.files(__name__) / _PREMISES_FILE).read_text(encoding="utf-8"))
    return {name: tuple(raw[name]) for name in THEORY_NAMES}


def load_theory(name: str) -> Theory:
    """Return the packaged theory called ``name`` (one of ``THEORY_NAMES``)."""
    if name not in THEORY_NAMES:
        known = ", ".join(THEORY_NAMES)
        raise UnknownTheoryError(f"unknown theory '{name}' (known: {known})")
    resource = resources.files(__name__) / f"{name}.p"
    return Theory(
        name=name,
        text=resource.read_text(encoding="utf-8"),
        premises=_premises()[name],
        path=_resource(f"{name}.p"),
    )
