"""The loop's own re-check of every proof it is handed, before counting, training or saving.

Executors (and searches inside them) already check what they find; the loop checks again,
with the kernel, whatever comes back — results may have crossed a process or a network.
"""

from __future__ import annotations

import logging

from telos.peano import (
    Derivation,
    PeanoError,
    bounded_recursion,
    check_statement,
    check_text,
    normal_form,
    parse_file,
)

log = logging.getLogger(__name__)


class ProofVerifier:
    """Checks theorem texts against one theory text (the prelude) with the kernel."""

    def __init__(self, theory_text: str, derivation: Derivation):
        self.theory_text = theory_text
        self.derivation = derivation
        self.checked = 0
        self.rejected = 0

    def statement_key(self, statement: str) -> str:
        """A statement's normal form, as text (raises PeanoError when ill-formed)."""
        with bounded_recursion():
            return str(normal_form(self.derivation, check_statement(self.derivation, statement)))

    def accepts(self, statement: str, proof: str) -> bool:
        """True when `proof` is one theorem block, accepted by the kernel after the theory, and
        what it states is `statement` (up to normal form)."""
        self.checked += 1
        try:
            with bounded_recursion():
                blocks = [b for b in parse_file(proof) if hasattr(b, "statement")]
                verdicts = check_text(proof, prelude=self.theory_text)
                ok = (
                    len(blocks) == 1
                    and len(verdicts) == 1
                    and verdicts[0].ok
                    and str(normal_form(self.derivation, blocks[0].statement))
                    == self.statement_key(statement)
                )
        except PeanoError as e:
            log.error("a claimed proof of %s does not parse or check: %s", statement, e)
            ok = False
        if not ok:
            self.rejected += 1
            log.error("the kernel rejects a claimed proof of %s:\n%s", statement, proof)
        return ok
