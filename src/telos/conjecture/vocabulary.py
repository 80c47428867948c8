"""What a conjecture may say in a theory: the words the constrained grammar draws from.

The completion engine (`grammar.py`) asks a theory four things, all answered here from the
kernel's conjecturing API (SPEC §5: `declared_atoms_with_type`, `arrows_with_target_type`,
`arrow_type_signature`) and cached per target type:

- `atoms(target)`: theory constants of a type (plain atoms only; never the sorts `type` or
  `prop`, so that `(= T a b)` always compares terms of a declared type);
- `heads(target)`: arrows usable as the head of an application producing `target`, each with
  its input types and which inputs are *dependent* (a later input mentions their parameter,
  like `'t` in `= : [('t : type) -> 't -> 't -> prop]`);
- `input_target(head, i, subst)`: the type the i-th argument must have once the earlier
  dependent parameters are replaced by the chosen arguments;
- `binder_types`: the types an arrow may quantify over (see `default_binder_types`).

Targets are kept as printed text (`nat`, `prop`, `type`); a target that is a parameter (`'a0`)
has no theory atoms and no heads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telos.peano import Derivation, Term, parse_term
from telos.peano.queries import arrows_with_target_type, declared_atoms_with_type
from telos.peano.terms import Arrow, Atom, Decl, free_params, subst

TYPE = "type"
PROP = "prop"
SORTS = frozenset({TYPE, PROP})
# An atom the printer writes as itself: the characters of SPEC §1.1, no leading quote.
_PLAIN_ATOM = re.compile(r"^[0-9A-Za-z_+\-/*=!$^<>][0-9A-Za-z'_+\-/*=!$^<>]*$")
_NUMERIC = re.compile(r"^[0-9]+(/[0-9]+)?$")


@dataclass(frozen=True)
class Head:
    """An arrow usable as an application head: `(name arg_0 … arg_{n-1})`."""

    name: str
    params: tuple[str, ...]  # the i-th input's declared parameter (`'t`), or "" when plain
    inputs: tuple[Term, ...]  # the i-th input's type, as declared
    dependent: tuple[bool, ...]  # a later input mentions the i-th input's parameter

    @property
    def arity(self) -> int:
        return len(self.inputs)


def _is_plain_atom(text: str) -> bool:
    return _PLAIN_ATOM.match(text) is not None and _NUMERIC.match(text) is None


def default_binder_types(d: Derivation) -> tuple[str, ...]:
    """The types a conjecture's binders range over, in the theory's insertion order.

    Every declared atom of type `type` (`nat`, `G`, …), except that `prop` (which every
    derivation predefines) counts only where propositions are first-class objects of the
    theory: some declared constant has type `prop` (`false`) or some arrow takes a `prop`
    argument (`not : [prop -> prop]`). So `[('a0 : prop) -> …]` is sampled in propositional
    logic but not in nat-add, where it would only state tautologies foreign to the theory.
    Never `type` itself, never a function type (`[nat -> prop]`), never an applied type.
    """
    out: list[str] = []
    for text in declared_atoms_with_type(d, Atom(TYPE)):
        if text in out or not _is_plain_atom(text) or text == TYPE:
            continue
        if text == PROP and not _props_are_objects(d):
            continue
        out.append(text)
    return tuple(out)


def _props_are_objects(d: Derivation) -> bool:
    if any(_is_plain_atom(a) for a in declared_atoms_with_type(d, Atom(PROP))):
        return True
    for name, definition in d.defs.items():
        t = definition.type
        if "@" in name or type(t) is not Arrow:
            continue
        for i in t.inputs:  # type: ignore[attr-defined]
            if (i.type if type(i) is Decl else i) == Atom(PROP):
                return True
    return False


class Vocabulary:
    """The theory side of the conjecture grammar, cached (a derivation is not modified)."""

    def __init__(self, d: Derivation, binder_types: tuple[str, ...] | None = None):
        self.derivation = d
        self.binder_types = default_binder_types(d) if binder_types is None else binder_types
        self._atoms: dict[str, tuple[str, ...]] = {}
        self._heads: dict[str, tuple[Head, ...]] = {}
        self._targets: dict[tuple[str, int, tuple[tuple[str, str], ...]], str] = {}

    def atoms(self, target: str) -> tuple[str, ...]:
        """Theory constants of type `target` (insertion order, no repeats, no sorts)."""
        found = self._atoms.get(target)
        if found is None:
            found = ()
            if not target.startswith("'"):
                names = declared_atoms_with_type(self.derivation, parse_term(target))
                found = tuple(
                    dict.fromkeys(n for n in names if _is_plain_atom(n) and n not in SORTS)
                )
            self._atoms[target] = found
        return found

    def heads(self, target: str) -> tuple[Head, ...]:
        """Arrows whose output is `target`, whose inputs' types mention no parameter other
        than earlier declared inputs (no implicit arguments), with at least one input."""
        found = self._heads.get(target)
        if found is None:
            found = ()
            if not target.startswith("'"):
                d = self.derivation
                names = arrows_with_target_type(d, parse_term(target))
                found = tuple(h for h in (self._head(n) for n in names) if h is not None)
            self._heads[target] = found
        return found

    def _head(self, name: str) -> Head | None:
        if not _is_plain_atom(name):
            return None
        definition = self.derivation.lookup(name)
        if definition is None or type(definition.type) is not Arrow:
            return None
        inputs = definition.type.inputs  # type: ignore[attr-defined]
        if not inputs:
            return None
        params = tuple(i.name if type(i) is Decl else "" for i in inputs)
        types = tuple(i.type if type(i) is Decl else i for i in inputs)
        for i, t in enumerate(types):
            if not free_params(t) <= {p for p in params[:i] if p}:
                return None
        dependent = tuple(
            bool(p) and any(p in free_params(t) for t in types[i + 1 :])
            for i, p in enumerate(params)
        )
        return Head(name, params, types, dependent)

    def input_target(self, head: Head, i: int, chosen: tuple[tuple[str, str], ...]) -> str:
        """The printed type of `head`'s i-th argument, the dependent parameters in `chosen`
        (`(param, argument text)` pairs) substituted."""
        key = (head.name, i, chosen)
        found = self._targets.get(key)
        if found is None:
            t = head.inputs[i]
            for param, text in chosen:
                t = subst(t, param, parse_term(text))
            found = self._targets[key] = str(t)
        return found
