"""The statement of a conjecture (SPEC §5.1): what is posed to the prover.

A conjecture's statement is its contraction (`=` without its type argument), with every
declared input whose name nothing after it mentions turned back into a plain input:
`[('a0 : nat) -> ('a1 : (= nat 'a0 z)) -> (= nat 'a0 'a0)]` →
`[('a0 : nat) -> (= 'a0 z) -> (= 'a0 'a0)]`. The kernel computes it
(`telos.peano.conjecture_statement`); this module adds the text-to-text form.
"""

from __future__ import annotations

from telos.peano import conjecture_statement, parse_term

__all__ = ["conjecture_statement", "statement_text"]


def statement_text(conjecture_text: str) -> str:
    """The printed statement of a conjecture given as text."""
    return str(conjecture_statement(parse_term(conjecture_text)))
