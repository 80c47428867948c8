"""telos.conjecture — the type-directed constrained conjecture sampler (SPEC §5, §5.1).

The public surface:

- `sample_conjectures(model, derivation, n, bucket="hard", temperature=1.0, max_chars=256,
  seed=0, batch_size=64, max_depth=5, max_binders=6, grammar=None) -> ConjectureBatch`:
  `n` samples from a `telos.model.LanguageModel`, constrained character by character, returned
  de-duplicated and re-checked as `Conjecture(text, statement, logprob)` records with the
  counts requested / finished / discarded (length cap) / duplicates / rejected and the wall
  time (`sampler.py`);
- `Grammar(derivation, max_depth, max_binders, binder_types=None)`: the completion engine —
  `cursor(prefix)` (a `Cursor` with `legal()`, `complete`, `feed(ch)`, `forced()`),
  `completion(prefix) -> Completion(complete, next_chars) | None`, `accepts(text)`; `END` is
  the "stop here" pseudo-character among a cursor's legal characters (`grammar.py`);
- `Vocabulary`, `default_binder_types(derivation)`: the theory's atoms, application heads and
  binder types the grammar draws from (`vocabulary.py`);
- `conjecture_statement(term)`, `statement_text(text)`: the statement of a conjecture, to be
  proved (`statement.py`).

Conjecture text is the normal form of SPEC §5.1 (binders `'a0, 'a1, …`, `=` with its type
argument), e.g. `[('a0 : nat) -> ('a1 : (= nat 'a0 z)) -> (= nat (+ 'a0 'a0) z)]`; its
statement is `[('a0 : nat) -> (= 'a0 z) -> (= (+ 'a0 'a0) z)]`.
"""

from .grammar import END, Completion, Cursor, Grammar
from .sampler import Conjecture, ConjectureBatch, sample_conjectures
from .statement import conjecture_statement, statement_text
from .vocabulary import Vocabulary, default_binder_types

__all__ = [
    "END",
    "Completion",
    "Conjecture",
    "ConjectureBatch",
    "Cursor",
    "Grammar",
    "Vocabulary",
    "conjecture_statement",
    "default_binder_types",
    "sample_conjectures",
    "statement_text",
]
