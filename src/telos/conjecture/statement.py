"""The statement of a conjecture (SPEC §5.1): what is posed to the prover.

A conjecture's statement is its contraction (`=` without its type argument), with every
declared input whose name nothing after it mentions turned back into a plain input:
`[('a0 : nat) -> ('a1 : (= nat 'a0 z)) -> (= nat 'a0 'a0)]` →
`[('a0 : nat) -> (= 'a0 z) -> (= 'a0 'a0)]`.

This is `telos.peano.conjecture_statement` with one fix: the kernel decides "mentioned" with
SPEC §2.2's `free_variables`, which looks only at an arrow's *output*, so a binder used only
inside an arrow in a later hypothesis loses its name and the statement has an unbound
parameter (`[('a0 : nat) -> ('a1 : [('a2 : (= nat 'a0 z)) -> (= nat z z)]) -> (= nat z z)]`
becomes `[nat -> [(= 'a0 z) -> (= z z)] -> (= z z)]`). Here every occurrence counts. Where
the kernel's result is closed the two agree (tested); once the kernel is fixed this module can
simply call it.
"""

from __future__ import annotations

from telos.peano import Arrow, Decl, Term, contract, parse_term
from telos.peano.terms import atoms


def conjecture_statement(t: Term) -> Term:
    """The statement of conjecture term `t` (SPEC §5.1)."""
    return _unname(contract(t))


def statement_text(conjecture_text: str) -> str:
    """The printed statement of a conjecture given as text."""
    return str(conjecture_statement(parse_term(conjecture_text)))


def _unname(t: Term) -> Term:
    if type(t) is not Arrow:
        return t
    inputs = list(t.inputs)  # type: ignore[attr-defined]
    output = t.output  # type: ignore[attr-defined]
    for i, current in enumerate(inputs):
        if type(current) is Decl:
            later = [*inputs[i + 1 :], output]
            if any(current.name in _params(x) for x in later):
                inputs[i] = Decl(current.name, _unname(current.type))
            else:
                inputs[i] = _unname(current.type)
        else:
            inputs[i] = _unname(current)
    return Arrow(tuple(inputs), _unname(output))


def _params(t: Term) -> set[str]:
    return {a.name for a in atoms(t) if a.is_param}
