"""The Derivation API for conjecturing (SPEC §5): what a constrained sampler asks a theory.

Functions of a `Derivation`, read-only: the arrow set, arrow signatures, arrows with a given
target type, atoms of a given type, the proof test, and a dump of the context.
"""

from __future__ import annotations

from .derivation import Derivation
from .terms import Arrow, Decl, Term, free_atoms


def arrow_names(d: Derivation) -> set[str]:
    """`actions()` of §5: the built-in rules and every name whose declared type is an arrow."""
    return set(d.arrows)


def arrow_type_signature(d: Derivation, name: str) -> tuple[list[tuple[str, str]], str] | None:
    """`([(param, type), …], output)` for a declared arrow (`""` for a plain input), else None."""
    definition = d.lookup(name)
    if definition is None or type(definition.type) is not Arrow:
        return None
    arrow = definition.type
    inputs = [
        (i.name, str(i.type)) if type(i) is Decl else ("", str(i))
        for i in arrow.inputs  # type: ignore[attr-defined]
    ]
    return inputs, str(arrow.output)  # type: ignore[attr-defined]


def arrows_with_target_type(d: Derivation, target: Term) -> list[str]:
    """Names without `@` whose declared type is an arrow whose output is exactly `target`."""
    return [
        n
        for n, o in d.defs.items()
        if "@" not in n and type(o.type) is Arrow and o.type.output == target  # type: ignore[attr-defined]
    ]


def declared_atoms_with_type(d: Derivation, target: Term) -> list[str]:
    """Names without `@` (insertion order) whose type is equivalent to `target`: the value's
    text for an object with a value, else the name."""
    return [
        str(o.value) if o.value is not None else n
        for n, o in d.defs.items()
        if "@" not in n and d.equivalent(o.type, target)
    ]


def is_proof(d: Derivation, name: str) -> bool | None:
    """Whether `name` is a proof (SPEC §2.8); None when it is not defined."""
    definition = d.lookup(name)
    return None if definition is None else definition.is_proof


def context_state(d: Derivation) -> list[tuple[str, str, str | None, bool, list[str]]]:
    """`(name, type, value, is_proof, dependencies)` for every name in insertion order."""
    out = []
    for n, o in d.defs.items():
        deps = [] if o.value is None else free_atoms(o.value)
        out.append((n, str(o.type), None if o.value is None else str(o.value), o.is_proof, deps))
    return out
