"""The atoms the language itself provides (SPEC §1.3, §2.8, §2.9): `type`, `prop`, `=`, the
names of the built-in rules, and the predicates on them that the kernel's modules share."""

from __future__ import annotations

import re

from .terms import App, Atom, Term

TYPE = Atom("type")
PROP = Atom("prop")
EQ = Atom("=")
BUILTIN_RULES = ("eval", "rewrite", "eq_symm", "eq_refl")
BUILTIN_SET = frozenset(BUILTIN_RULES)
_NUMERIC = re.compile(r"^[0-9]+(/[0-9]+)?$")


def is_numeric_atom(name: str) -> bool:
    """A numeric literal (digits, optionally `/` and digits): out of scope, a located error."""
    return _NUMERIC.match(name) is not None


def is_builtin_app(t: Term) -> bool:
    return type(t) is App and type(t.fn) is Atom and t.fn.name in BUILTIN_SET  # type: ignore[attr-defined]


def is_equality(t: Term) -> bool:
    """"Type looks like a proposition" of SPEC §2.8, which for well-typed types means `(= a b)`."""
    return type(t) is App and t.fn == EQ  # type: ignore[attr-defined]
